/** The inbox stores' shared contract: both pass the same tests (PostgreSQL against a real server). */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type InboxStore, type NewDelivery, type ReceiverEvent, RefusedByStore, createReceiver, isRefusedByStore, signedHeaders } from "../src/index.js";
import { postgresStore } from "../src/stores/postgres.js";
import { sqliteStore } from "../src/stores/sqlite.js";
import { postgresUrl, sqliteOnItsOwnThread, storeKinds } from "./stores.js";
import { ivyBody } from "./support.js";

const bytes = (text: string) => new TextEncoder().encode(text);

const delivery = (over: Partial<NewDelivery> = {}): NewDelivery => ({
  provider: "ivy",
  deliveryKey: '["evt_1"]',
  message: "test",
  status: "queued",
  reason: null,
  warnings: [],
  headers: { "content-type": "application/json" },
  body: bytes('{"id":"evt_1"}'),
  ...over,
});

describe.each([...storeKinds, sqliteOnItsOwnThread])("$name store", (kind) => {
  const open: InboxStore[] = [];
  const create = async () => {
    const store = await kind.create();
    open.push(store);
    return store;
  };
  const second = (store: InboxStore) => {
    const other = kind.open(store);
    open.push(other);
    return other;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  it.skipIf(!kind.available)("keeps a delivery with its exact bytes (a NUL, invalid UTF-8) and headers", async () => {
    const store = await create();
    const body = new Uint8Array([0x7b, 0x00, 0xff, 0xfe, 0x7d]);
    const { inserted, id, status } = await store.accept(delivery({ body, status: "rejected", reason: "not UTF-8" }));
    expect({ inserted, status }).toEqual({ inserted: true, status: "rejected" });
    const kept = await store.get(id);
    expect(kept).toMatchObject({
      id,
      provider: "ivy",
      deliveryKey: '["evt_1"]',
      status: "rejected",
      headers: { "content-type": "application/json" },
      attempts: 0,
      handledAt: null,
    });
    expect([...kept!.body]).toEqual([...body]);
  });

  it.skipIf(!kind.available)("answers a second delivery with the same key with the first one's id and status", async () => {
    const store = await create();
    const first = await store.accept(delivery());
    const again = await store.accept(delivery({ body: bytes('{"id":"evt_1","retry":true}') }));
    expect(again).toEqual({ inserted: false, id: first.id, status: "queued", receivedAt: first.receivedAt });
    expect((await store.accept(delivery({ provider: "scalapay" }))).inserted).toBe(true);
  });

  it.skipIf(!kind.available)("lets exactly one of many concurrent deliveries of one key win, also from another handle", async () => {
    const store = await create();
    const other = second(store);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? store : other).accept(delivery())));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await store.list()).toHaveLength(1);
  });

  it.skipIf(!kind.available)("commits deliveries that arrive together in one batch, each with its own answer", async () => {
    const store = await create();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => store.accept(delivery({ deliveryKey: `["evt_${i % 200}"]` }))));
    expect(results.filter((r) => r.inserted)).toHaveLength(200);
    expect((await store.stats()).byStatus.queued).toBe(200);
  });

  it.skipIf(!kind.available)("refuses a value it cannot hold for that delivery alone (refused: true); the others of its batch are stored", async () => {
    const store = await create();
    kind.refuseNul(store);
    const bad = [
      delivery({ deliveryKey: '["nul_reason"]', status: "quarantined", reason: "unknown message \u0000" }),
      delivery({ deliveryKey: '["nul_warning"]', warnings: [{ path: "/new\u0000field", message: "unknown field", keyword: "additionalProperties" } as never] }),
    ];
    const good = Array.from({ length: 30 }, (_, i) => delivery({ deliveryKey: `["ok_${i}"]` }));
    const results = await Promise.allSettled([...bad, ...good].map((d) => store.accept(d)));
    expect(results.slice(0, 2).map((r) => r.status === "rejected" && [isRefusedByStore(r.reason), r.reason instanceof RefusedByStore])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(results.slice(2).map((r) => r.status === "fulfilled" && r.value.inserted)).toEqual(good.map(() => true));
    expect((await store.list()).map((d) => d.deliveryKey)).toEqual(good.map((d) => d.deliveryKey));
  });

  it.skipIf(!kind.available)("leases a delivery to one worker at a time, and to another once the lease ran out", async () => {
    const store = await create();
    const other = second(store);
    const { id } = await store.accept(delivery());
    const [a, b] = await Promise.all([store.claim("worker-a", 10, 60_000), other.claim("worker-b", 10, 60_000)]);
    expect([...a!, ...b!].map((d) => [d.id, d.status, d.attempts])).toEqual([[id, "processing", 1]]);
    // A lease that has run out (a worker that died) is claimed again, with the next attempt number.
    const { id: short } = await store.accept(delivery({ deliveryKey: '["evt_2"]' }));
    expect((await store.claim("worker-a", 10, 1)).map((d) => d.id)).toEqual([short]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await other.claim("worker-b", 10, 60_000);
    expect(again.map((d) => [d.id, d.attempts])).toEqual([[short, 2]]);
    // The first owner's outcome comes too late: it is not recorded.
    expect(await store.finish("worker-a", [{ id: short, attempt: 1, outcome: { status: "handled" } }])).toEqual([]);
    expect(await other.finish("worker-b", [{ id: short, attempt: 2, outcome: { status: "handled" } }])).toEqual([{ id: short, attempt: 2 }]);
    expect(await store.get(short)).toMatchObject({ status: "handled", attempts: 2 });
  });

  it.skipIf(!kind.available)("records an outcome only for the attempt that holds the lease, also when one worker claimed it twice", async () => {
    const store = await create();
    const { id } = await store.accept(delivery());
    await store.claim("w", 10, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await store.claim("w", 10, 60_000)).map((d) => d.attempts)).toEqual([2]);
    // Attempt 1 ends late, in the same batch as attempt 2: only attempt 2's outcome counts.
    const recorded = await store.finish("w", [
      { id, attempt: 1, outcome: { status: "retry", delayMs: 0, error: "late" } },
      { id, attempt: 2, outcome: { status: "handled" } },
    ]);
    expect(recorded).toEqual([{ id, attempt: 2 }]);
    expect(await store.get(id)).toMatchObject({ status: "handled", attempts: 2, lastError: null });
    await store.release("w", [{ id, attempt: 2 }]);
    expect((await store.get(id))!.status).toBe("handled");
  });

  it.skipIf(!kind.available)("records outcomes: handled, a retry due later, quarantined with the reason", async () => {
    const store = await create();
    const ids = [];
    for (const key of ["a", "b", "c"]) ids.push((await store.accept(delivery({ deliveryKey: `["${key}"]` }))).id);
    expect(await store.claim("w", 10, 60_000)).toHaveLength(3);
    const recorded = await store.finish("w", [
      { id: ids[0]!, attempt: 1, outcome: { status: "handled" } },
      { id: ids[1]!, attempt: 1, outcome: { status: "retry", delayMs: 60_000, error: "database down" } },
      { id: ids[2]!, attempt: 1, outcome: { status: "quarantined", reason: "handler failed 8 times; last: boom", error: "boom" } },
    ]);
    expect(recorded.map((l) => l.id).sort()).toEqual([...ids].sort());
    expect(await store.get(ids[0]!)).toMatchObject({ status: "handled", reason: null });
    expect((await store.get(ids[0]!))!.handledAt).not.toBeNull();
    const retry = (await store.get(ids[1]!))!;
    expect(retry).toMatchObject({ status: "queued", lastError: "database down", attempts: 1 });
    expect(Date.parse(retry.dueAt!)).toBeGreaterThan(Date.now() + 50_000);
    expect(await store.get(ids[2]!)).toMatchObject({ status: "quarantined", reason: "handler failed 8 times; last: boom", lastError: "boom" });
    // Not due yet: nothing to claim.
    expect(await store.claim("w", 10, 60_000)).toEqual([]);
  });

  it.skipIf(!kind.available)("gives back the leases of a stopping worker, due at once and the attempt not counted", async () => {
    const store = await create();
    const { id } = await store.accept(delivery());
    await store.claim("w", 10, 60_000);
    await store.release("w");
    expect(await store.get(id)).toMatchObject({ status: "queued", attempts: 0 });
    expect((await store.claim("other", 10, 60_000)).map((d) => d.id)).toEqual([id]);
  });

  it.skipIf(!kind.available)("queues a quarantined or handled delivery again only from the statuses asked for", async () => {
    const store = await create();
    const { id } = await store.accept(delivery({ status: "quarantined", reason: "invalid" }));
    expect(await store.claim("w", 10, 60_000)).toEqual([]);
    expect(await store.requeue(id, ["handled"], "test")).toBe(false);
    expect(await store.requeue(id, ["quarantined"], "test")).toBe(true);
    expect(await store.get(id)).toMatchObject({ status: "queued", reason: null, attempts: 0 });
    expect(await store.requeue(id, ["quarantined"], "test")).toBe(false);
    await store.claim("w", 10, 60_000);
    await store.finish("w", [{ id, attempt: 1, outcome: { status: "handled" } }]);
    await store.requarantine(id, "still invalid", "test");
    expect(await store.get(id)).toMatchObject({ status: "quarantined", reason: "still invalid" });
    expect(await store.get("00000000-0000-4000-8000-000000000000")).toBeUndefined();
    expect(await store.get("not-an-id")).toBeUndefined();
  });

  it.skipIf(!kind.available)("lists in arrival order, by status and provider, with a limit; counts by status", async () => {
    const store = await create();
    const a = await store.accept(delivery({ deliveryKey: '["a"]' }));
    const b = await store.accept(delivery({ deliveryKey: '["b"]', provider: "scalapay", status: "quarantined", reason: "x" }));
    const c = await store.accept(delivery({ deliveryKey: '["c"]' }));
    expect((await store.list()).map((d) => d.id)).toEqual([a.id, b.id, c.id]);
    expect((await store.list({ status: "quarantined" })).map((d) => d.id)).toEqual([b.id]);
    expect((await store.list({ provider: "ivy", limit: 1 })).map((d) => d.id)).toEqual([a.id]);
    expect((await store.stats()).byStatus).toEqual({ queued: 2, processing: 0, handled: 0, quarantined: 1, rejected: 0 });
    await store.ping();
  });

  it.skipIf(!kind.available)("tells when the oldest delivery of the backlog (queued or processing) was received; null when there is none", async () => {
    const store = await create();
    expect((await store.stats()).oldestBacklogReceivedAt).toBeNull();
    const kept = await store.accept(delivery({ deliveryKey: '["kept"]', status: "quarantined", reason: "x" }));
    const a = await store.accept(delivery({ deliveryKey: '["a"]' }));
    const b = await store.accept(delivery({ deliveryKey: '["b"]' }));
    expect(kept.receivedAt <= a.receivedAt && a.receivedAt <= b.receivedAt).toBe(true);
    expect((await store.stats()).oldestBacklogReceivedAt).toBe(a.receivedAt);
    const [claimed] = await store.claim("w", 1, 60_000);
    expect(claimed!.id).toBe(a.id);
    expect((await store.stats()).oldestBacklogReceivedAt).toBe(a.receivedAt); // processing is backlog too
    await store.finish("w", [{ id: a.id, attempt: 1, outcome: { status: "handled" } }]);
    expect((await store.stats()).oldestBacklogReceivedAt).toBe(b.receivedAt);
    const [second] = await store.claim("w", 1, 60_000);
    await store.finish("w", [{ id: second!.id, attempt: 1, outcome: { status: "retry", delayMs: 3_600_000, error: "down" } }]);
    expect((await store.stats()).oldestBacklogReceivedAt).toBe(b.receivedAt); // waiting for its retry
    await store.requeue(b.id, ["queued"], "order_updated");
    const [third] = await store.claim("w", 1, 60_000);
    await store.finish("w", [{ id: third!.id, attempt: 1, outcome: { status: "handled" } }]);
    expect((await store.stats()).oldestBacklogReceivedAt).toBeNull();
  });
});

