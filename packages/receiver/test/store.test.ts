/** The inbox stores' shared contract: both pass the same tests. */
import { afterEach, describe, expect, it } from "vitest";
import type { InboxStore, NewDelivery } from "../src/index.js";
import { storeKinds } from "./stores.js";

const delivery = (over: Partial<NewDelivery> = {}): NewDelivery => ({
  provider: "ivy",
  deliveryKey: '["evt_1"]',
  message: null,
  status: "received",
  reason: null,
  headers: { "content-type": "application/json" },
  body: '{"id":"evt_1"}',
  ...over,
});

describe.each(storeKinds)("$name store", (kind) => {
  let store: InboxStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it.skipIf(!kind.available)("keeps a delivery with its raw body and headers", async () => {
    store = await kind.create();
    const { inserted, id } = await store.insert(delivery());
    expect(inserted).toBe(true);
    expect(await store.get(id)).toMatchObject({ id, provider: "ivy", deliveryKey: '["evt_1"]', status: "received", body: '{"id":"evt_1"}', headers: { "content-type": "application/json" }, attempts: 0, handledAt: null });
  });

  it.skipIf(!kind.available)("answers a second delivery with the same key with the first one's id", async () => {
    store = await kind.create();
    const first = await store.insert(delivery());
    const again = await store.insert(delivery({ body: '{"id":"evt_1","retry":true}' }));
    expect(again).toEqual({ inserted: false, id: first.id });
    const other = await store.insert(delivery({ provider: "scalapay" }));
    expect(other.inserted).toBe(true);
  });

  it.skipIf(!kind.available)("lets exactly one of many concurrent inserts of one key win", async () => {
    store = await kind.create();
    const results = await Promise.all(Array.from({ length: 50 }, () => store!.insert(delivery())));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
  });

  it.skipIf(!kind.available)("keeps every delivery without a key (nothing to deduplicate on)", async () => {
    store = await kind.create();
    await store.insert(delivery({ deliveryKey: null, status: "rejected", reason: "malformed JSON" }));
    await store.insert(delivery({ deliveryKey: null, status: "rejected", reason: "malformed JSON" }));
    expect(await store.list({ status: "rejected" })).toHaveLength(2);
  });

  it.skipIf(!kind.available)("updates status, reason and the handling record, and lists by status in arrival order", async () => {
    store = await kind.create();
    const a = await store.insert(delivery({ deliveryKey: '["a"]' }));
    const b = await store.insert(delivery({ deliveryKey: '["b"]' }));
    await store.update(a.id, { status: "quarantined", reason: "invalid", message: "order_updated", handled: true });
    await store.update(b.id, { status: "handled", handled: true });
    expect(await store.get(a.id)).toMatchObject({ status: "quarantined", reason: "invalid", message: "order_updated", attempts: 1 });
    expect((await store.get(b.id))!.handledAt).not.toBeNull();
    expect((await store.list()).map((d) => d.id)).toEqual([a.id, b.id]);
    expect((await store.list({ status: "quarantined" })).map((d) => d.id)).toEqual([a.id]);
    expect(await store.get("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});
