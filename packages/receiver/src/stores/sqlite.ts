/**
 * The inbox in an embedded SQLite file (better-sqlite3), in WAL mode.
 * - An accepted delivery is durable before it is answered: the write-ahead log is synced (fdatasync)
 *   after its commit; deliveries that arrive together share one commit and one sync.
 * - A worker's claims and outcomes are committed without a sync of their own: a crash of the process
 *   loses none of them; a power cut may lose the last ones (they reach the disk with the next accepted
 *   delivery or checkpoint), and a delivery is then handled again (at-least-once).
 * - A delivery SQLite refuses (a constraint, a value over its length limit) fails alone, as RefusedByStore;
 *   any other error (a full disk, an I/O error) fails the whole batch, none of which is then acknowledged.
 * - ping() writes and syncs as an accept does (a heartbeat row rewritten in place): it fails while they would.
 * - SQLite has one writer at a time, so a claim is decided by whoever holds the write lock: processes
 *   that share the file (a receiver and separate workers) never claim one delivery twice.
 * Where the statements run (both modes batch alike, sqlite-batch.ts):
 * - By default, on the event loop's thread, as the minimal reference does: the requests of one turn run
 *   together at its end, in one transaction (or, while a sync is in flight, with those of the next turns
 *   once it ends), and the sync runs on Node's thread pool, so the event loop never waits for the disk,
 *   only for statements, which are short. No thread hop (a message each way,
 *   each body copied into a string and out again): measured side by side in one bench run (50
 *   connections, 2 cores), serve spent 151 µs of CPU per delivery this way against 213 on the thread,
 *   and answered 6,590 requests a second against 5,562.
 *   The price: while another process sharing the file (a separate `worker`) holds the write lock, a
 *   statement waits for it on the event loop, up to busy_timeout (10 s); the transactions here are short
 *   (milliseconds), so it waits that long only if that process stops while holding the lock.
 * - With { thread: true }, on a thread of its own (sqlite-thread.ts): no statement stops the event loop,
 *   at the cost of the hop, for an inbox that many processes write to at once, or an application whose
 *   event loop must never wait.
 *   import { sqliteStore } from "@webhook-contracts/receiver/sqlite";   (better-sqlite3 must be installed)
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type DeliveryRow, type InboxStore, RefusedByStore, deliveryFromRow } from "../core/store.js";
import { batchRunner, failed } from "./sqlite-batch.js";
import type { EngineOp } from "./sqlite-engine.js";
import { type PackedRows, type Reply, type Request as AnyRequest, accepting, unpackRows } from "./sqlite-protocol.js";

type Request = AnyRequest<EngineOp>;

/**
 * The thread's module beside this one: dist/sqlite-thread.js once built; in the sources (the tests run
 * them), sqlite-thread.ts, through tsx's loader registered in the thread first.
 */
const fromSources = import.meta.url.endsWith(".ts");

function startThread(file: string): Worker {
  // The thread inherits the process's Node options (--import hooks, instrumentation) but the ones that
  // only mean something to a main script (node --input-type=module -e ...), which would stop it.
  const execArgv = process.execArgv.filter((a) => !/^--input-type(=|$)/.test(a));
  if (!fromSources) return new Worker(new URL("./sqlite-thread.js", import.meta.url), { workerData: { file }, execArgv });
  const source = new URL("./sqlite-thread.ts", import.meta.url).href;
  const tsxApi = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/esm/api/index.mjs")).href;
  const bootstrap = `const { register } = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(source)});`;
  return new Worker(bootstrap, { eval: true, workerData: { file }, execArgv });
}

/** Resolves or rejects a request's promise with its reply. */
type Settle = (reply: Reply) => void;

