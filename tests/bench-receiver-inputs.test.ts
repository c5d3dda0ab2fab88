/**
 * The receiver benchmark's requests are what it claims: each a distinct delivery of the Ivy order_updated
 * fixture (its own id), validly signed, that the receiver stores and hands to its handler, rather than
 * answering `duplicate` without a write. A fast correctness check; the timings live in `pnpm bench`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BENCH_IVY_SECRET, IVY_FIXTURE, IVY_PATH, IvyDeliveries } from "@webhook-contracts/bench/receiver-load";
import { createReceiver, signedHeaders } from "@webhook-contracts/receiver";
import { sqliteStore } from "@webhook-contracts/receiver/sqlite";
import { repoRoot } from "@webhook-contracts/contracts";
import { validateWebhook } from "@webhook-contracts/validators";
import { afterAll, expect, it } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-bench-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const utf8 = new TextEncoder();

it("makes distinct deliveries of the fixture, each signed with the bench's secret", async () => {
  const pool = new IvyDeliveries(BENCH_IVY_SECRET, 50);
  const fixture = JSON.parse(pool.fixtureText) as Record<string, unknown>;
  const requests = Array.from({ length: 50 }, () => pool.take());
  const ids = requests.map((r) => (JSON.parse(r.body) as { id: string }).id);
  expect(new Set(ids).size).toBe(50);
  expect(new Set(requests.map((r) => r.headers["x-ivy-signature"])).size).toBe(50);
  for (const [i, r] of requests.entries()) {
    const body = JSON.parse(r.body) as Record<string, unknown>;
    // The fixture but for its id, the same length (a UUID), and still a valid order_updated.
    expect({ ...body, id: fixture.id }).toEqual(fixture);
    expect(r.body.length).toBe(pool.fixtureText.length);
    expect(ids[i]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(validateWebhook("ivy", body, { mode: "strict" })).toMatchObject({ ok: true, message: "order_updated" });
    expect(r.headers).toEqual({
      "content-type": "application/json",
      "x-ivy-signature": (await signedHeaders("ivy", r.body, BENCH_IVY_SECRET))["X-Ivy-Signature"],
    });
  }
  // Handed out once each: a spent pool refuses rather than repeat one (a repeat would be a duplicate).
  expect(() => pool.take()).toThrow(/spent/);
  pool.ensure(1);
  expect(JSON.parse(pool.take().body).id).not.toBe(ids[49]);
  // at() goes round and round (the bare server's side, where repeats do not matter).
  expect(pool.at(pool.size + 3)).toEqual(pool.at(3));
  expect(IVY_FIXTURE).toBe("ivy/order_updated/valid/paid.json");
});

it("the receiver stores each one as a new delivery and runs the handler once per delivery", async () => {
  const store = sqliteStore(path.join(dir, "inbox.db"));
  const receiver = createReceiver({ store, providers: { ivy: { secrets: [BENCH_IVY_SECRET] } }, worker: false });
  const handled: string[] = [];
  receiver.on("ivy", "order_updated", (event, context) => void handled.push(`${event.id} ${context.delivery.id}`));
  const pool = new IvyDeliveries(BENCH_IVY_SECRET, 8);
  const requests = Array.from({ length: 8 }, () => pool.take());
  const send = (r: (typeof requests)[number]) => receiver.handle({ method: "POST", path: IVY_PATH, headers: r.headers, body: utf8.encode(r.body) });
  const answers = await Promise.all(requests.map(send));
  for (const a of answers) expect(a).toMatchObject({ status: 200, body: { status: "accepted", message: "order_updated", warnings: 0 } });
  expect(new Set(answers.map((a) => a.body.id)).size).toBe(8);
  // The same delivery again is a duplicate (no write): why every request of the load must be a new one.
  expect(await send(requests[0]!)).toMatchObject({ status: 200, body: { status: "duplicate", id: answers[0]!.body.id } });
  // A body that is not the one signed is refused.
  expect(await send({ ...requests[1]!, body: requests[2]!.body })).toMatchObject({ status: 401 });
  await receiver.runDue();
  expect(handled).toHaveLength(8);
  expect((await store.stats()).byStatus).toMatchObject({ handled: 8, queued: 0, processing: 0 });
  await store.close();
});

it("the replay gate's benchmark fills an inbox and judges every delivery in it", () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(repoRoot, "bench/src/inbox-check-case.ts"), "300"], {
    cwd: path.join(repoRoot, "bench"),
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toMatchObject({ count: 300, perSecond: expect.any(Number) });
});
