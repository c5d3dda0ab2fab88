/**
 * The thread the SQLite inbox runs on (started by sqlite.ts). It takes every request waiting on its
 * port at once and runs the writes among them (accepted deliveries, outcomes, released leases) in one
 * transaction. Outcomes are answered at once; accepted deliveries once a sync of the log that began
 * after their commit has ended. The sync runs on Node's thread pool, so the next transaction need not
 * wait for the disk: commits and syncs overlap, and each takes whatever queued up meanwhile.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { type EngineOp, openEngine, refusedByEngine } from "./sqlite-engine.js";
import type { DeliveryRow } from "../core/store.js";
import { type Reply, type Request as AnyRequest, packRows, transferred } from "./sqlite-protocol.js";

type Request = AnyRequest<EngineOp>;

/**
 * Operations that join the batch's one transaction; those marked durable are synced before their answer.
 * ping writes and syncs as an accept does: it fails while accepts would.
 */
const batched: Partial<Record<Request["op"], { durable: boolean }>> = {
  accept: { durable: true },
  finish: { durable: false },
  release: { durable: false },
  ping: { durable: true },
};

const port = parentPort!;
const engine = openEngine((workerData as { file: string }).file);

const failed = (id: number, error: unknown): Reply => ({
  id,
  ok: false,
  error: { message: (error as Error).message, code: (error as { code?: string }).code, ...(refusedByEngine(error) ? { refused: true } : {}) },
});

function run(request: Request): Reply {
  try {
    const method = engine[request.op] as (...args: unknown[]) => unknown;
    const value = request.op === "claim" ? engine.transaction(() => method(...request.args)) : method(...request.args);
    if (request.op === "claim" || request.op === "list") return { id: request.id, ok: true, value: packRows(value as DeliveryRow[]) };
    if (request.op === "get") return { id: request.id, ok: true, value: packRows(value ? [value as DeliveryRow] : []) };
    return { id: request.id, ok: true, value };
  } catch (error) {
    return failed(request.id, error);
  }
}

/** Replies go back in one message per turn (or per finished sync), as requests come. */
let outbox: Reply[] = [];
const reply = (r: Reply) => {
  if (outbox.push(r) === 1)
    setImmediate(() => {
      const sent = outbox;
      outbox = [];
      port.postMessage(sent, transferred(sent));
    });
};

/** Answers `replies` once the log is on disk (or says the sync failed: nothing of them may count as stored). */
function afterSync(replies: Reply[]): void {
  if (replies.length === 0) return;
  engine.sync().then(
    () => port.postMessage(replies),
    (error: unknown) => port.postMessage(replies.map((r) => failed(r.id, error))),
  );
}

port.on("message", (first: Request[]) => {
  const requests = [...first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) requests.push(...(next.message as Request[]));
  const writes = requests.filter((r) => batched[r.op]);
  if (writes.length > 0) {
    const replies: Reply[] = [];
    try {
      engine.transaction(() => {
        for (const request of writes) {
          const answer = run(request);
          // A row refused fails alone; anything else (a full disk, an I/O error) fails the whole batch.
          if (!answer.ok && !answer.error.refused) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
          replies.push(answer);
        }
      });
    } catch (error) {
      // The commit failed: nothing of the batch was stored.
      for (const request of writes) reply(failed(request.id, error));
      replies.length = 0;
    }
    afterSync(replies.filter((r, i) => batched[writes[i]!.op]!.durable || (reply(r), false)));
  }
  for (const request of requests) {
    if (batched[request.op]) continue;
    if (request.op === "close") {
      // Answered once the syncs in flight are done (a last one waits for them), then the thread ends.
      void engine.synced().then(() => {
        port.postMessage([run(request)]);
        port.close();
      });
      continue;
    }
    const answer = run(request);
    if (request.op === "requeue" || request.op === "requarantine") afterSync([answer]);
    else reply(answer);
  }
});