const settler =
  (pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>, settled: () => void): Settle =>
  (reply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    settled();
    if (reply.ok) waiting.resolve(reply.value);
    else if (reply.error.refused) waiting.reject(new RefusedByStore(`SQLite refused it: ${reply.error.message}`, reply.error.code));
    else waiting.reject(Object.assign(reply.error.thrown ?? new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
  };

/** How a store's requests reach the engine: `call` queues one; rows come back as DeliveryRow[] either way. */
interface Channel {
  call<T>(op: Request["op"], args: unknown[]): Promise<T>;
  rows(value: unknown): DeliveryRow[];
  /** The body crosses to a thread (see Accepting). */
  crossing: boolean;
  /** The thread stopped: nothing is left to close. */
  broken(): boolean;
  stop(): Promise<void>;
}

/**
 * The engine on this thread, loaded and opened by the first request: a store never started loads no
 * driver and opens nothing (and an open database holds no handle that keeps the process alive). The
 * requests of one turn run at its end.
 */
function onThisThread(file: string): Channel {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const settle = settler(pending, () => undefined);
  let runBatch: ((requests: readonly Request[]) => void) | undefined;
  let opening: Promise<void> | undefined;
  let next = 0;
  let queued: Request[] = [];
  const open = async () => {
    const { openEngine } = await import("./sqlite-engine.js");
    const engine = openEngine(file);
    runBatch = batchRunner(engine, { one: settle, all: (replies) => replies.forEach(settle), closed: settle }, (op, value) =>
      op === "get" ? (value ? [value] : []) : value,
    );
  };
  const runQueued = () => {
    if (!runBatch) {
      // Requests made meanwhile wait in the queue; a failure to open fails them, and the next request tries again.
      opening ??= open().then(runQueued, (error: unknown) => {
        opening = undefined;
        const requests = queued;
        queued = [];
        for (const r of requests) settle(failed(r.id, error));
      });
      return;
    }
    const requests = queued;
    queued = [];
    runBatch(requests);
  };
  return {
    call<T>(op: Request["op"], args: unknown[]): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        if (queued.push({ id, op, args }) === 1) setImmediate(runQueued);
      });
    },
    rows: (value) => value as DeliveryRow[],
    crossing: false,
    broken: () => false,
    stop: async () => undefined,
  };
}

/**
 * Requests made in one turn of the event loop cross to the thread as one message, and its replies come
 * back the same way: a message costs far more than what it carries. A long turn sends every SEND_EVERY
 * requests, without waiting for earlier ones, so that the thread commits while this one still works.
 */
const SEND_EVERY = 8;

function onItsOwnThread(file: string): Channel {
  const thread = startThread(file);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  let failure: Error | undefined;
  let outbox: Request[] = [];
  const settle = settler(pending, () => {
    if (pending.size === 0) thread.unref();
  });
  const fail = (error: Error) => {
    failure ??= error;
    for (const [id, waiting] of pending) {
      pending.delete(id);
      waiting.reject(failure);
    }
    thread.unref();
  };
  thread.on("message", (replies: Reply[]) => replies.forEach(settle));
  thread.on("error", fail);
  thread.on("exit", (code) => fail(new Error(`the SQLite thread stopped (exit code ${code})`)));
  // The thread keeps the process alive only while a request is waiting for it: a store created and never
  // used lets the process exit. After the listeners: adding a "message" listener refs the thread again.
  thread.unref();

  const send = () => {
    if (outbox.length === 0) return;
    thread.postMessage(outbox);
    outbox = [];
  };

  return {
    call<T>(op: Request["op"], args: unknown[]): Promise<T> {
      if (failure) return Promise.reject(failure);
      return new Promise<T>((resolve, reject) => {
        const id = next++;
        if (pending.size === 0) thread.ref();
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        const size = outbox.push({ id, op, args });
        if (size === 1) setImmediate(send);
        else if (size >= SEND_EVERY) send();
      });
    },
    rows: (value) => unpackRows(value as PackedRows),
    crossing: true,
    broken: () => failure !== undefined,
    stop: async () => {
      await thread.terminate();
    },
  };
}

export interface SqliteStoreOptions {
  /** Runs the statements on a thread of their own rather than on the event loop's (see above). */
  thread?: boolean;
}

export function sqliteStore(file: string, options: SqliteStoreOptions = {}): InboxStore {
  const channel = options.thread ? onItsOwnThread(file) : onThisThread(file);
  const { call, rows, crossing } = channel;
  let closed = false;

  return {
    leasesOnAccept: true,
    init: () => call("init", []),
    accept: async (delivery) => (await call<Awaited<ReturnType<InboxStore["accept"]>>[]>("accept", [[accepting(delivery, crossing)]]))[0]!,
    claim: async (owner, limit, leaseMs) => rows(await call("claim", [owner, limit, leaseMs])).map(deliveryFromRow),
    finish: (owner, items) => call("finish", [owner, items]),
    release: (owner, leases) => call("release", [owner, leases]),
    requeue: (id, from, message) => call("requeue", [id, from, message]),
    requarantine: (id, reason, message) => call("requarantine", [id, reason, message]),
    get: async (id) => {
      const [row] = rows(await call("get", [id]));
      return row && deliveryFromRow(row);
    },
    list: async (filter) => rows(await call("list", [filter])).map(deliveryFromRow),
    stats: () => call("stats", []),
    ping: () => call("ping", []),
    async close() {
      if (closed || channel.broken()) return;
      closed = true;
      await call("close", []);
      await channel.stop();
    },
  };
}
