/**
 * The retry schedule: by default it spans a day or more, like the gateways senders know (Svix about a
 * day, Stripe three), so an outage of the target for minutes or hours loses nothing; and a backlog that
 * keeps failing is attempted once per step of its schedule, never claimed before its time.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type InboxStore, backoffMs, createReceiver } from "../src/index.js";
import { workerDefaults } from "../src/core/worker.js";
import { ivyBody, providers } from "./support.js";
import { storeKinds } from "./stores.js";

const HOUR = 3600_000;
const defaults = workerDefaults();
/** Every delay of the default schedule, from the first attempt to the last, with `random` for the jitter. */
const delays = (random: () => number) =>
  Array.from({ length: defaults.maxAttempts - 1 }, (_, i) => backoffMs(i + 1, defaults.backoffBaseMs, defaults.backoffMaxMs, random));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const least = () => 0;
const most = () => 1 - Number.EPSILON;

describe("the default retry schedule", () => {
  it("spans at least a day and at most a day and a half, from the first attempt to the last", () => {
    expect(sum(delays(least))).toBeGreaterThanOrEqual(24 * HOUR);
    expect(sum(delays(most))).toBeLessThanOrEqual(36 * HOUR);
  });

  it.each([
    // [delay after attempt, least, most]
    [1, 3_750, 5_000],
    [2, 7_500, 10_000],
    [5, 60_000, 80_000],
    [12, 7_680_000, 10_240_000],
    [13, 3 * HOUR, 4 * HOUR],
    [19, 3 * HOUR, 4 * HOUR],
  ])("after attempt %i waits between %i and %i ms (doubling from 5 s, capped at 4 h, the last quarter random)", (attempt, low, high) => {
    expect(backoffMs(attempt, defaults.backoffBaseMs, defaults.backoffMaxMs, least)).toBe(low);
    expect(backoffMs(attempt, defaults.backoffBaseMs, defaults.backoffMaxMs, most)).toBe(high);
  });

  it.each([
    ["100 s", 100_000],
    ["10 minutes", 10 * 60_000],
    ["2 hours", 2 * HOUR],
    ["a day", 24 * HOUR],
  ])("outlasts an outage of %s, even with the shortest delays, with attempts to spare", (_, outage) => {
    const ends = delays(least).map((_, i, all) => sum(all.slice(0, i + 1)));
    const firstAfter = ends.findIndex((t) => t >= outage);
    expect(firstAfter).toBeGreaterThanOrEqual(0);
    expect(firstAfter + 2).toBeLessThanOrEqual(defaults.maxAttempts); // the attempt after the outage is not the last
  });
});

describe.each(storeKinds)("a backlog that keeps failing, on the $name store", (kind) => {
  const open: InboxStore[] = [];
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  it.skipIf(!kind.available)("is attempted once per step and claimed again only when its delay is over", async () => {
    const store = await kind.create();
    open.push(store);
    const receiver = createReceiver({ store, providers, worker: { concurrency: 4, backoffBaseMs: 60_000, pollIntervalMs: 10 } });
    const calls = new Map<string, number>();
    receiver.on("ivy", "order_updated", (event) => {
      calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
      throw new Error("the target is down");
    });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const body = new TextEncoder().encode(ivyBody(`evt_backlog_${i}`));
      const accepted = await store.accept({
        provider: "ivy",
        deliveryKey: `["evt_backlog_${i}"]`,
        message: "order_updated",
        status: "queued",
        reason: null,
        warnings: [],
        headers: {},
        body,
      });
      ids.push(accepted.id);
    }
    const before = Date.now();
    await receiver.runDue();
    await receiver.runDue(); // nothing is due again yet: nothing runs
    expect([...calls.values()]).toEqual(Array(40).fill(1));
    for (const id of ids) {
      const d = (await store.get(id))!;
      expect(d).toMatchObject({ status: "queued", attempts: 1, lastError: "the target is down" });
      expect(Date.parse(d.dueAt!) - before).toBeGreaterThanOrEqual(45_000);
    }
    await receiver.stop(0);
  });
});
