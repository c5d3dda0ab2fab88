/**
 * The inbox in an embedded SQLite file (better-sqlite3), in WAL mode, run on a thread of its own so that
 * neither a statement nor a sync to disk ever stops the event loop that answers requests.
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
 *   import { sqliteStore } from "@webhook-contracts/receiver/sqlite";   (better-sqlite3 must be installed)
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type InboxStore, RefusedByStore, deliveryFromRow } from "../core/store.js";
import { type PackedRows, type Reply, type Request as AnyRequest, accepting, unpackRows } from "./sqlite-protocol.js";
import type { EngineOp } from "./sqlite-engine.js";

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

/**
 * Requests made in one turn of the event loop cross to the thread as one message, and its replies come
 * back the same way: a message costs far more than what it carries. A long turn sends every SEND_EVERY
 * requests, without waiting for earlier ones, so that the thread commits while this one still works.
 */
const SEND_EVERY = 8;

export function sqliteStore(file: string): InboxStore {
  const thread = startThread(file);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  let failure: Error | undefined;
  let outbox: Request[] = [];
  const settle = (reply: Reply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (pending.size === 0) thread.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else if (reply.error.refused) waiting.reject(new RefusedByStore(`SQLite refused it: ${reply.error.message}`, reply.error.code));
    else waiting.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
  };
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

  function call<T>(op: Request["op"], args: unknown[]): Promise<T> {
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      const id = next++;
      if (pending.size === 0) thread.ref();
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const size = outbox.push({ id, op, args });
      if (size === 1) setImmediate(send);
      else if (size >= SEND_EVERY) send();
    });
  }

  return {
    leasesOnAccept: true,
    init: () => call("init", []),
    accept: async (delivery) => (await call<Awaited<ReturnType<InboxStore["accept"]>>[]>("accept", [[accepting(delivery)]]))[0]!,
    claim: async (owner, limit, leaseMs) => unpackRows(await call<PackedRows>("claim", [owner, limit, leaseMs])).map(deliveryFromRow),
    finish: (owner, items) => call("finish", [owner, items]),
    release: (owner, leases) => call("release", [owner, leases]),
    requeue: (id, from, message) => call("requeue", [id, from, message]),
    requarantine: (id, reason, message) => call("requarantine", [id, reason, message]),
    get: async (id) => {
      const [row] = unpackRows(await call<PackedRows>("get", [id]));
      return row && deliveryFromRow(row);
    },
    list: async (filter) => unpackRows(await call<PackedRows>("list", [filter])).map(deliveryFromRow),
    stats: () => call("stats", []),
    ping: () => call("ping", []),
    async close() {
      if (failure) return;
      await call("close", []);
      await thread.terminate();
    },
  };
}
