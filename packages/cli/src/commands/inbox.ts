/** inbox list / replay: what the inbox holds, and queueing deliveries again once their cause is fixed. */
import { parseArgs } from "node:util";
import { type Delivery, createReceiver, deliveryStatuses } from "@webhook-contracts/receiver";
import { receiverSettings, storeFromConfig } from "@webhook-contracts/receiver/config";
import { type CliIO, UsageError, exitCodes } from "../io.js";
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
      force: { type: "boolean", default: false },
    },
  });
  if (action !== "list" && action !== "replay") throw new UsageError(`inbox needs "list" or "replay", not ${action ?? "nothing"}`);
  if (values.status && !(deliveryStatuses as readonly string[]).includes(values.status))
    throw new UsageError(`--status must be one of ${deliveryStatuses.join(", ")}`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive whole number, not ${values.limit}`);
  if (action === "replay" && !values["all-quarantined"] && positionals.length !== 1)
    throw new UsageError("inbox replay needs one delivery ID or --all-quarantined");
  const config = await openConfig(values.config);
  const store = await storeFromConfig(config);
  try {
    await store.init();
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
