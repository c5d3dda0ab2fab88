/**
 * One server under load, in a process of its own (started by receiver-case.ts), so that the load
 * generator and the server do not share an event loop:
 *   node --import tsx bench/src/receiver-server.ts bare
 *   node --import tsx bench/src/receiver-server.ts sqlite <file>
 *   node --import tsx bench/src/receiver-server.ts postgres <connection string> <table>
 *   node --import tsx bench/src/receiver-server.ts minimal-sqlite <file>       (bench/src/minimal/)
 *   node --import tsx bench/src/receiver-server.ts minimal-postgres <connection string> <table>
 *   node --import tsx bench/src/receiver-server.ts octokit                     (a non-durable peer)
 *   node --import tsx bench/src/receiver-server.ts standardwebhooks            (a non-durable peer)
 *   node --import tsx bench/src/receiver-server.ts sink                        (a forward target: 204)
 * It listens on 127.0.0.1 (a free port) and says {port} on its IPC channel; then answers commands there:
 *   {cmd: "drain"}                  waits until its worker has handled every delivery: {backlog, drainMs, left}
 *                                   (left > 0: the worker stopped claiming, nothing moved for 2 s)
 *   {cmd: "recover"}                after a stall: a new receiver on the same store, the backlog handled first
 *   {cmd: "state"}                  outcomes so far, the worker's deliveries in hand, the store's counts
 *   {cmd: "cpu"}                    this process's CPU time so far, every thread's: {user, system} in µs
 *   {cmd: "profile-start"}          starts V8's CPU profiler (this process's main thread)
 *   {cmd: "profile-stop", file}     stops it and writes the .cpuprofile
 *   {cmd: "stop"}                   stops the worker and the server, closes the store: {outcomes, handled, byStatus}
 * The receiver: the Ivy provider with one secret, the in-process worker on with a no-op handler for
 * order_updated (so the claim and finish writes are measured too), served by createNodeMiddleware.
 * For diagnosis runs, not measured ones: BENCH_RECEIVER_OPTIONS (JSON) is merged into createReceiver's options, e.g.
 * '{"worker":false}' (intake alone) or '{"worker":{"concurrency":64}}'.
 */
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { InboxStore } from "@webhook-contracts/receiver";
import { postgresReference } from "./minimal/postgres-reference.ts";
import { sqliteReference } from "./minimal/sqlite-reference.ts";
import { profileStart, profileStop } from "./profiler.ts";
import { BENCH_IVY_SECRET, BENCH_STANDARD_WEBHOOKS_SECRET, IVY_PATH } from "./receiver-load.ts";

/**
 * BENCH_RECEIVER_DIST: the receiver from another build (a directory laid out as packages/receiver/dist),
 * to measure a change beside the current build; by default the workspace's @webhook-contracts/receiver.
 */
const dist = process.env.BENCH_RECEIVER_DIST;
const entry = (name: "index" | "node" | "sqlite" | "postgres") =>
  dist ? pathToFileURL(path.join(dist, `${name}.js`)).href : name === "index" ? "@webhook-contracts/receiver" : `@webhook-contracts/receiver/${name}`;

type Command =
  | { cmd: "cpu" }
  | { cmd: "state" }
  | { cmd: "drain" }
  | { cmd: "recover" }
  | { cmd: "profile-start" }
  | { cmd: "profile-stop"; file: string }
  | { cmd: "stop" };

const [kind = "bare", where = "", table = ""] = process.argv.slice(2);
const reply = (message: unknown) => process.send!(message);

async function openStore(): Promise<InboxStore> {
  if (kind === "sqlite") {
    const { sqliteStore } = (await import(entry("sqlite"))) as typeof import("@webhook-contracts/receiver/sqlite");
    return sqliteStore(where);
  }
  const { postgresStore } = (await import(entry("postgres"))) as typeof import("@webhook-contracts/receiver/postgres");
  return postgresStore(where, table);
}

const outcomes: Record<string, number> = {};
let handled = 0;
let listener: http.RequestListener | undefined;
let stopReceiver: () => Promise<void> = async () => undefined;
let drain: () => Promise<{ backlog: number; drainMs: number; left: number }> = async () => ({ backlog: 0, drainMs: 0, left: 0 });
let recover: () => Promise<{ recoverMs: number }> = async () => ({ recoverMs: 0 });
let stats: () => Promise<unknown> = async () => undefined;
let inFlight = () => 0;
/** The servers that are not the receiver library's: made whole here (the references and peers make their own). */
let made: http.Server | undefined;

