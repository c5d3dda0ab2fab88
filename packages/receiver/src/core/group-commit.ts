/**
 * Many calls, one commit: calls that arrive while a commit is under way wait and are committed together
 * by the next one, so that one sync to disk covers many deliveries. `commit` gets the waiting items and
 * returns one result per item.
 */

// Wait one turn of the event loop so that requests read in the same turn share the commit.
const nextTurn: (run: () => void) => void = (globalThis as { setImmediate?: (run: () => void) => void }).setImmediate ?? ((run) => void setTimeout(run, 0));

export interface GroupCommit<I, R> {
  (item: I): Promise<R>;
  /** Resolves once everything submitted so far is committed (or failed). */
  flush(): Promise<void>;
}

export function groupCommit<I, R>(commit: (items: I[]) => Promise<R[]>, maxBatch = 256): GroupCommit<I, R> {
  const waiting: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running: Promise<void> | undefined;
  const run = async () => {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      try {
        const results = await commit(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    running = undefined;
  };
  const submit = ((item: I) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      running ??= new Promise<void>((done) => nextTurn(() => void run().then(done)));
    })) as GroupCommit<I, R>;
  submit.flush = async () => {
    while (running) await running;
  };
  return submit;
}
