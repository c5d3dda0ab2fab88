/**
 * How the SQLite store runs the requests that arrive together (one turn of the event loop, or one message
 * to its thread), wherever the engine runs: the writes among them (accepted deliveries, outcomes, released
 * leases, pings) in one transaction; outcomes answered at once, accepted deliveries once a sync of the log
 * that began after their commit has ended. The sync runs on Node's thread pool, so the next transaction
 * need not wait for the disk: commits and syncs overlap, and each takes whatever queued up meanwhile.
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

  /** Answers `replies` once the log is on disk (or says the sync failed: nothing of them may count as stored). */
  function afterSync(replies: Reply[]): void {
    if (replies.length === 0) return;
    engine.sync().then(
      () => answers.all(replies),
      (error: unknown) => answers.all(replies.map((r) => failed(r.id, error))),
    );
  }

  return function runBatch(requests: readonly Request[]): void {
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
      afterSync(replies.filter((r, i) => batched[writes[i]!.op]!.durable || (answers.one(r), false)));
    }
    for (const request of requests) {
      if (batched[request.op]) continue;
      if (request.op === "close") {
        // Answered once the syncs in flight are done (a last one waits for them).
        void engine.synced().then(() => answers.closed(run(request)));
        continue;
      }
      const answer = run(request);
      if (request.op === "requeue" || request.op === "requarantine") afterSync([answer]);
      else answers.one(answer);
    }
  };
}