if (kind === "minimal-sqlite") made = sqliteReference(where, BENCH_IVY_SECRET);
else if (kind === "minimal-postgres") made = await postgresReference(where, table, BENCH_IVY_SECRET);
else if (kind === "octokit") {
  // @octokit/webhooks' own Node middleware, as its README mounts it: HMAC (x-hub-signature-256), JSON.parse, a no-op handler.
  const { Webhooks, createNodeMiddleware } = await import("@octokit/webhooks");
  const webhooks = new Webhooks({ secret: BENCH_IVY_SECRET });
  webhooks.onAny(() => undefined);
  const middleware = createNodeMiddleware(webhooks, { path: IVY_PATH });
  listener = (req, res) => void middleware(req, res);
} else if (kind === "standardwebhooks") {
  // The standardwebhooks library's verify (HMAC over id.timestamp.body, a timestamp window, JSON.parse) in a bare server.
  const { Webhook } = await import("standardwebhooks");
  const webhook = new Webhook(BENCH_STANDARD_WEBHOOKS_SECRET);
  listener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        webhook.verify(Buffer.concat(chunks).toString("utf8"), req.headers as Record<string, string>);
      } catch {
        return void res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"accepted"}');
    });
  };
} else if (kind === "sink") {
  listener = (req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  };
} else if (kind === "bare") {
  const answer = JSON.stringify({ status: "accepted" });
  listener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      Buffer.concat(chunks);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(answer);
    });
  };
} else if (kind === "sqlite" || kind === "postgres") {
  const { createReceiver } = (await import(entry("index"))) as typeof import("@webhook-contracts/receiver");
  const { createNodeMiddleware } = (await import(entry("node"))) as typeof import("@webhook-contracts/receiver/node");
  const store = await openStore();
  const extra = JSON.parse(process.env.BENCH_RECEIVER_OPTIONS ?? "{}") as Record<string, unknown>;
  const make = (worker: boolean) =>
    createReceiver({
      store,
      providers: { ivy: { secrets: [BENCH_IVY_SECRET] } },
      ...extra,
      ...(worker ? {} : { worker: false }),
      onEvent: (event) => {
        const key = event.type === "request" ? event.outcome : event.type === "attempt" ? `attempt ${event.outcome}` : `error ${event.where}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      },
    }).on("ivy", "order_updated", () => {
      handled++; // the no-op handler
    });
  let receiver = make(true);
  await receiver.start();
  let middleware = createNodeMiddleware(receiver);
  listener = (req, res) => middleware(req, res);
  const pending = async () => {
    const { byStatus } = await store.stats();
    return byStatus.queued + byStatus.processing;
  };
  /**
   * Waits until nothing is queued or in hand; gives up when nothing moved for `stallMs` (twice the
   * worker's poll interval): the worker has stopped claiming, and `left` deliveries wait.
   */
  drain = async (stallMs = 2_000) => {
    const started = performance.now();
    const backlog = await pending();
    // No worker (BENCH_RECEIVER_OPTIONS): what a cron job would do.
    if (extra.worker === false) await receiver.runDue();
    let left = backlog;
    let moved = performance.now();
    while (left > 0 && performance.now() - moved < stallMs) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = await pending();
      if (now !== left) moved = performance.now();
      left = now;
    }
    return { backlog, drainMs: performance.now() - started, left };
  };
  /**
   * After a stall: the stalled receiver stopped, what it left handled by one without a worker (runDue,
   * which claims only when idle), and a new receiver with its own worker serving from then on: what a
   * restart of the process would do, without the new process.
   */
  recover = async () => {
    const started = performance.now();
    await receiver.stop();
    await make(false).runDue();
    receiver = make(true);
    await receiver.start();
    middleware = createNodeMiddleware(receiver);
    return { recoverMs: performance.now() - started };
  };
  stats = async () => (await store.stats()).byStatus;
  inFlight = () => receiver.worker.inFlight;
  stopReceiver = async () => {
    await receiver.stop();
    await store.close();
  };
} else throw new Error(`receiver-server: unknown kind ${kind}`);

const server = made ?? http.createServer({ keepAliveTimeout: 60_000 }, listener!);
server.keepAliveTimeout = 60_000;

process.on("message", (message: Command) => {
  void (async () => {
    switch (message.cmd) {
      case "state":
        return reply({ cmd: "state", outcomes, handled, inFlight: inFlight(), byStatus: await stats() });
      case "drain":
        return reply({ cmd: "drain", ...(await drain()) });
      case "recover":
        return reply({ cmd: "recover", ...(await recover()) });
      case "cpu":
        return reply({ cmd: "cpu", ...process.cpuUsage() });
      case "profile-start":
        await profileStart();
        return reply({ cmd: "profile-start" });
      case "profile-stop":
        await profileStop(message.file);
        return reply({ cmd: "profile-stop", file: message.file });
      case "stop": {
        server.closeAllConnections();
        server.close();
        const byStatus = await stats();
        await stopReceiver();
        reply({ cmd: "stop", outcomes, handled, byStatus });
        return process.disconnect();
      }
    }
  })().catch((error: unknown) => {
    process.stderr.write(`${kind} server: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
});

server.listen(0, "127.0.0.1", () => reply({ cmd: "listening", port: (server.address() as AddressInfo).port }));
