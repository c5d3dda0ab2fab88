/**
 * The inbox in an embedded SQLite file (better-sqlite3): WAL, fully synced, so an acknowledged delivery
 * survives a crash. Deliveries that arrive together are committed together (one sync for many). SQLite
 * has one writer at a time, so a claim is decided by whoever holds the write lock: processes that share
 * the file (a receiver and separate workers) never claim one delivery twice.
 *   import { sqliteStore } from "@webhook-contracts/receiver/sqlite";   (better-sqlite3 must be installed)
 */
import Database from "better-sqlite3";
import { KEPT_HEADERS } from "../core/auth.js";
import { groupCommit } from "../core/group-commit.js";
import { type Delivery, type DeliveryRow, type DeliveryStatus, type InboxStore, type Lease, type NewDelivery, type Outcome, deliveryFromRow, deliveryStatuses } from "../core/store.js";

/**
 * Schema versions, in order; `PRAGMA user_version` says which ran. The first is the layout of version
 * 0.1.0 (created if missing, so that an old inbox is migrated in place), the second the queue.
 */
const migrations: ((db: Database.Database) => void)[] = [
  (db) =>
    db.exec(`CREATE TABLE IF NOT EXISTS deliveries (
      id TEXT PRIMARY KEY,
      provider TEXT NOT NULL,
      delivery_key TEXT,
      message TEXT,
      status TEXT NOT NULL,
      reason TEXT,
      headers TEXT NOT NULL,
      body TEXT NOT NULL,
      received_at TEXT NOT NULL,
      handled_at TEXT,
      attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX IF NOT EXISTS deliveries_key ON deliveries (provider, delivery_key) WHERE delivery_key IS NOT NULL;
    CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status);`),
  (db) => {
    db.exec(`ALTER TABLE deliveries ADD COLUMN warnings TEXT;
      ALTER TABLE deliveries ADD COLUMN due_at INTEGER;
      ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
      ALTER TABLE deliveries ADD COLUMN last_error TEXT;
      UPDATE deliveries SET status = 'queued', due_at = 0 WHERE status = 'received';
      UPDATE deliveries SET delivery_key = 'legacy:' || id WHERE delivery_key IS NULL;
      UPDATE deliveries SET body = CAST(body AS BLOB) WHERE typeof(body) = 'text';
      CREATE INDEX deliveries_due ON deliveries (due_at) WHERE status IN ('queued', 'processing');`);
    // 0.1.0 kept every header, API keys and Basic credentials too: only the allow-list stays.
    const rows = db.prepare("SELECT id, headers FROM deliveries").all() as { id: string; headers: string }[];
    const update = db.prepare("UPDATE deliveries SET headers = ? WHERE id = ?");
    for (const row of rows) {
      const kept = Object.fromEntries(Object.entries(JSON.parse(row.headers) as Record<string, string>).filter(([k]) => KEPT_HEADERS.includes(k)));
      update.run(JSON.stringify(kept), row.id);
    }
  },
];

export interface SqliteStoreOptions {
  /** Commit waiting deliveries together, at most this many (default 256). */
  maxBatch?: number;
}

