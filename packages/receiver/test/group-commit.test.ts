/**
 * The SQLite store's group commit (sqlite-batch.ts), on an engine whose syncs the test ends: what arrives
 * while a sync is in flight waits, then goes in one transaction and one sync; nothing is answered before
 * the sync that follows its commit has ended.
 */
import { describe, expect, it } from "vitest";
import { batchRunner } from "../src/stores/sqlite-batch.js";
import type { SqliteEngine } from "../src/stores/sqlite-engine.js";
import type { Reply } from "../src/stores/sqlite-protocol.js";

function fakeEngine() {
  const transactions: string[][] = [];
  const syncs: { end: () => void; fail: (e: Error) => void }[] = [];
  let current: string[] | undefined;
  const engine = {
    transaction<T>(work: () => T): T {
      current = [];
      try {
        return work();
      } finally {
        transactions.push(current);
        current = undefined;
      }
    },
    accept(items: readonly [string, string][]) {
      current?.push(...items.map(([, key]) => key));
      return items.map(([, key]) => ({ inserted: true, id: key }));
    },
    sync: () => new Promise<void>((resolve, reject) => syncs.push({ end: resolve, fail: reject })),
    synced: async () => undefined,
    stats: () => ({ byStatus: {} }),
  };
  return { engine: engine as unknown as SqliteEngine, transactions, syncs };
}

const accept = (id: number, key: string) => ({ id, op: "accept" as const, args: [[["ivy", key]]] });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("group commit", () => {
  it("runs what arrives during a sync as one transaction and one sync once it ends, answering each after its own sync", async () => {
    const { engine, transactions, syncs } = fakeEngine();
    const answered: number[] = [];
    const run = batchRunner(
      engine,
      { one: (r) => answered.push(r.id), all: (rs: Reply[]) => answered.push(...rs.map((r) => r.id)), closed: () => undefined },
      (_op, v) => v,
    );

    run([accept(1, "a")]);
    expect(transactions).toEqual([["a"]]);
    expect(syncs).toHaveLength(1);

    // Two batches while the first sync is in flight: neither is committed yet, nothing is answered.
    run([accept(2, "b")]);
    run([accept(3, "c"), { id: 4, op: "stats", args: [] }]);
    await settle();
    expect(transactions).toEqual([["a"]]);
    expect(answered).toEqual([]);

    syncs[0]!.end();
    await settle();
    // The first is answered; the waiting ones went in one transaction, with one sync, not yet answered but the read.
    expect(transactions).toEqual([["a"], ["b", "c"]]);
    expect(syncs).toHaveLength(2);
    expect(answered).toEqual([1, 4]);

    syncs[1]!.end();
    await settle();
    expect(answered).toEqual([1, 4, 2, 3]);

    // Idle again: the next one is committed at once.
    run([accept(5, "d")]);
    expect(transactions).toEqual([["a"], ["b", "c"], ["d"]]);
  });

  it("answers a failed sync's deliveries as failed, then runs what waited", async () => {
    const { engine, transactions, syncs } = fakeEngine();
    const replies: Reply[] = [];
    const run = batchRunner(engine, { one: (r) => replies.push(r), all: (rs) => replies.push(...rs), closed: () => undefined }, (_op, v) => v);
    run([accept(1, "a")]);
    run([accept(2, "b")]);
    syncs[0]!.fail(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }));
    await settle();
    expect(replies).toEqual([expect.objectContaining({ id: 1, ok: false, error: expect.objectContaining({ code: "EIO" }) })]);
    expect(transactions).toEqual([["a"], ["b"]]);
    syncs[1]!.end();
    await settle();
    expect(replies[1]).toEqual(expect.objectContaining({ id: 2, ok: true }));
  });
});
