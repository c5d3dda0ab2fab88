/** The receiving side of the CLI: serve, send, inbox. */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { allFixtures, fixtures } from "@webhook-contracts/fixtures";
import { createReceiver, loadConfig, signedHeaders, storeFromConfig } from "@webhook-contracts/receiver";
import { isProviderName, providerNames } from "@webhook-contracts/validators";
import { type CliIO, UsageError, exitCodes } from "./cli.js";

async function openConfig(file: string | undefined) {
  if (!file) throw new UsageError("missing --config");
  try {
    const config = await loadConfig(file);
    return { config, store: await storeFromConfig(config) };
  } catch (error) {
    throw new UsageError(`cannot use ${file}: ${(error as Error).message}`, false);
  }
}

export async function serve(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: "string", default: "8080" }, host: { type: "string", default: "127.0.0.1" }, config: { type: "string" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not ${values.port}`);
  const { config, store } = await openConfig(values.config);
  const receiver = createReceiver({ store, providers: config.providers, ...(config.maxBodyBytes ? { maxBodyBytes: config.maxBodyBytes } : {}) });
  const resumed = await receiver.resume();
  const server = createServer(receiver.nodeListener);
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, values.host, resolve));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  io.stdout.write(`webhook-contracts receiver on http://${values.host}:${actualPort}/webhooks/<${Object.keys(config.providers).join("|")}>${resumed ? ` (resumed ${resumed} unhandled deliveries)` : ""}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await store.close();
  return exitCodes.valid;
}

export async function send(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { provider: { type: "string" }, fixture: { type: "string" }, to: { type: "string" }, secret: { type: "string" }, header: { type: "string" } },
  });
  const provider = values.provider;
  if (!provider || !isProviderName(provider)) throw new UsageError(`--provider must be one of ${providerNames.join(", ")}`);
  if (!values.fixture) throw new UsageError("missing --fixture (a message name, or a JSON file)");
  if (!values.to) throw new UsageError("missing --to (the receiver's URL)");
  let body: string;
  const messages = Object.keys(fixtures[provider]);
  if (messages.includes(values.fixture)) {
    body = JSON.stringify(allFixtures(provider, values.fixture as never)[0]!.payload);
  } else {
    try {
      body = await readFile(values.fixture, "utf8");
    } catch (error) {
      throw new UsageError(`--fixture ${values.fixture} is neither a ${provider} message (${messages.join(", ")}) nor a readable file: ${(error as Error).message}`, false);
    }
  }
  const url = new URL(values.to);
  if (url.pathname === "/" || url.pathname === "") url.pathname = `/webhooks/${provider}`;
  const headers = { "content-type": "application/json", ...(values.secret ? signedHeaders(provider, body, values.secret, values.header ? { header: values.header } : {}) : {}) };
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body });
  } catch (error) {
    throw new UsageError(`cannot POST to ${url.href}: ${(error as Error).cause ?? (error as Error).message}`, false);
  }
  const text = await response.text();
  io.stdout.write(`${response.status} ${text}\n`);
  return response.ok ? exitCodes.valid : exitCodes.invalid;
}

export async function inbox(args: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { config: { type: "string" }, status: { type: "string" }, json: { type: "boolean", default: false }, "all-quarantined": { type: "boolean", default: false } },
  });
  if (action !== "list" && action !== "replay") throw new UsageError(`inbox needs "list" or "replay", not ${action ?? "nothing"}`);
  const statuses = ["received", "handled", "quarantined", "rejected"];
  if (values.status && !statuses.includes(values.status)) throw new UsageError(`--status must be one of ${statuses.join(", ")}`);
  const { config, store } = await openConfig(values.config);
  try {
    if (action === "list") {
      const deliveries = await store.list(values.status ? { status: values.status as never } : {});
      if (values.json) io.stdout.write(`${JSON.stringify(deliveries, null, 2)}\n`);
      else {
        for (const d of deliveries) io.stdout.write(`${d.id} ${d.receivedAt} ${d.provider} ${d.message ?? "-"} ${d.status}${d.reason ? ` (${d.reason})` : ""}\n`);
        io.stderr.write(`${deliveries.length} deliveries\n`);
      }
      return exitCodes.valid;
    }
    const receiver = createReceiver({ store, providers: config.providers });
    const results = values["all-quarantined"]
      ? await receiver.replayQuarantined()
      : positionals.length === 1
        ? [{ id: positionals[0]!, answer: await receiver.replay(positionals[0]!) }]
        : (() => {
            throw new UsageError("inbox replay needs one delivery ID or --all-quarantined");
          })();
    for (const r of results) io.stdout.write(`${r.id} ${String(r.answer.body.status ?? r.answer.body.error)}${r.answer.body.reason ? ` (${String(r.answer.body.reason)})` : ""}\n`);
    return results.every((r) => r.answer.body.status === "handled") ? exitCodes.valid : exitCodes.invalid;
  } finally {
    await store.close();
  }
}