/** The layout 0.1.0 wrote, with a delivery in each of its statuses, and every header it got. */
const legacyRows = [
  { id: "11111111-1111-4111-8111-111111111111", key: '["evt_a"]', status: "received", body: '{"id":"evt_a"}' },
  { id: "22222222-2222-4222-8222-222222222222", key: null, status: "rejected", body: "{not json" },
  { id: "33333333-3333-4333-8333-333333333333", key: '["evt_c"]', status: "handled", body: '{"id":"evt_c"}' },
];
const legacyHeaders = JSON.stringify({
  "content-type": "application/json",
  "x-api-key": "secret-key",
  authorization: "Basic c2VjcmV0",
  "x-ivy-signature": "ab",
});

describe("migrating an inbox of version 0.1.0", () => {
  it("SQLite: queues what was received, keeps the bodies as bytes, and drops secret headers", async () => {
    const dir = (await import("node:fs")).mkdtempSync(path.join((await import("node:os")).tmpdir(), "legacy-"));
    const file = path.join(dir, "inbox.db");
    const db = new Database(file);
    db.exec(`CREATE TABLE deliveries (id TEXT PRIMARY KEY, provider TEXT NOT NULL, delivery_key TEXT, message TEXT, status TEXT NOT NULL, reason TEXT,
      headers TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL, handled_at TEXT, attempts INTEGER NOT NULL DEFAULT 0);
      CREATE UNIQUE INDEX deliveries_key ON deliveries (provider, delivery_key) WHERE delivery_key IS NOT NULL;`);
    for (const r of legacyRows) {
      db.prepare("INSERT INTO deliveries VALUES (?, 'ivy', ?, NULL, ?, NULL, ?, ?, '2025-01-01T00:00:00.000Z', NULL, 0)").run(
        r.id,
        r.key,
        r.status,
        legacyHeaders,
        r.body,
      );
    }
    db.close();
    const store = sqliteStore(file);
    await store.init();
    await store.init(); // again: nothing left to do
    await checkMigrated(store);
    await store.close();
  });

  it.skipIf(!postgresUrl)("PostgreSQL: the same, in one transaction under an advisory lock", async () => {
    const table = `legacy_${process.pid}_${Date.now()}`;
    const client = new pg.Client(postgresUrl);
    await client.connect();
    try {
      await client.query(`CREATE TABLE ${table} (id UUID PRIMARY KEY, provider TEXT NOT NULL, delivery_key TEXT, message TEXT, status TEXT NOT NULL, reason TEXT,
        headers JSONB NOT NULL, body TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), handled_at TIMESTAMPTZ,
        attempts INTEGER NOT NULL DEFAULT 0, seq BIGSERIAL)`);
      for (const r of legacyRows)
        await client.query(`INSERT INTO ${table} (id, provider, delivery_key, status, headers, body) VALUES ($1, 'ivy', $2, $3, $4, $5)`, [
          r.id,
          r.key,
          r.status,
          legacyHeaders,
          r.body,
        ]);
      const store = postgresStore(postgresUrl!, table);
      await store.init();
      await checkMigrated(store);
      await store.close();
    } finally {
      await client.query(`DROP TABLE IF EXISTS ${table}, ${table}_migrations`);
      await client.end();
    }
  });

  async function checkMigrated(store: InboxStore) {
    const rows = await store.list();
    expect(rows.map((d) => [d.id, d.status])).toEqual(legacyRows.map((r) => [r.id, r.status === "received" ? "queued" : r.status]));
    for (const d of rows) expect(d.headers).toEqual({ "content-type": "application/json", "x-ivy-signature": "ab" });
    expect(new TextDecoder().decode(rows[0]!.body)).toBe('{"id":"evt_a"}');
    expect(rows[1]!.deliveryKey).toBe(`legacy:${legacyRows[1]!.id}`);
    expect((await store.claim("w", 10, 60_000)).map((d) => d.id)).toEqual([legacyRows[0]!.id]);
  }
});

