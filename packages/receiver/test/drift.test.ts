/** The drift report on both stores: today's warnings and errors of the stored deliveries, counted and described. */
import { getFixture } from "@webhook-contracts/fixtures";
import { describe, expect, it } from "vitest";
import { type NewDelivery, driftReport } from "../src/index.js";
import { storeKinds } from "./stores.js";

const stored = (key: string, status: NewDelivery["status"], body: unknown): NewDelivery => ({
  provider: "ivy",
  deliveryKey: key,
  message: "order_updated",
  status,
  reason: null,
  warnings: [],
  headers: {},
  body: new TextEncoder().encode(JSON.stringify(body)),
});
const paid = (id: string, extra: Record<string, unknown> = {}) => {
  const body = { ...getFixture("ivy", "order_updated", "paid"), id } as unknown as { payload: Record<string, unknown> };
  return { ...body, payload: { ...body.payload, ...extra } };
};

describe.each(storeKinds)("driftReport on $name", (kind) => {
  it.skipIf(!kind.available)("counts each warning and error by message, pointer and keyword, with samples and the values' shape", async () => {
    const store = await kind.create();
    try {
      await store.accept(stored("e1", "queued", paid("e1", { loyaltyTier: "gold", customerEmail: "ana@example.com" })));
      await store.accept(stored("e2", "queued", paid("e2", { loyaltyTier: "silver", customerEmail: "bo@example.org" })));
      await store.accept(stored("e3", "queued", { ...paid("e3"), type: "payout.settled" }));
      await store.accept(stored("e4", "quarantined", paid("e4", { price: "free" })));
      await store.accept(stored("e5", "queued", paid("e5")));
      const report = await driftReport(store, { pageSize: 2 });
      const row = (pointer: string) => report.find((e) => e.pointer === pointer);
      expect(row("/payload/loyaltyTier")).toMatchObject({
        provider: "ivy",
        message: "order_updated",
        unknownMessage: false,
        keyword: "additionalProperties",
        severity: "warning",
        count: 2,
        samples: ["gold", "silver"],
        shape: { types: ["string"], formats: [], length: { min: 4, max: 6 }, values: ["gold", "silver"] },
      });
      // The first deliveries that showed it, the example first (drift --propose infers a new message's shape from them).
      expect(row("/payload/loyaltyTier")!.exampleIds).toEqual([row("/payload/loyaltyTier")!.exampleId, expect.any(String)]);
      // A field that may hold personal data: described, never shown.
      expect(row("/payload/customerEmail")).toMatchObject({
        count: 2,
        samples: ["<redacted string of 15>", "<redacted string of 14>"],
        shape: { formats: ["email"] },
      });
      expect(row("/payload/customerEmail")!.shape.values).toBeUndefined();
      expect(report.find((e) => e.unknownMessage)).toMatchObject({ message: "payout.settled", severity: "warning", count: 1 });
      expect(row("/payload/price")).toMatchObject({ severity: "error", keyword: "type", count: 1, samples: ["free"] });
      expect(report.reduce((n, e) => n + e.count, 0)).toBe(6);
    } finally {
      await store.close();
    }
  });
});
