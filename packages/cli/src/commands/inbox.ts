/** inbox list / replay: what the inbox holds, and queueing deliveries again once their cause is fixed. */
import { parseArgs } from "node:util";
import { type Delivery, type InboxCheckResult, checkInbox, createReceiver, deliveryStatuses } from "@webhook-contracts/receiver";
import { receiverSettings, storeFromConfig } from "@webhook-contracts/receiver/config";
import { type CliIO, UsageError, exitCodes, sinceTime } from "../io.js";
import { openConfig } from "./config.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A delivery as JSON: the body as text when it is UTF-8, else in base64 (it is kept as the bytes that came). */
function printable(d: Delivery) {
  const { body, ...rest } = d;
  try {
    return { ...rest, body: strictUtf8.decode(body) };
  } catch {
    return { ...rest, bodyBase64: Buffer.from(body).toString("base64") };
  }
}

export async function inbox(args: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      status: { type: "string" },
      provider: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean", default: false },
      "all-quarantined": { type: "boolean", default: false },
      since: { type: "string" },
      force: { type: "boolean", default: false },
    },
  });
  if (action !== "list" && action !== "replay" && action !== "check")
    throw new UsageError(`inbox needs "list", "check" or "replay", not ${action ?? "nothing"}`);
  const since = values.since === undefined ? undefined : sinceTime(values.since);
  if (values.status && !(deliveryStatuses as readonly string[]).includes(values.status))
    throw new UsageError(`--status must be one of ${deliveryStatuses.join(", ")}`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive whole number, not ${values.limit}`);
  if (action === "replay" && !values["all-quarantined"] && positionals.length !== 1)
    throw new UsageError("inbox replay needs one delivery ID or --all-quarantined");
  // list and check only read the store. Replay writes what the worker acts on, and decides by the forward
  // target whether an unknown message can go (createReceiver): it is checked in full, as serve is.
  const config = await openConfig(values.config, undefined, { storeOnly: action !== "replay" });
  const store = await storeFromConfig(config);
  try {
    await store.init();
    if (action === "check") return await check(store, since, values.json, io);
    if (action === "list") {
      const filter = {
        ...(values.status ? { status: values.status as Delivery["status"] } : {}),
        ...(values.provider ? { provider: values.provider } : {}),
        ...(limit ? { limit } : {}),
      };
      const deliveries = await store.list(filter);
      if (values.json) io.stdout.write(`${JSON.stringify(deliveries.map(printable), null, 2)}\n`);
      else {
        for (const d of deliveries)
          io.stdout.write(`${d.id} ${d.receivedAt} ${d.provider} ${d.message ?? "-"} ${d.status}${d.reason ? ` (${d.reason})` : ""}\n`);
        io.stderr.write(`${deliveries.length} deliveries\n`);
      }
      return exitCodes.valid;
    }
    // Replay queues; a running worker (serve --forward-to, worker, or your createReceiver) runs the handlers.
    const receiver = createReceiver({ ...receiverSettings(config), store, worker: false });
    const results = values["all-quarantined"]
      ? await receiver.replayQuarantined()
      : [{ id: positionals[0]!, answer: await receiver.replay(positionals[0]!, { force: values.force }) }];
    for (const r of results) {
      const body = r.answer.body;
      const detail =
        r.answer.status >= 400 ? `${String(body.error)} (${String(body.message)})` : `${String(body.status)}${body.reason ? ` (${String(body.reason)})` : ""}`;
      io.stdout.write(`${r.id} ${detail}\n`);
    }
    if (results.length === 0) io.stderr.write("no quarantined deliveries\n");
    return results.every((r) => r.answer.body.status === "queued") ? exitCodes.valid : exitCodes.invalid;
  } finally {
    await store.close();
  }
}

/** inbox check: every stored delivery against today's validators (the replay gate). Exit 1 when one accepted before would now be rejected. */
async function check(store: Parameters<typeof checkInbox>[0], since: string | undefined, json: boolean, io: CliIO): Promise<number> {
  const nowRejected: InboxCheckResult[] = [];
  const readyToReplay: InboxCheckResult[] = [];
  let checked = 0;
  for await (const result of checkInbox(store, since ? { since } : {})) {
    checked++;
    if (result.verdict === "now-rejected") {
      nowRejected.push(result);
      if (!json)
        for (const e of result.errors ?? [])
          io.stdout.write(`${result.id} ${result.provider} ${result.storedAs ?? "-"} now rejected: ${e.path || "(root)"} ${e.message}\n`);
    } else if (result.verdict === "ready-to-replay") {
      readyToReplay.push(result);
      if (!json) io.stdout.write(`${result.id} ${result.provider} ready to replay as ${result.message}\n`);
    }
  }
  const unchanged = checked - nowRejected.length - readyToReplay.length;
  if (json) io.stdout.write(`${JSON.stringify({ checked, nowRejected, readyToReplay, unchanged }, null, 2)}\n`);
  else io.stderr.write(`${checked} deliveries checked: ${nowRejected.length} now rejected, ${readyToReplay.length} ready to replay, ${unchanged} unchanged\n`);
  return nowRejected.length > 0 ? exitCodes.invalid : exitCodes.valid;
}
