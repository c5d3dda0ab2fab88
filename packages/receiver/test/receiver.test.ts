/**
 * The receiver over real HTTP on loopback, against both stores: every answer, each provider's
 * authentication, odd bytes, the durable acknowledgement and the worker behind it (retries, timeouts,
 * leases between instances, replay), and what is kept and what never is.
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { getFixture } from "@webhook-contracts/fixtures";
import { afterEach, describe, expect, it } from "vitest";
import { type HandlerContext, type InboxStore, type ReceiverEvent, createReceiver, signedHeaders } from "../src/index.js";
import { type Running, ivyBody, providers, sleep, startReceiver, until } from "./support.js";
import { storeKinds } from "./stores.js";
import { DEFAULT_MAX_ATTEMPTS } from "../src/core/worker.js";

describe.each(storeKinds)("receiver with the $name store", (kind) => {
  const running: Running[] = [];
  const start = async (...args: Parameters<typeof startReceiver> extends [unknown, ...infer R] ? R : never) => {
    const r = await startReceiver(kind, ...args);
    running.push(r);
    return r;
  };
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });

  describe.skipIf(!kind.available)("answers", () => {
    it("405 for another method; 404 for a path that is not a configured provider's", async () => {
      const { base, post } = await start();
      const get = await fetch(`${base}/webhooks/ivy`);
      expect(get.status).toBe(405);
      expect(get.headers.get("allow")).toBe("POST");
      expect(await get.json()).toMatchObject({ error: "method_not_allowed" });
      expect((await post("stripe", "{}")).status).toBe(404);
      expect((await post("ivy/extra", "{}")).status).toBe(404);
    });

    it("415 for a body that is not declared JSON", async () => {
      const { base } = await start();
      const body = ivyBody();
      const r = await fetch(`${base}/webhooks/ivy`, {
        method: "POST",
        headers: { "content-type": "text/plain", ...(await signedHeaders("ivy", body, "ivy-new-signing-secret")) },
        body,
      });
      expect(r.status).toBe(415);
      expect(await r.json()).toEqual({ error: "unsupported_media_type", message: "expected Content-Type application/json, received text/plain" });
    });

    it("413 for a body over the limit, from its declared length or while it streams, without reading it all", async () => {
      const { base, post, store } = await start({ maxBodyBytes: 4096 });
      const big = JSON.stringify({ padding: "x".repeat(10_000) });
      expect(await post("ivy", big, await signedHeaders("ivy", big, "ivy-new-signing-secret"))).toEqual({
        status: 413,
        body: { error: "payload_too_large", message: "the body is over 4096 bytes" },
      });
      const chunks = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
          controller.close();
        },
      });
      const headers = { "content-type": "application/json", "x-ivy-signature": "0".repeat(64) };
      const streamed = await fetch(`${base}/webhooks/ivy`, { method: "POST", headers, body: chunks, duplex: "half" } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await store.list()).toEqual([]);
    });

    it("401 for a missing or bad signature, and nothing stored", async () => {
      const { post, postIvy, store } = await start();
      expect(await post("ivy", ivyBody())).toEqual({
        status: 401,
        body: { error: "unauthorized", message: "missing X-Ivy-Signature header or webhook-signature header" },
      });
      expect((await postIvy(ivyBody(), "not-the-secret")).status).toBe(401);
      expect((await post("ivy", ivyBody(), { "x-ivy-signature": "not hex" })).body.message).toMatch(/not a hex HMAC-SHA256/);
      expect(await store.list()).toEqual([]);
    });

    it("400 for malformed JSON, with its position; kept as rejected once, however often it is retried", async () => {
      const { postIvy, store } = await start();
      const body = '{\n  "id": "evt_1",\n  "type": "test",,\n}';
      const r = await postIvy(body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: "malformed_json", line: 3, column: 18 });
      const again = await postIvy(body);
      expect(again).toMatchObject({ status: 400, body: { error: "malformed_json", id: r.body.id } });
      const [kept, ...more] = await store.list();
      expect(more).toEqual([]);
      expect(kept).toMatchObject({ id: r.body.id, status: "rejected", deliveryKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
      expect(new TextDecoder().decode(kept!.body)).toBe(body);
    });

    it("200 accepted once stored; the handler runs afterwards, typed, with the delivery id and attempt", async () => {
      const seen: string[] = [];
      const contexts: HandlerContext[] = [];
      const { receiver, postIvy, store } = await start();
      receiver.on("ivy", "order_updated", (event, context) => {
        seen.push(`${event.payload.status} ${event.payload.price.currency} ${context.warnings.length}`);
        contexts.push(context);
      });
      const r = await postIvy(ivyBody());
      expect(r).toEqual({ status: 200, body: { status: "accepted", id: expect.any(String), message: "order_updated", warnings: 0 } });
      await until(async () => (await store.get(r.body.id))?.status === "handled");
      expect(seen).toEqual(["paid EUR 0"]);
      expect(contexts[0]).toMatchObject({
        attempt: 1,
        idempotencyKey: r.body.id,
        delivery: { id: r.body.id, provider: "ivy", message: "order_updated", deliveryKey: '["evt_0001"]' },
      });
      expect(await store.get(r.body.id)).toMatchObject({ status: "handled", message: "order_updated", attempts: 1 });
    });
  });

  describe.skipIf(!kind.available)("authentication", () => {
    it("Ivy: HMAC of the raw bytes; a tampered body fails; both secrets of a rotation pass", async () => {
      const { post, postIvy } = await start();
      expect((await postIvy(ivyBody("evt_a"), "ivy-old-signing-secret")).status).toBe(200);
      expect((await postIvy(ivyBody("evt_b"), "ivy-new-signing-secret")).status).toBe(200);
      const body = ivyBody("evt_c");
      const tampered = body.replace('"total":129.9', '"total":1.29');
      expect(tampered).not.toBe(body);
      expect((await post("ivy", tampered, await signedHeaders("ivy", body, "ivy-new-signing-secret"))).status).toBe(401);
      const spaced = JSON.stringify(JSON.parse(body), null, 2);
      expect((await post("ivy", spaced, await signedHeaders("ivy", body, "ivy-new-signing-secret"))).status).toBe(401);
    });

    it("Scalapay: HMAC of V1:{timestamp}:{body}; an old timestamp is refused as a replay; header case does not matter", async () => {
      const now = 1_750_000_000_000;
      const { post } = await start({ now: () => now });
      const body = JSON.stringify(getFixture("scalapay", "authorized"));
      expect((await post("scalapay", body, await signedHeaders("scalapay", body, "scalapay-api-key-0001", { nowMs: now - 60_000 }))).status).toBe(200);
      const old = await post("scalapay", body, await signedHeaders("scalapay", body, "scalapay-api-key-0001", { nowMs: now - 301_000 }));
      expect(old).toMatchObject({ status: 401, body: { message: "x-scalapay-timestamp is more than 300 s from now (a replay?)" } });
      expect((await post("scalapay", body, await signedHeaders("scalapay", body, "another-key", { nowMs: now }))).status).toBe(401);
      const seconds = String(Math.floor(now / 1000));
      const charged = JSON.stringify(getFixture("scalapay", "charged"));
      const signature = createHmac("sha256", "scalapay-api-key-0001").update(`V1:${seconds}:${charged}`).digest("hex");
      expect((await post("scalapay", charged, { "X-Scalapay-HMAC-V1": signature.toUpperCase(), "X-Scalapay-Timestamp": seconds })).status).toBe(200);
    });

    it("Amplia Reg: an API key in the configured header; Retorna: a shared secret in its header", async () => {
      const { post } = await start();
      const amplia = JSON.stringify(getFixture("amplia-reg", "OrderStatusChanged", "01-order-created.en"));
      expect((await post("amplia-reg", amplia, { "X-Amplia-Key": "amplia-api-key-0001" })).status).toBe(200);
      expect((await post("amplia-reg", amplia, { "X-Api-Key": "amplia-api-key-0001" })).status).toBe(401);
      expect((await post("amplia-reg", amplia, { "X-Amplia-Key": "amplia-kez" })).status).toBe(401);
      const retorna = JSON.stringify(getFixture("retorna", "payout_order_status"));
      expect((await post("retorna", retorna, await signedHeaders("retorna", retorna, "retorna-shared-secret", { header: "X-Webhook-Secret" }))).status).toBe(
        200,
      );
      expect((await post("retorna", retorna, { "X-Webhook-Secret": "guess" })).status).toBe(401);
    });

    it("Retorna over HTTP Basic: the scheme in any case", async () => {
      const { post } = await start({ providers: { retorna: { secrets: ["retorna:s3cret-basic-pw"] } } });
      const body = JSON.stringify(getFixture("retorna", "payout_order_status"));
      const credentials = Buffer.from("retorna:s3cret-basic-pw").toString("base64");
      expect((await post("retorna", body, { authorization: `Basic ${credentials}` })).status).toBe(200);
      const other = JSON.stringify({ ...JSON.parse(body), id: 4242 });
      expect((await post("retorna", other, { authorization: `basic ${credentials}` })).status).toBe(200);
      expect((await post("retorna", other, { authorization: `BASIC ${Buffer.from("retorna:wrong").toString("base64")}` })).status).toBe(401);
      expect((await post("retorna", other, { authorization: "Bearer abc" })).body.message).toBe("missing X-Webhook-Secret header or HTTP Basic credentials");
    });

    it("refuses a wrong API key on its headers, before the body has come", async () => {
      const { base } = await start();
      const url = new URL(base);
      // Headers, then a body that never comes: the answer must not wait for it.
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(
            "POST /webhooks/amplia-reg HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Amplia-Key: wrong\r\n\r\n{",
          );
        });
        let text = "";
        socket.on("data", (d) => {
          text += d.toString();
          if (text.includes("\r\n\r\n")) {
            resolve(text);
            socket.destroy();
          }
        });
      });
      expect(answer).toMatch(/^HTTP\/1\.1 401/);
    });
  });

  describe.skipIf(!kind.available)("what is kept", () => {
    it("never an API key, a secret header or Basic credentials; the signature headers and content type are", async () => {
      const { post, postIvy, store } = await start();
      const amplia = JSON.stringify(getFixture("amplia-reg", "OrderStatusChanged", "01-order-created.en"));
      await post("amplia-reg", amplia, { "X-Amplia-Key": "amplia-api-key-0001", "user-agent": "Amplia/5", cookie: "session=1" });
      const retorna = JSON.stringify(getFixture("retorna", "payout_order_status"));
      await post("retorna", retorna, { "X-Webhook-Secret": "retorna-shared-secret", authorization: "Basic cmV0b3JuYS1zaGFyZWQtc2VjcmV0" });
      const ivy = ivyBody();
      await postIvy(ivy);
      const all = await store.list();
      const text = JSON.stringify(all.map((d) => d.headers));
      expect(text).not.toMatch(/amplia-api-key|retorna-shared-secret|cmV0b3JuYS1zaGFyZWQtc2VjcmV0|session=1/);
      expect(all.find((d) => d.provider === "amplia-reg")!.headers).toEqual({
        "content-type": "application/json",
        "content-length": String(amplia.length),
        "user-agent": "Amplia/5",
      });
      expect(all.find((d) => d.provider === "ivy")!.headers["x-ivy-signature"]).toMatch(/^[0-9a-f]{64}$/);
    });

    it("the exact bytes: a BOM is ignored for parsing and kept; invalid UTF-8 is refused, not replaced; a raw NUL is refused", async () => {
      const { postIvy, store } = await start();
      const text = ivyBody("evt_bom");
      const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
      const bom = await postIvy(withBom);
      expect(bom.body).toMatchObject({ status: "accepted", message: "order_updated" });
      expect((await postIvy(withBom)).body).toEqual({ status: "duplicate", id: bom.body.id });
      expect([...(await store.get(bom.body.id))!.body]).toEqual([...withBom]);

      const latin1 = new TextEncoder().encode(ivyBody("evt_latin1").replace("Sneakers", "Sneakers X"));
      latin1[latin1.indexOf(0x58)] = 0xe9; // "é" in Latin-1: not UTF-8
      const invalid = await postIvy(latin1);
      expect(invalid).toMatchObject({ status: 400, body: { error: "invalid_utf8" } });
      expect([...(await store.get(invalid.body.id))!.body]).toEqual([...latin1]);

      const nul = new TextEncoder().encode('{"id":"evt_nul","type":"test\u0000"}');
      const refused = await postIvy(nul);
      expect(refused).toMatchObject({ status: 400, body: { error: "malformed_json" } });
      expect((await store.get(refused.body.id))!.status).toBe("rejected");
    });

    it("JSON nested deeper than the limit: 400, kept as rejected, and the receiver goes on", async () => {
      const { postIvy, store } = await start();
      // 8.7 KB: an unknown field holding an array nested 4,200 deep (written as text: JSON.stringify would overflow).
      const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
      const deep = ivyBody("evt_deep").replace(/^\{/, `{"extra":${nested(4200)},`);
      const r = await postIvy(deep);
      expect(r).toMatchObject({ status: 400, body: { error: "too_deep", message: expect.stringContaining("deeper than 64 levels") } });
      expect((await store.get(r.body.id))!.status).toBe("rejected");
      // Within the limit, the same unknown field is a warning, and the delivery is accepted.
      const shallow = ivyBody("evt_shallow").replace(/^\{/, `{"extra":${nested(50)},`);
      expect((await postIvy(shallow)).body).toMatchObject({ status: "accepted", warnings: 1 });
    });
    it("a value the inbox refuses (a NUL in a field name, in the message's name) fails only its delivery: 400, kept as rejected, its retries duplicates", async () => {
      const { postIvy, store, receiver } = await start();
      kind.refuseNul(store);
      const handled: string[] = [];
      receiver.on("ivy", "order_updated", (event) => void handled.push(event.id));
      const nulField = ivyBody("evt_nul_field").replace(/^\{/, '{"new\\u0000field":1,');
      const nulMessage = JSON.stringify({ id: "evt_nul_message", type: "order\u0000updated", date: "2025-06-12T09:43:21.118Z", payload: {} });
      const innocent = Array.from({ length: 20 }, (_, i) => ivyBody(`evt_innocent_${i}`));
      // All at once, so that they share a commit (one multi-row insert on PostgreSQL).
      const answers = await Promise.all([nulField, ...innocent, nulMessage].map((body) => postIvy(body)));
      const [field, ...rest] = answers;
      const message = rest.pop()!;
      expect(rest.map((r) => [r.status, r.body.status])).toEqual(innocent.map(() => [200, "accepted"]));
      for (const [bad, body] of [
        [field!, nulField],
        [message, nulMessage],
      ] as const) {
        expect(bad).toMatchObject({
          status: 400,
          body: { error: "unstorable", message: expect.stringContaining("the inbox could not store it as it came"), id: expect.any(String) },
        });
        const kept = (await store.get(bad.body.id))!;
        expect(kept).toMatchObject({ status: "rejected", reason: expect.stringContaining("could not store it as it came") });
        expect(kept.reason).not.toContain("\u0000");
        expect(new TextDecoder().decode(kept.body)).toBe(body);
        // A retry is a duplicate of the kept one: the same answer, nothing more stored.
        expect(await postIvy(body)).toEqual(bad);
        expect(await receiver.replay(bad.body.id)).toMatchObject({
          status: 409,
          body: { message: expect.stringMatching(/^not replayable: it was rejected \(the inbox could not store/) },
        });
      }
      expect((await store.get(message.body.id))!.reason).toContain('unknown ivy message "order\\u0000updated"');
      await until(() => handled.length === innocent.length);
      expect((await store.list()).length).toBe(innocent.length + 2);
      expect((await store.list({ status: "rejected" })).map((d) => d.id).sort()).toEqual([field!.body.id, message.body.id].sort());
    });
  });

  describe.skipIf(!kind.available)("what one delivery is", () => {
    it("two partial Scalapay refunds of one order are two deliveries; a retry of one is a duplicate", async () => {
      const handled: number[] = [];
      const { receiver, post } = await start();
      receiver.on("scalapay", "refunded", (event) => void handled.push(event.refundAmount as number));
      const refund = (amount: number) => JSON.stringify({ ...getFixture("scalapay", "refunded", "with-refund-amount"), refundAmount: amount });
      const send = async (body: string) => (await post("scalapay", body, await signedHeaders("scalapay", body, "scalapay-api-key-0001"))).body;
      expect(await send(refund(25.5))).toMatchObject({ status: "accepted" });
      expect(await send(refund(10))).toMatchObject({ status: "accepted" });
      expect(await send(refund(10))).toMatchObject({ status: "duplicate" });
      await until(() => handled.length === 2);
      expect(handled.sort()).toEqual([10, 25.5]);
    });

    it("ids past 2^53 that JSON.parse rounds to one number are two deliveries", async () => {
      const { post } = await start();
      const base = JSON.stringify(getFixture("retorna", "payout_order_status"));
      const withId = (id: string) => base.replace(/"id":\s*\d+/, `"id":${id}`);
      expect(JSON.parse(withId("12345678901234567890")).id).toBe(JSON.parse(withId("12345678901234567891")).id);
      const send = async (body: string) => (await post("retorna", body, { "X-Webhook-Secret": "retorna-shared-secret" })).body;
      const a = await send(withId("12345678901234567890"));
      const b = await send(withId("12345678901234567891"));
      expect([a.status, b.status]).toEqual(["accepted", "accepted"]);
      expect(a.id).not.toBe(b.id);
      expect((await send(withId("12345678901234567891"))).status).toBe("duplicate");
    });

    it("runs the handler exactly once for 200 identical deliveries sent at once", async () => {
      let handled = 0;
      const { receiver, postIvy, store } = await start();
      receiver.on("ivy", "order_updated", async () => {
        handled++;
        await sleep(20);
      });
      const body = ivyBody("evt_concurrent");
      const results = await Promise.all(Array.from({ length: 200 }, () => postIvy(body)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => r.body.status === "accepted")).toHaveLength(1);
      expect(results.filter((r) => r.body.status === "duplicate")).toHaveLength(199);
      await receiver.runDue();
      expect(handled).toBe(1);
      expect(await store.list()).toHaveLength(1);
    });
  });

  describe.skipIf(!kind.available)("the worker", () => {
    it("answers before a slow handler ends: a 3 s handler, a 200 in well under that", async () => {
      const { receiver, postIvy, store } = await start();
      receiver.on("ivy", "order_updated", () => sleep(3000));
      const started = Date.now();
      const r = await postIvy(ivyBody("evt_slow"));
      expect(r.body.status).toBe("accepted");
      expect(Date.now() - started).toBeLessThan(1000);
      await until(async () => (await store.get(r.body.id))!.status === "processing");
    });

    it("keeps claiming after it was full: every delivery is handled with a concurrency of one", async () => {
      const handled: string[] = [];
      const { receiver, postIvy, store } = await start({ worker: { concurrency: 1, pollIntervalMs: 20 } });
      receiver.on("ivy", "order_updated", async (event) => {
        await sleep(100);
        handled.push(event.id);
      });
      for (const id of ["evt_full_1", "evt_full_2", "evt_full_3"]) expect((await postIvy(ivyBody(id))).body.status).toBe("accepted");
      await until(async () => (await store.stats()).byStatus.handled === 3, 5000);
      expect(handled.sort()).toEqual(["evt_full_1", "evt_full_2", "evt_full_3"]);
      expect((await store.stats()).byStatus).toMatchObject({ queued: 0, processing: 0, handled: 3 });
    });

    it("retries a failing handler with backoff, then handles it; the attempt number goes up", async () => {
      const attempts: number[] = [];
      const { receiver, postIvy, store } = await start();
      receiver.on("ivy", "order_updated", (_event, { attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error("database unavailable");
      });
      const r = await postIvy(ivyBody("evt_retry"));
      const done = await until(async () => {
        const d = await store.get(r.body.id);
        return d?.status === "handled" && d;
      });
      expect(attempts).toEqual([1, 2, 3]);
      expect(done).toMatchObject({ attempts: 3, lastError: "database unavailable" });
    });

    it("times a handler out, tells it through its signal, and quarantines it once the attempts are spent", async () => {
      let aborted = 0;
      const { receiver, postIvy, store } = await start({ worker: { handlerTimeoutMs: 100, maxAttempts: 2, backoffBaseMs: 10, pollIntervalMs: 20 } });
      receiver.on("ivy", "order_updated", (_e, { signal }) => new Promise(() => signal.addEventListener("abort", () => aborted++)));
      const r = await postIvy(ivyBody("evt_forever"));
      const d = await until(async () => {
        const x = await store.get(r.body.id);
        return x?.status === "quarantined" && x;
      });
      expect(d).toMatchObject({ attempts: 2, reason: "handler failed 2 times; last: timed out after 100 ms" });
      expect(aborted).toBe(2);
      // The receiver goes on: the next delivery is accepted at once.
      expect((await postIvy(ivyBody("evt_after"))).body.status).toBe("accepted");
    });

    it("quarantines an invalid delivery at once, answers 200, and keeps the reason", async () => {
      const { postIvy, store } = await start();
      const body = JSON.stringify({ ...JSON.parse(ivyBody("evt_bad")), date: "yesterday" });
      const r = await postIvy(body);
      expect(r).toMatchObject({ status: 200, body: { status: "quarantined", message: "order_updated" } });
      expect(await store.get(r.body.id)).toMatchObject({ status: "quarantined", reason: expect.stringContaining("/date expected an RFC 3339 date-time") });
    });

    it("quarantines an unknown event type in a well-formed envelope when no handler asks for unknown messages; replay hands it to one registered later", async () => {
      const { postIvy, store, receiver } = await start();
      const seen: string[] = [];
      receiver.onAny("ivy", (_event, message) => void seen.push(`any:${message}`));
      receiver.on("ivy", "order_updated", () => void seen.push("order_updated"));
      const body = JSON.stringify({ id: "evt_new_type", type: "payout.settled", date: "2025-06-12T09:43:21.118Z", payload: { id: "po_1" } });
      const r = await postIvy(body);
      expect(r).toMatchObject({ status: 200, body: { status: "quarantined", message: null } });
      expect(await store.get(r.body.id)).toMatchObject({
        status: "quarantined",
        reason: expect.stringMatching(/^unknown ivy message "payout\.settled" \(new at the provider\?\).*receiver\.onUnknown/),
        warnings: [expect.objectContaining({ path: "/type", keyword: "discriminator" })],
      });
      // Still quarantined on replay while nobody asks for it; handed over once someone does.
      expect((await receiver.replay(r.body.id)).body).toMatchObject({ status: "quarantined" });
      const unknown: [string, unknown, number][] = [];
      receiver.onUnknown("ivy", (event, name, context) => void unknown.push([name, event.id, context.warnings.length]));
      expect((await receiver.replay(r.body.id)).body).toMatchObject({ status: "queued" });
      await until(async () => (await store.get(r.body.id))?.status === "handled");
      expect(unknown).toEqual([["payout.settled", "evt_new_type", 1]]);
      expect(seen).toEqual([]);
    });

    it("relays an unknown message to the forward target, flagged as unknown, and to no other handler", async () => {
      const relayed: Record<string, unknown>[] = [];
      const target = createServer((request, response) => {
        let text = "";
        request.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        request.on("end", () => {
          relayed.push(JSON.parse(text) as Record<string, unknown>);
          response.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
      try {
        const port = (target.address() as AddressInfo).port;
        const { postIvy, store, receiver } = await start({
          forward: { url: `http://127.0.0.1:${port}/hooks`, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
        });
        const seen: string[] = [];
        receiver.onAny("ivy", (_event, message) => void seen.push(message));
        const r = await postIvy(JSON.stringify({ id: "evt_fx", type: "conversion.settled", date: "2025-06-12T09:43:21.118Z", payload: { id: "fx_1" } }));
        expect(r.body).toMatchObject({ status: "accepted", message: null, warnings: 1 });
        await until(async () => (await store.get(r.body.id))?.status === "handled");
        expect(relayed).toEqual([
          expect.objectContaining({
            provider: "ivy",
            message: "conversion.settled",
            unknownMessage: true,
            payload: expect.objectContaining({ id: "evt_fx" }),
          }),
        ]);
        expect(seen).toEqual([]);
      } finally {
        target.closeAllConnections();
        await new Promise((resolve) => target.close(resolve));
      }
    });

    it("gives an unknown message only to the handlers for unknown messages, and quarantines a broken envelope", async () => {
      const { postIvy, store, receiver } = await start();
      const seen: string[] = [];
      receiver.onAny("ivy", (_event, message) => void seen.push(`any:${message}`));
      receiver.onUnknown("ivy", (_event, name) => void seen.push(`unknown:${name}`));
      const r = await postIvy(JSON.stringify({ id: "evt_dep", type: "deposit.settled", date: "2025-06-12T09:43:21.118Z", payload: {} }));
      expect(r.body).toMatchObject({ status: "accepted", warnings: 1 });
      await until(async () => (await store.get(r.body.id))?.status === "handled");
      const broken = await postIvy(JSON.stringify({ id: "evt_dep2", type: "deposit.settled", payload: "not an object" }));
      expect(broken.body).toMatchObject({ status: "quarantined", reason: expect.stringContaining('/date missing required property "date"') });
      await sleep(100);
      expect(seen).toEqual(["unknown:deposit.settled"]);
    });

    it("quarantines a poison delivery whose runs never finish (their worker died each time)", async () => {
      const { store, receiver } = await start({ worker: false });
      const { id } = await store.accept({
        provider: "ivy",
        deliveryKey: '["evt_poison"]',
        message: "order_updated",
        status: "queued",
        reason: null,
        warnings: [],
        headers: {},
        body: new TextEncoder().encode(ivyBody("evt_poison")),
      });
      // As many workers as there are attempts claimed it and died before recording anything: their leases ran out.
      for (let i = 0; i < DEFAULT_MAX_ATTEMPTS; i++) {
        await store.claim(`dead-${i}`, 1, 1);
        await sleep(5);
      }
      let ran = false;
      receiver.on("ivy", "order_updated", () => void (ran = true));
      await receiver.runDue();
      expect(ran).toBe(false);
      expect(await store.get(id)).toMatchObject({
        status: "quarantined",
        reason: expect.stringMatching(new RegExp(`^abandoned after ${DEFAULT_MAX_ATTEMPTS} attempts that never finished`)),
      });
    });

    it("a second instance that starts while the first is handling does not run those deliveries again", async () => {
      const calls: string[] = [];
      // The first instance's handlers hold until the second has looked for work: no count a slow post loop can pass.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const first = await start();
      first.receiver.on("ivy", "order_updated", async (event) => {
        calls.push(`first ${event.id}`);
        await held;
      });
      for (let i = 0; i < 20; i++) expect((await first.postIvy(ivyBody(`evt_many_${i}`))).body.status).toBe("accepted");
      await until(() => calls.length === 16); // the first worker runs 16 (its concurrency); 4 wait in its memory, leased to it
      const second = await start({}, kind.open(first.store));
      second.receiver.on("ivy", "order_updated", async (event) => void calls.push(`second ${event.id}`));
      await second.receiver.start();
      await second.receiver.runDue(); // it claims whatever is due: nothing, every delivery is leased to the first
      expect(calls.filter((c) => c.startsWith("second"))).toEqual([]);
      release();
      await until(async () => (await first.store.list({ status: "handled" })).length === 20);
      const perDelivery = new Map<string, number>();
      for (const c of calls) perDelivery.set(c.split(" ")[1]!, (perDelivery.get(c.split(" ")[1]!) ?? 0) + 1);
      expect([...perDelivery.values()].every((n) => n === 1)).toBe(true);
      expect(perDelivery.size).toBe(20);
    });

    it("replay queues a delivery whose handler threw; the handler runs; it is never marked handled without running", async () => {
      let broken = true;
      const seen: string[] = [];
      const { receiver, post, store } = await start({ worker: { maxAttempts: 1, pollIntervalMs: 20 } });
      receiver.on("scalapay", "created", (event) => {
        if (broken) throw new Error("database unavailable");
        seen.push(event.orderToken);
      });
      const body = JSON.stringify(getFixture("scalapay", "created"));
      const r = await post("scalapay", body, await signedHeaders("scalapay", body, "scalapay-api-key-0001"));
      expect(r.body.status).toBe("accepted");
      await until(async () => (await store.get(r.body.id))?.status === "quarantined");
      expect(await store.get(r.body.id)).toMatchObject({ reason: "handler failed 1 times; last: database unavailable" });
      broken = false;
      expect(await receiver.replayQuarantined()).toEqual([
        { id: r.body.id, answer: { status: 200, body: { status: "queued", id: r.body.id, message: "created" } } },
      ]);
      await until(async () => (await store.get(r.body.id))?.status === "handled");
      expect(seen).toEqual(["21KLT3YDWT"]);
      // Replaying a handled delivery runs nothing, unless forced.
      expect(await receiver.replay(r.body.id)).toMatchObject({ status: 409, body: { error: "conflict", message: expect.stringContaining("already handled") } });
      expect((await receiver.replay(r.body.id, { force: true })).body).toMatchObject({ status: "queued" });
      await until(() => seen.length === 2);
    });

    it("replay leaves a still-invalid delivery quarantined, with the reason of today's validators", async () => {
      const { receiver, postIvy, store } = await start();
      const r = await postIvy(JSON.stringify({ ...JSON.parse(ivyBody("evt_still_bad")), date: "yesterday" }));
      const replayed = await receiver.replay(r.body.id);
      expect(replayed).toMatchObject({ status: 200, body: { status: "quarantined", reason: expect.stringContaining("/date") } });
      expect((await store.get(r.body.id))!.status).toBe("quarantined");
      expect((await receiver.replay("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    });

    it("replay of a message unknown when it came names the message the contract knows now, in the inbox and the attempt logs", async () => {
      const events: ReceiverEvent[] = [];
      const { receiver, store } = await start({ onEvent: (e) => events.push(e) });
      const seen: string[] = [];
      receiver.on("ivy", "order_updated", (event) => void seen.push(event.id));
      // As a receiver whose contract did not know order_updated yet kept it: no message, quarantined.
      const { id } = await store.accept({
        provider: "ivy",
        deliveryKey: '["evt_learned"]',
        message: null,
        status: "quarantined",
        reason: 'unknown ivy message "order_updated" (new at the provider?)',
        warnings: [],
        headers: {},
        body: new TextEncoder().encode(ivyBody("evt_learned")),
      });
      expect((await receiver.replay(id)).body).toEqual({ status: "queued", id, message: "order_updated" });
      await until(async () => (await store.get(id))?.status === "handled");
      expect(seen).toEqual(["evt_learned"]);
      expect(await store.get(id)).toMatchObject({ message: "order_updated", status: "handled" });
      expect(events.filter((e) => e.type === "attempt").map((e) => [e.type === "attempt" && e.id, e.message, e.type === "attempt" && e.outcome])).toEqual([
        [id, "order_updated", "handled"],
      ]);
    });

    it("a stored delivery that can no longer be read is quarantined with the reason, not left queued", async () => {
      const { store } = await start({ worker: false });
      const { id } = await store.accept({
        provider: "ivy",
        deliveryKey: '["x"]',
        message: null,
        status: "queued",
        reason: null,
        warnings: [],
        headers: {},
        body: new TextEncoder().encode("[[[[]]]]"),
      });
      const strict = createReceiver({ store, providers, maxDepth: 2, worker: false });
      await strict.runDue();
      expect(await store.get(id)).toMatchObject({ status: "quarantined", reason: expect.stringContaining("nests deeper than 2 levels") });
    });

    it("stop() lets the deliveries in hand finish, then gives back the leases of any still running", async () => {
      const { receiver, postIvy, store } = await start();
      // The quick one waits for the slow one to start, so that both are in hand however slow the machine.
      let slowStarted!: () => void;
      const started = new Promise<void>((resolve) => (slowStarted = resolve));
      receiver.on("ivy", "order_updated", async (event) => {
        if (event.id !== "evt_quick") return (slowStarted(), sleep(5000));
        await started;
        return sleep(50);
      });
      const quick = await postIvy(ivyBody("evt_quick"));
      const slow = await postIvy(ivyBody("evt_stuck"));
      await until(() => receiver.worker.inFlight === 2);
      await receiver.stop(300);
      expect((await store.get(quick.body.id))!.status).toBe("handled");
      expect(await store.get(slow.body.id)).toMatchObject({ status: "queued", attempts: 0 });
    });
  });

  describe.skipIf(!kind.available)("events", () => {
    it("one per request and per attempt, without secrets", async () => {
      const events: ReceiverEvent[] = [];
      const { postIvy, post } = await start({ onEvent: (e) => events.push(e) });
      await postIvy(ivyBody("evt_events"));
      await post("ivy", ivyBody("evt_events_2"));
      await until(() => events.some((e) => e.type === "attempt"));
      expect(events.find((e) => e.type === "request" && e.outcome === "accepted")).toMatchObject({
        provider: "ivy",
        message: "order_updated",
        status: 200,
        ms: expect.any(Number),
      });
      expect(events.find((e) => e.type === "request" && e.outcome === "unauthorized")).toMatchObject({
        status: 401,
        reason: "missing X-Ivy-Signature header or webhook-signature header",
      });
      expect(events.find((e) => e.type === "attempt")).toMatchObject({ provider: "ivy", message: "order_updated", attempt: 1, outcome: "handled" });
      expect(JSON.stringify(events)).not.toMatch(/ivy-new-signing-secret|ivy-old-signing-secret/);
    });
  });
});

describe("a store that is away", () => {
  it("answers 503 with Retry-After: nothing is acknowledged, so the provider retries", async () => {
    const away: InboxStore = {
      init: async () => undefined,
      accept: async () => {
        throw new Error("connection refused");
      },
      claim: async () => [],
      finish: async () => [],
      release: async () => undefined,
      requeue: async () => false,
      requarantine: async () => undefined,
      get: async () => undefined,
      list: async () => [],
      stats: async () => ({ byStatus: { queued: 0, processing: 0, handled: 0, quarantined: 0, rejected: 0 } }),
      ping: async () => undefined,
      close: async () => undefined,
    };
    const receiver = createReceiver({ store: away, providers, worker: false });
    const body = ivyBody();
    const answer = await receiver.handle({
      method: "POST",
      path: "/webhooks/ivy",
      headers: { "content-type": "application/json", "x-ivy-signature": (await signedHeaders("ivy", body, "ivy-new-signing-secret"))["X-Ivy-Signature"] },
      body: new TextEncoder().encode(body),
    });
    expect(answer).toEqual({
      status: 503,
      headers: { "retry-after": "5" },
      body: { error: "unavailable", message: "the inbox is not reachable; retry later" },
    });
  });
});