describe("SQLite: a body it refuses", () => {
  it("fails its delivery whole (no row left without its body), and the receiver answers 400 with nothing kept, not 503", async () => {
    const dir = (await import("node:fs")).mkdtempSync(path.join((await import("node:os")).tmpdir(), "refused-body-"));
    const file = path.join(dir, "inbox.db");
    const store = sqliteStore(file);
    await store.init();
    // As a size limit would (SQLITE_MAX_LENGTH, or a constraint an operator adds): bodies over 100 bytes.
    const db = new Database(file);
    db.exec("CREATE TRIGGER small_bodies BEFORE INSERT ON delivery_bodies WHEN length(NEW.body) > 100 BEGIN SELECT RAISE(ABORT, 'body too big'); END");
    db.close();
    try {
      const refused = await store.accept(delivery({ body: bytes(`{"id":"evt_1","pad":"${"x".repeat(200)}"}`) })).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RefusedByStore);
      expect(refused).toMatchObject({ code: "SQLITE_CONSTRAINT_TRIGGER", message: expect.stringContaining("body too big") });
      const rows = new Database(file, { readonly: true });
      expect(rows.prepare("SELECT count(*) FROM deliveries").pluck().get()).toBe(0);
      rows.close();
      expect((await store.accept(delivery({ deliveryKey: '["small"]' }))).inserted).toBe(true);

      const events: ReceiverEvent[] = [];
      const receiver = createReceiver({ store, providers: { ivy: { secrets: ["ivy-secret-long-enough"] } }, worker: false, onEvent: (e) => events.push(e) });
      const body = JSON.stringify({ ...JSON.parse(ivyBody("evt_big")), pad: "x".repeat(200) });
      const answer = await receiver.handle({
        method: "POST",
        path: "/webhooks/ivy",
        headers: { "content-type": "application/json", "x-ivy-signature": (await signedHeaders("ivy", body, "ivy-secret-long-enough"))["X-Ivy-Signature"]! },
        body: bytes(body),
      });
      expect(answer).toMatchObject({ status: 400, body: { error: "unstorable", message: expect.stringContaining("body too big") } });
      expect(answer.body.id).toBeUndefined();
      expect(events).toContainEqual(
        expect.objectContaining({ type: "error", where: "store", message: expect.stringContaining("could not be stored in any form") }),
      );
      expect((await store.list()).map((d) => d.deliveryKey)).toEqual(['["small"]']);
    } finally {
      await store.close();
    }
  });
});

