/**
 * How the SQLite store runs the requests that arrive together (one turn of the event loop, or one message
 * to its thread), wherever the engine runs: the writes among them (accepted deliveries, outcomes, released
 * leases, pings) in one transaction; outcomes answered at once, accepted deliveries once a sync of the log
 * that began after their commit has ended. The sync runs on Node's thread pool; while it does, what
 * arrives waits and then goes in one transaction and one sync (group commit): one sync at a time, each
 * covering whatever queued up meanwhile.
 * Used by both modes of sqlite.ts: on the event loop's thread, and on a thread of its own (sqlite-thread.ts).
 */
import type { EngineOp, SqliteEngine } from "./sqlite-engine.js";
import { type Reply, type Request as AnyRequest, refusedByEngine } from "./sqlite-protocol.js";

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

/** Where a batch's answers go. */
export interface Answers {
  /** One answer, ready now (it may wait for the end of the turn to go with others). */
  one(reply: Reply): void;
  /** Answers ready together, after a sync. */
  all(replies: Reply[]): void;
  /** The answer to `close`, once the syncs in flight are done and the engine is closed. */
  closed(reply: Reply): void;
}

export const failed = (id: number, error: unknown): Reply => ({
  id,
  ok: false,
  error: {
    message: (error as Error).message,
    code: (error as { code?: string }).code,
    ...(refusedByEngine(error) ? { refused: true } : {}),
    ...(error instanceof Error ? { thrown: error } : {}),
  },
});

/**
 * `present`: what a value becomes in its reply (the thread packs rows to transfer them; the event loop's
 * thread takes them as they are).
 */
export function batchRunner(engine: SqliteEngine, answers: Answers, present: (op: Request["op"], value: unknown) => unknown) {
  function run(request: Request): Reply {
    try {
      const method = engine[request.op] as (...args: unknown[]) => unknown;
      const value = request.op === "claim" ? engine.transaction(() => method(...request.args)) : method(...request.args);
      return { id: request.id, ok: true, value: present(request.op, value) };
    } catch (error) {
      return failed(request.id, error);
    }
  }

  /**
   * Group commit: while a sync is in flight, what arrives waits, and runs as one batch (one commit, one
   * sync) once it ends. Under load the batches grow instead of the syncs multiplying, and each sync covers
   * more deliveries; when the inbox is idle, a request runs at once, as before.
   */
  let syncing = false;
  let waiting: Request[] = [];

  /** Answers `replies` once the log is on disk (or says the sync failed: nothing of them may count as stored). */
  function afterSync(replies: Reply[]): void {
    if (replies.length === 0) return;
    syncing = true;
    engine
      .sync()
      .then(
        () => answers.all(replies),
        (error: unknown) => answers.all(replies.map((r) => failed(r.id, error))),
      )
      .finally(() => {
        syncing = false;
        if (waiting.length === 0) return;
        const next = waiting;
        waiting = [];
        runBatch(next);
      });
  }

  function runBatch(requests: readonly Request[]): void {
    if (syncing) {
      waiting.push(...requests);
      return;
    }
    const durable: Reply[] = [];
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
        for (const request of writes) answers.one(failed(request.id, error));
        replies.length = 0;
      }
      replies.forEach((r, i) => (batched[writes[i]!.op]!.durable ? durable.push(r) : answers.one(r)));
    }
    for (const request of requests) {
      if (batched[request.op]) continue;
      if (request.op === "close") {
        // Answered once the syncs in flight are done (a last one waits for them).
        void engine.synced().then(() => answers.closed(run(request)));
        continue;
      }
      const answer = run(request);
      if (request.op === "requeue" || request.op === "requarantine") durable.push(answer);
      else answers.one(answer);
    }
    afterSync(durable);
  }
  return runBatch;
}
