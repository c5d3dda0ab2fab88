/**
 * The receiver over real HTTP on loopback, against both stores: every answer, each provider's
 * authentication, duplicates (also concurrent), quarantine and replay, typed handlers, the fetch adapter.
 */
import { createHmac } from "node:crypto";
import { type Server, createServer } from "node:http";
import { getFixture } from "@webhook-contracts/fixtures";
import { afterEach, describe, expect, it } from "vitest";
import { type InboxStore, type ProvidersConfig, type Receiver, createReceiver, signedHeaders } from "../src/index.js";
import { storeKinds } from "./stores.js";

const providers: ProvidersConfig = {
  ivy: { secrets: ["ivy-old-secret", "ivy-new-secret"] },
  scalapay: { apiKeys: ["scalapay-key"], toleranceSeconds: 300 },
  "amplia-reg": { apiKeys: ["amplia-key"], header: "X-Amplia-Key" },
  retorna: { secrets: ["retorna-secret"], header: "X-Webhook-Secret" },
};

const ivyBody = (id = "evt_0001") => JSON.stringify({ ...getFixture("ivy", "order_updated", "paid"), id });

describe.each(storeKinds)("receiver with the $name store", (kind) => {
  let store: InboxStore;
  let server: Server | undefined;
  let receiver: Receiver;
  let base: string;

  async function start(options: { maxBodyBytes?: number; now?: () => number } = {}) {
    store = await kind.create();
    receiver = createReceiver({ store, providers, ...options });
    server = createServer(receiver.nodeListener);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await store?.close();
  });

  const post = async (provider: string, body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/webhooks/${provider}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const postIvy = (body: string, secret = "ivy-new-secret") => post("ivy", body, signedHeaders("ivy", body, secret));

  describe.skipIf(!kind.available)("answers", () => {
    it("405 for another method, 404 for an unknown or unconfigured provider", async () => {
      await start();
      const get = await fetch(`${base}/webhooks/ivy`);
      expect(get.status).toBe(405);
      expect(get.headers.get("allow")).toBe("POST");
      expect(await get.json()).toMatchObject({ error: "method_not_allowed" });
      expect((await post("stripe", "{}")).status).toBe(404);
      expect((await post("ivy/extra", "{}")).status).toBe(404);
    });

    it("415 for a body that is not declared JSON", async () => {
      await start();
      const body = ivyBody();
      const r = await fetch(`${base}/webhooks/ivy`, { method: "POST", headers: { "content-type": "text/plain", ...signedHeaders("ivy", body, "ivy-new-secret") }, body });
      expect(r.status).toBe(415);
      expect(await r.json()).toEqual({ error: "unsupported_media_type", message: "expected Content-Type application/json, received text/plain" });
    });

    it("413 for a body over the limit, from its declared length or while it streams, without reading it all", async () => {
      await start({ maxBodyBytes: 4096 });
      const big = JSON.stringify({ padding: "x".repeat(10_000) });
      const declared = await post("ivy", big, signedHeaders("ivy", big, "ivy-new-secret"));
      expect(declared).toEqual({ status: 413, body: { error: "payload_too_large", message: "the body is over 4096 bytes" } });
      // No content-length: the body streams in chunks and is cut off once it passes the limit.
      const chunks = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
          controller.close();
        },
      });
      const streamed = await fetch(`${base}/webhooks/ivy`, { method: "POST", headers: { "content-type": "application/json" }, body: chunks, duplex: "half" } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await store.list()).toEqual([]);
    });

    it("401 for a missing or bad signature, and nothing stored", async () => {
      await start();
      expect(await post("ivy", ivyBody())).toEqual({ status: 401, body: { error: "unauthorized", message: "missing X-Ivy-Signature header" } });
      expect((await postIvy(ivyBody(), "not-the-secret")).status).toBe(401);
      expect(await store.list()).toEqual([]);
    });

    it("400 for malformed JSON, with its position, and the delivery kept", async () => {
      await start();
      const body = '{\n  "id": "evt_1",\n  "type": "test",,\n}';
      const r = await postIvy(body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: "malformed_json", line: 3, column: 18 });
      const [kept] = await store.list();
      expect(kept).toMatchObject({ id: r.body.id, status: "rejected", body });
    });

    it("200 handled for a valid delivery, with the event typed for its handler", async () => {
      await start();
      const seen: string[] = [];
      receiver.on("ivy", "order_updated", (event, { warnings }) => {
        seen.push(`${event.payload.status} ${event.payload.price.currency} ${warnings.length}`);
      });
      const r = await postIvy(ivyBody());
      expect(r).toMatchObject({ status: 200, body: { status: "handled", message: "order_updated" } });
      expect(seen).toEqual(["paid EUR 0"]);
      expect(await store.get(r.body.id as string)).toMatchObject({ status: "handled", message: "order_updated", attempts: 1 });
    });
  });

  describe.skipIf(!kind.available)("authentication", () => {
    it("Ivy: HMAC of the raw bytes; a tampered body fails; both secrets of a rotation pass", async () => {
      await start();
      expect((await postIvy(ivyBody("evt_a"), "ivy-old-secret")).status).toBe(200);
      expect((await postIvy(ivyBody("evt_b"), "ivy-new-secret")).status).toBe(200);
      const body = ivyBody("evt_c");
      const tampered = body.replace('"total":129.9', '"total":1.29');
      expect(tampered).not.toBe(body);
      expect((await post("ivy", tampered, signedHeaders("ivy", body, "ivy-new-secret"))).status).toBe(401);
      // The bytes as sent, not a re-serialisation: whitespace changes the signature.
      const spaced = JSON.stringify(JSON.parse(body), null, 2);
      expect((await post("ivy", spaced, signedHeaders("ivy", body, "ivy-new-secret"))).status).toBe(401);
    });

    it("Scalapay: HMAC of V1:{timestamp}:{body}; an old timestamp is refused as a replay", async () => {
      const now = 1_750_000_000_000;
      await start({ now: () => now });
      const body = JSON.stringify(getFixture("scalapay", "authorized"));
      expect((await post("scalapay", body, signedHeaders("scalapay", body, "scalapay-key", { nowMs: now - 60_000 }))).status).toBe(200);
      const old = await post("scalapay", body, signedHeaders("scalapay", body, "scalapay-key", { nowMs: now - 301_000 }));
      expect(old).toMatchObject({ status: 401, body: { message: "x-scalapay-timestamp is more than 300 s from now (a replay?)" } });
      const wrong = await post("scalapay", body, signedHeaders("scalapay", body, "another-key", { nowMs: now }));
      expect(wrong.status).toBe(401);
      // Header names may change case on the way; a timestamp in seconds is accepted too.
      const seconds = String(Math.floor(now / 1000));
      const signature = createHmac("sha256", "scalapay-key").update(`V1:${seconds}:${body}`).digest("hex");
      const charged = JSON.stringify(getFixture("scalapay", "charged"));
      const chargedSig = createHmac("sha256", "scalapay-key").update(`V1:${seconds}:${charged}`).digest("hex");
      expect((await post("scalapay", charged, { "X-Scalapay-HMAC-V1": chargedSig.toUpperCase(), "X-Scalapay-Timestamp": seconds })).status).toBe(200);
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
    });

    it("Amplia Reg: an API key in the configured header; Retorna: a shared secret in its header", async () => {
      await start();
      const amplia = JSON.stringify(getFixture("amplia-reg", "OrderStatusChanged", "01-order-created.en"));
      expect((await post("amplia-reg", amplia, { "X-Amplia-Key": "amplia-key" })).status).toBe(200);
      expect((await post("amplia-reg", amplia, { "X-Api-Key": "amplia-key" })).status).toBe(401);
      expect((await post("amplia-reg", amplia, { "X-Amplia-Key": "amplia-kez" })).status).toBe(401);
      const retorna = JSON.stringify(getFixture("retorna", "payout_order_status"));
      expect((await post("retorna", retorna, signedHeaders("retorna", retorna, "retorna-secret", { header: "X-Webhook-Secret" }))).status).toBe(200);
      expect((await post("retorna", retorna, { "X-Webhook-Secret": "guess" })).status).toBe(401);
    });
  });

  describe.skipIf(!kind.available)("the inbox", () => {
    it("answers a retried delivery 200 without handling it again", async () => {
      await start();
      let handled = 0;
      receiver.onAny("ivy", () => void handled++);
      const first = await postIvy(ivyBody());
      const again = await postIvy(ivyBody());
      expect(again).toEqual({ status: 200, body: { status: "duplicate", id: first.body.id } });
      expect(handled).toBe(1);
    });

    it("runs the handler exactly once for 200 identical deliveries sent at once", async () => {
      await start();
      let handled = 0;
      receiver.on("ivy", "order_updated", async () => {
        handled++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
      const body = ivyBody("evt_concurrent");
      const results = await Promise.all(Array.from({ length: 200 }, () => postIvy(body)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => r.body.status === "handled")).toHaveLength(1);
      expect(results.filter((r) => r.body.status === "duplicate")).toHaveLength(199);
      expect(handled).toBe(1);
      expect(await store.list()).toHaveLength(1);
    });

    it("quarantines an invalid delivery, answers 200, and keeps the reason", async () => {
      await start();
      const body = JSON.stringify({ ...JSON.parse(ivyBody("evt_bad")), date: "yesterday" });
      const r = await postIvy(body);
      expect(r).toMatchObject({ status: 200, body: { status: "quarantined" } });
      expect(await store.get(r.body.id as string)).toMatchObject({ status: "quarantined", reason: expect.stringContaining("/date expected an RFC 3339 date-time") });
    });

    it("quarantines an unknown event type, kept for replay", async () => {
      await start();
      const body = JSON.stringify({ id: "evt_new_type", type: "order_archived", date: "2025-06-12T09:43:21.118Z", payload: {} });
      const r = await postIvy(body);
      expect(r.body.status).toBe("quarantined");
      expect((await store.list({ status: "quarantined" })).map((d) => d.id)).toEqual([r.body.id]);
    });

    it("replays a quarantined delivery once its handler is fixed", async () => {
      await start();
      let broken = true;
      const seen: string[] = [];
      receiver.on("scalapay", "created", (event) => {
        if (broken) throw new Error("database unavailable");
        seen.push(event.orderToken);
      });
      const body = JSON.stringify(getFixture("scalapay", "created"));
      const r = await post("scalapay", body, signedHeaders("scalapay", body, "scalapay-key"));
      expect(r).toMatchObject({ status: 200, body: { status: "quarantined", reason: "handler failed: database unavailable" } });
      broken = false;
      const replayed = await receiver.replay(r.body.id as string);
      expect(replayed).toMatchObject({ status: 200, body: { status: "handled" } });
      expect(seen).toEqual(["21KLT3YDWT"]);
      expect(await store.get(r.body.id as string)).toMatchObject({ status: "handled", reason: null, attempts: 2 });
      expect(await receiver.replayQuarantined()).toEqual([]);
    });
  });

  describe.skipIf(!kind.available)("the fetch adapter", () => {
    it("gives the same answers to a Request", async () => {
      store = await kind.create();
      receiver = createReceiver({ store, providers });
      const body = ivyBody("evt_fetch");
      const ok = await receiver.fetch(new Request("http://receiver.test/webhooks/ivy", { method: "POST", headers: { "Content-Type": "application/json", ...signedHeaders("ivy", body, "ivy-old-secret") }, body }));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ status: "handled", message: "order_updated" });
      const unsupported = await receiver.fetch(new Request("http://receiver.test/webhooks/ivy", { method: "POST", headers: { "Content-Type": "application/xml" }, body }));
      expect(unsupported.status).toBe(415);
      const wrongMethod = await receiver.fetch(new Request("http://receiver.test/webhooks/ivy", { method: "PUT", body }));
      expect(wrongMethod.status).toBe(405);
    });
  });
});