export function sqliteStore(file: string, options: SqliteStoreOptions = {}): InboxStore {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 10000");

  let statements: ReturnType<typeof prepare> | undefined;
  const prepare = () => ({
    insert: db.prepare(
      `INSERT INTO deliveries (id, provider, delivery_key, message, status, reason, warnings, headers, body, received_at, due_at, attempts)
       VALUES (@id, @provider, @deliveryKey, @message, @status, @reason, @warnings, @headers, @body, @receivedAt, @dueAt, 0)
       ON CONFLICT DO NOTHING`,
    ),
    byKey: db.prepare("SELECT id, status FROM deliveries WHERE provider = ? AND delivery_key = ?"),
    byId: db.prepare("SELECT * FROM deliveries WHERE id = ?"),
    claim: db.prepare(
      `UPDATE deliveries SET status = 'processing', lease_owner = @owner, due_at = @leaseUntil, attempts = attempts + 1
       WHERE rowid IN (SELECT rowid FROM deliveries WHERE status IN ('queued', 'processing') AND due_at <= @now ORDER BY rowid LIMIT @limit)
       RETURNING *`,
    ),
    finish: db.prepare(
      `UPDATE deliveries SET status = @status, reason = @reason, last_error = coalesce(@error, last_error), due_at = @dueAt,
         handled_at = @handledAt, lease_owner = NULL
       WHERE id = @id AND attempts = @attempt AND lease_owner = @owner AND status = 'processing'`,
    ),
    release: db.prepare(
      `UPDATE deliveries SET status = 'queued', due_at = 0, lease_owner = NULL, attempts = max(attempts - 1, 0)
       WHERE id = ? AND attempts = ? AND lease_owner = ? AND status = 'processing'`,
    ),
    releaseAll: db.prepare(
      `UPDATE deliveries SET status = 'queued', due_at = 0, lease_owner = NULL, attempts = max(attempts - 1, 0)
       WHERE lease_owner = ? AND status = 'processing'`,
    ),
    stats: db.prepare("SELECT status, count(*) AS n FROM deliveries GROUP BY status"),
  });
  const s = () => (statements ??= prepare());

  const acceptAll = db.transaction((items: NewDelivery[]) =>
    items.map((d) => {
      const id = globalThis.crypto.randomUUID();
      const result = s().insert.run({
        ...d,
        id,
        warnings: JSON.stringify(d.warnings),
        headers: JSON.stringify(d.headers),
        body: Buffer.from(d.body.buffer, d.body.byteOffset, d.body.byteLength),
        receivedAt: new Date().toISOString(),
        dueAt: d.status === "queued" ? 0 : null,
      });
      if (result.changes === 1) return { inserted: true, id, status: d.status as DeliveryStatus };
      const existing = s().byKey.get(d.provider, d.deliveryKey) as { id: string; status: DeliveryStatus };
      return { inserted: false, id: existing.id, status: existing.status };
    }),
  );
  const accept = groupCommit(async (items: NewDelivery[]) => acceptAll(items), options.maxBatch);

  const finishAll = db.transaction((owner: string, items: readonly (Lease & { outcome: Outcome })[]) => {
    const at = Date.now();
    const recorded: Lease[] = [];
    for (const { id, attempt, outcome } of items) {
      const row =
        outcome.status === "handled"
          ? { status: "handled", reason: null, error: null, dueAt: null, handledAt: new Date(at).toISOString() }
          : outcome.status === "retry"
            ? { status: "queued", reason: null, error: outcome.error, dueAt: at + outcome.delayMs, handledAt: null }
            : { status: "quarantined", reason: outcome.reason, error: outcome.error ?? null, dueAt: null, handledAt: new Date(at).toISOString() };
      if (s().finish.run({ ...row, id, attempt, owner }).changes === 1) recorded.push({ id, attempt });
    }
    return recorded;
  });

  return {
    async init() {
      // BEGIN IMMEDIATE takes the write lock: of several processes starting at once, one migrates, the
      // others wait (busy_timeout) and then find the work done.
      db.transaction(() => {
        const version = db.pragma("user_version", { simple: true }) as number;
        for (let v = version; v < migrations.length; v++) migrations[v]!(db);
        if (version < migrations.length) db.pragma(`user_version = ${migrations.length}`);
      }).immediate();
      statements = prepare();
    },
    accept,
    async claim(owner, limit, leaseMs) {
      const now = Date.now();
      const rows = db.transaction(() => s().claim.all({ owner, now, leaseUntil: now + leaseMs, limit }) as DeliveryRow[]).immediate();
      return rows.map(toDelivery);
    },
    async finish(owner, items) {
      return finishAll.immediate(owner, items);
    },
    async release(owner, leases) {
      db.transaction(() => {
        if (!leases) s().releaseAll.run(owner);
        else for (const { id, attempt } of leases) s().release.run(id, attempt, owner);
      }).immediate();
    },
    async requeue(id, from) {
      const placeholders = from.map(() => "?").join(", ");
      const result = db
        .prepare(
          `UPDATE deliveries SET status = 'queued', due_at = 0, attempts = 0, reason = NULL, last_error = NULL, lease_owner = NULL, handled_at = NULL
           WHERE id = ? AND status IN (${placeholders})`,
        )
        .run(id, ...from);
      return result.changes === 1;
    },
    async requarantine(id, reason, message) {
      db.prepare("UPDATE deliveries SET status = 'quarantined', reason = ?, message = ? WHERE id = ? AND status IN ('quarantined', 'handled')").run(reason, message, id);
    },
    async get(id) {
      const row = s().byId.get(id) as DeliveryRow | undefined;
      return row && toDelivery(row);
    },
    async list(filter = {}) {
      const where: string[] = [];
      if (filter.status) where.push("status = @status");
      if (filter.provider) where.push("provider = @provider");
      const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY rowid ${filter.limit ? "LIMIT @limit" : ""}`;
      return (db.prepare(sql).all(filter) as DeliveryRow[]).map(toDelivery);
    },
    async stats() {
      const byStatus = Object.fromEntries(deliveryStatuses.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
      for (const row of s().stats.all() as { status: DeliveryStatus; n: number }[]) byStatus[row.status] = row.n;
      return { byStatus };
    },
    async ping() {
      db.prepare("SELECT 1").get();
    },
    async close() {
      await accept.flush();
      db.close();
    },
  };
}

/** SQLite keeps due_at as epoch ms (0: due at once); the interface speaks ISO times. */
function toDelivery(row: DeliveryRow): Delivery {
  return deliveryFromRow({ ...row, due_at: row.due_at === null ? null : Number(row.due_at) });
}
