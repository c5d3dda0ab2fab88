/**
 * The replay gate on both stores: stored deliveries judged by today's validators, page by page, in the
 * order they were stored, and `since` honoured.
 */
import { getFixture } from "@webhook-contracts/fixtures";
import { describe, expect, it } from "vitest";
import { type InboxStore, type NewDelivery, checkInbox } from "../src/index.js";
import { storeKinds } from "./stores.js";

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const delivery = (key: string, status: NewDelivery["status"], body: unknown, message: string | null = "order_updated"): NewDelivery => ({
  provider: "ivy",
  deliveryKey: key,
  message,
  status,
  reason: status === "queued" ? null : "why",
  warnings: [],
  headers: {},
  body: bytes(body),
});
const paid = (id: string) => ({ ...getFixture("ivy", "order_updated", "paid"), id });

async function all(store: InboxStore, options: Parameters<typeof checkInbox>[1] = {}) {
  const out = [];
  for await (const r of checkInbox(store, options)) out.push(r);
  return out;
}

describe.each(storeKinds)("checkInbox on $name", (kind) => {
  it.skipIf(!kind.available)("says which accepted deliveries today's validators reject, and which quarantined ones they now pass", async () => {
    const store = await kind.create();
    try {
      const broken = paid("evt_2") as unknown as { payload: Record<string, unknown> };
      broken.payload = { ...broken.payload, price: "a lot" };
      await store.accept(delivery("evt_1", "queued", paid("evt_1")));
      await store.accept(delivery("evt_2", "queued", broken));
      await store.accept(delivery("evt_3", "quarantined", paid("evt_3"), null)); // an unknown message then, a known one now
      await store.accept(delivery("evt_4", "quarantined", broken, "order_updated")); // invalid then and now
      await store.accept(delivery("evt_5", "rejected", "{not json"));
      const results = await all(store, { pageSize: 2 });
      expect(results.map((r) => [r.storedAs, r.status, r.verdict])).toEqual([
        ["order_updated", "queued", "unchanged"],
        ["order_updated", "queued", "now-rejected"],
        [null, "quarantined", "ready-to-replay"],
        ["order_updated", "quarantined", "unchanged"],
        ["order_updated", "rejected", "unchanged"],
      ]);
      expect(results[1]!.errors!.map((e) => [e.provider, e.messageName, e.path, e.keyword])).toEqual([["ivy", "order_updated", "/payload/price", "type"]]);
      expect(results[2]!.message).toBe("order_updated");
      expect(new Set(results.map((r) => r.id)).size).toBe(5);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!kind.available)("reads only what came since a time", async () => {
    const store = await kind.create();
    try {
      await store.accept(delivery("evt_old", "queued", paid("evt_old")));
      expect((await all(store, { since: new Date(Date.now() + 60_000).toISOString() })).length).toBe(0);
      expect((await all(store, { since: new Date(Date.now() - 60_000).toISOString() })).length).toBe(1);
    } finally {
      await store.close();
    }
  });
});