describe("a store created and never started", () => {
  const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "../dist");
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });
  // A script that creates a store and does nothing else (a caught config error, a one-off script): the
  // process must end by itself. Bounded by the test's timeout, not by a sleep.
  it.each([
    ["sqliteStore", `const { sqliteStore } = await import(${JSON.stringify(path.join(dist, "sqlite.js"))}); sqliteStore(process.argv[1] + "/inbox.db");`],
    [
      "sqliteStore on its own thread",
      `const { sqliteStore } = await import(${JSON.stringify(path.join(dist, "sqlite.js"))}); sqliteStore(process.argv[1] + "/inbox.db", { thread: true });`,
    ],
    [
      "postgresStore",
      `const { postgresStore } = await import(${JSON.stringify(path.join(dist, "postgres.js"))}); postgresStore("postgres://127.0.0.1:1/none");`,
    ],
  ])(
    "%s lets the process exit",
    async (_name, script) => {
      const dir = (await import("node:fs")).mkdtempSync(path.join((await import("node:os")).tmpdir(), "never-started-"));
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: ["ignore", "ignore", "inherit"] });
      children.push(child);
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(0);
    },
    20_000,
  );
});

describe("a SQLite store opened on the event loop's thread and left open", () => {
  const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "../dist");
  // Its database and the log's descriptor for fdatasync hold no handle of the event loop: a script that
  // stores a delivery and forgets to close the store still ends by itself.
  it("lets the process exit", async () => {
    const dir = (await import("node:fs")).mkdtempSync(path.join((await import("node:os")).tmpdir(), "left-open-"));
    const script = `const { sqliteStore } = await import(${JSON.stringify(path.join(dist, "sqlite.js"))});
      const store = sqliteStore(process.argv[1] + "/inbox.db");
      await store.init();
      await store.accept({ provider: "ivy", deliveryKey: "[1]", message: null, status: "queued", reason: null, warnings: [], headers: {}, body: new Uint8Array([123, 125]) });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir], { stdio: ["ignore", "ignore", "inherit"] });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve)).finally(() => child.exitCode === null && child.kill("SIGKILL"));
    expect(code).toBe(0);
  }, 20_000);
});

describe("many instances starting at once on a fresh inbox", () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  /** Starts `count` processes that each open the store and init() it at the same moment. */
  async function startTogether(count: number, spec: string): Promise<number[]> {
    const script = `
      const spec = JSON.parse(process.argv[1]);
      const { sqliteStore } = await import(${JSON.stringify(path.join(here, "../src/stores/sqlite.ts"))});
      const { postgresStore } = await import(${JSON.stringify(path.join(here, "../src/stores/postgres.ts"))});
      const store = spec.sqlite ? sqliteStore(spec.sqlite) : postgresStore(spec.postgres, spec.table);
      while (Date.now() < spec.at) await new Promise((r) => setTimeout(r, 1));
      await store.init();
      await store.accept({ provider: "ivy", deliveryKey: "[" + process.pid + "]", message: null, status: "queued", reason: null, warnings: [], headers: {}, body: new Uint8Array([123, 125]) });
      await store.close();`;
    const codes = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<number>((resolve) => {
            const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, spec], { stdio: ["ignore", "ignore", "inherit"] });
            child.on("exit", (code) => resolve(code ?? -1));
          }),
      ),
    );
    return codes;
  }

  it("SQLite: all start, one migrates", async () => {
    const dir = (await import("node:fs")).mkdtempSync(path.join((await import("node:os")).tmpdir(), "together-"));
    const file = path.join(dir, "inbox.db");
    const codes = await startTogether(4, JSON.stringify({ sqlite: file, at: Date.now() + 1500 }));
    expect(codes).toEqual([0, 0, 0, 0]);
    const store = sqliteStore(file);
    await store.init();
    expect(await store.list()).toHaveLength(4);
    await store.close();
  });

  it.skipIf(!postgresUrl)("PostgreSQL: all start, one migrates", async () => {
    const table = `together_${process.pid}_${Date.now()}`;
    try {
      const codes = await startTogether(4, JSON.stringify({ postgres: postgresUrl, table, at: Date.now() + 1500 }));
      expect(codes).toEqual([0, 0, 0, 0]);
      const store = postgresStore(postgresUrl!, table);
      expect(await store.list()).toHaveLength(4);
      await store.close();
    } finally {
      const client = new pg.Client(postgresUrl);
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS ${table}, ${table}_migrations`);
      await client.end();
    }
  });
});
