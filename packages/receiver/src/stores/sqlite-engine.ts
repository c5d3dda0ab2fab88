/**
 * The SQLite inbox itself, synchronous (better-sqlite3): the schema and its migrations, and each
 * operation of the store. sqlite.ts runs it on the event loop's thread or on a thread of its own
 * (sqlite-thread.ts); sqlite-batch.ts runs the requests that arrive together.
 */
import { closeSync, fdatasync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { KEPT_HEADERS } from "../core/auth.js";
import type { DeliveryRow, DeliveryStatus, Lease, ListFilter, Outcome, StoreStats } from "../core/store.js";
import { type Accepting, refusedByEngine } from "./sqlite-protocol.js";

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
      -- The bodies in a table of their own, written once: the rows a worker updates stay small, many to
      -- a page, instead of one page each that every outcome would write again.
      CREATE TABLE delivery_bodies (delivery INTEGER PRIMARY KEY, body BLOB NOT NULL);
      INSERT INTO delivery_bodies (delivery, body) SELECT rowid, CAST(body AS BLOB) FROM deliveries;
      ALTER TABLE deliveries DROP COLUMN body;
      CREATE INDEX deliveries_due ON deliveries (status, due_at) WHERE status IN ('queued', 'processing');
      -- Handled deliveries, nearly all of them, need no status index: only the few a person looks at do.
      DROP INDEX deliveries_status;
      CREATE INDEX deliveries_kept ON deliveries (status) WHERE status IN ('quarantined', 'rejected');`);
    // 0.1.0 kept every header, API keys and Basic credentials too: only the allow-list stays.
    const rows = db.prepare("SELECT id, headers FROM deliveries").all() as { id: string; headers: string }[];
    const update = db.prepare("UPDATE deliveries SET headers = ? WHERE id = ?");
    for (const row of rows) {
      const kept = Object.fromEntries(Object.entries(JSON.parse(row.headers) as Record<string, string>).filter(([k]) => KEPT_HEADERS.includes(k)));
      update.run(JSON.stringify(kept), row.id);
    }
  },
  // One row that ping() rewrites: a write that does not grow the inbox (see PING_BYTES).
  (db) =>
    db.exec(`CREATE TABLE IF NOT EXISTS heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL, pad BLOB);
    INSERT OR IGNORE INTO heartbeat (id, at) VALUES (1, 0);`),
];

/**
 * What ping() writes each time (rewriting the same row: the inbox does not grow): about as much as a
 * batch of deliveries does, so that on a disk that is full it fails as their commits would, rather than
 * fit in the last few free bytes they leave. Random bytes: SQLite skips writing pages whose content did
 * not change, so the same bytes again would write next to nothing.
 */
const PING_BYTES = 64 * 1024;

export interface AcceptResult {
  inserted: boolean;
  id: string;
  status: DeliveryStatus;
  receivedAt: string;
}

export type SqliteEngine = ReturnType<typeof openEngine>;
/** The engine methods a store may call as requests (see sqlite-batch.ts). */
export type EngineOp = Exclude<keyof SqliteEngine, "transaction" | "sync" | "synced">;

/** A delivery with its body. */
const SELECT = "SELECT d.*, b.body FROM deliveries d JOIN delivery_bodies b ON b.delivery = d.rowid";

/** The condition of the partial index a status is in, as a query must write it for SQLite to use the index. */
const indexed: Partial<Record<DeliveryStatus, string>> = {
  queued: "status IN ('queued', 'processing') AND ",
  processing: "status IN ('queued', 'processing') AND ",
  quarantined: "status IN ('quarantined', 'rejected') AND ",
  rejected: "status IN ('quarantined', 'rejected') AND ",
};

/**
 * A UUID whose first 48 bits are the time (RFC 9562, version 7): ids of deliveries accepted together
 * land on the same page of the id index, instead of one random page each (fewer pages to write per commit).
 */
export function uuidV7(nowMs: number): string {
  // A random (version 4) UUID, its first 48 bits replaced by the time and its version digit by 7.
  const random = globalThis.crypto.randomUUID();
  const time = nowMs.toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}

export function openEngine(file: string) {
  const db = new Database(file);
  const wal = db.pragma("journal_mode = WAL", { simple: true }) === "wal";
  // Commits do not wait for the disk: accepted deliveries are synced by sync() before they are
  // answered. Without WAL (a file system that cannot share memory), every commit syncs itself.
  db.pragma(`synchronous = ${wal ? "NORMAL" : "FULL"}`);
  db.pragma("busy_timeout = 10000");
  let walFd: number | undefined;
  const syncing = new Set<Promise<void>>();

  let statements: ReturnType<typeof prepare> | undefined;
  const prepare = () => ({
    insert: db.prepare(
      `INSERT INTO deliveries (id, provider, delivery_key, message, status, reason, warnings, headers, received_at, due_at, attempts, lease_owner)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    insertBody: db.prepare("INSERT INTO delivery_bodies (delivery, body) VALUES (?, ?)"),
    unaccept: db.prepare("DELETE FROM deliveries WHERE rowid = ?"),
    body: db.prepare("SELECT body FROM delivery_bodies WHERE delivery = ?").pluck(),
    byKey: db.prepare("SELECT id, status, received_at FROM deliveries WHERE provider = ? AND delivery_key = ?"),
    byId: db.prepare(`${SELECT} WHERE d.id = ?`),
    claim: db.prepare(
      `UPDATE deliveries SET status = 'processing', lease_owner = @owner, due_at = @leaseUntil, attempts = attempts + 1
       WHERE rowid IN (SELECT rowid FROM deliveries WHERE status IN ('queued', 'processing') AND due_at <= @now ORDER BY rowid LIMIT @limit)
       RETURNING rowid AS row, *`,
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
    // Counts from the partial indexes (a query names an index's condition word for word to use it);
    // handled: all the others. The backlog's first row (rowids follow arrival) comes from the same index scan.
    stats: db.prepare(
      `SELECT status, count(*) AS n, min(rowid) AS first FROM deliveries WHERE status IN ('queued', 'processing') GROUP BY status
       UNION ALL SELECT status, count(*), NULL FROM deliveries WHERE status IN ('quarantined', 'rejected') GROUP BY status
       UNION ALL SELECT 'total', count(*), NULL FROM deliveries`,
    ),
    receivedAt: db.prepare("SELECT received_at FROM deliveries WHERE rowid = ?").pluck(),
  });
  const s = () => (statements ??= prepare());
  // Apart: an inbox that init() has not migrated yet has no heartbeat, and its other statements still work.
  let heartbeat: Database.Statement | undefined;

  return {
    /** Migrates under the write lock: of several processes starting at once, one migrates, the others wait. */
    init(): void {
      db.transaction(() => {
        const version = db.pragma("user_version", { simple: true }) as number;
        for (let v = version; v < migrations.length; v++) migrations[v]!(db);
        if (version < migrations.length) db.pragma(`user_version = ${migrations.length}`);
      }).immediate();
      statements = prepare();
    },
    /** Runs `work` in one transaction, holding the write lock from its start. */
    transaction<T>(work: () => T): T {
      return db.transaction(work).immediate();
    },
    /**
     * Makes every commit so far durable, on Node's thread pool: transactions go on meanwhile, and each
     * sync covers what was committed before it began. fsync and fdatasync act on the file, whichever
     * descriptor names it: syncing the log through a descriptor of our own covers the frames SQLite
     * wrote through its own.
     */
    sync(): Promise<void> {
      if (!wal) return Promise.resolve();
      walFd ??= openSync(`${file}-wal`, "r");
      const done = new Promise<void>((resolve, reject) => fdatasync(walFd!, (error) => (error ? reject(error) : resolve())));
      syncing.add(done);
      void done.catch(() => undefined).finally(() => syncing.delete(done));
      return done;
    },
    /** Resolves when no sync is in flight (before the log's descriptor is closed). */
    async synced(): Promise<void> {
      while (syncing.size > 0) await Promise.allSettled([...syncing]);
    },
    accept(items: readonly Accepting[]): AcceptResult[] {
      const now = Date.now();
      const receivedAt = new Date(now).toISOString();
      return items.map(([provider, deliveryKey, message, given, reason, warnings, headers, body, leaseOwner, leaseMs]) => {
        const id = uuidV7(now);
        const status: DeliveryStatus = leaseOwner ? "processing" : given;
        // Positional: cheaper to bind than an object of named values, on the path every delivery takes.
        const result = s().insert.run(
          id,
          provider,
          deliveryKey,
          message,
          status,
          reason,
          warnings,
          headers,
          receivedAt,
          leaseOwner ? now + leaseMs : given === "queued" ? 0 : null,
          leaseOwner ? 1 : 0,
          leaseOwner,
        );
        if (result.changes === 1) {
          try {
            s().insertBody.run(result.lastInsertRowid, typeof body === "string" ? Buffer.from(body, "latin1") : body);
          } catch (error) {
            // A body refused (too big) must not leave its delivery behind without it: the row fails whole.
            if (refusedByEngine(error)) s().unaccept.run(result.lastInsertRowid);
            throw error;
          }
          return { inserted: true, id, status, receivedAt };
        }
        const existing = s().byKey.get(provider, deliveryKey) as { id: string; status: DeliveryStatus; received_at: string };
        return { inserted: false, id: existing.id, status: existing.status, receivedAt: existing.received_at };
      });
    },
    finish(owner: string, items: readonly (Lease & { outcome: Outcome })[]): Lease[] {
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
    },
    release(owner: string, leases?: readonly Lease[]): void {
      if (!leases) s().releaseAll.run(owner);
      else for (const { id, attempt } of leases) s().release.run(id, attempt, owner);
    },
    claim(owner: string, limit: number, leaseMs: number): DeliveryRow[] {
      const now = Date.now();
      const rows = s().claim.all({ owner, now, leaseUntil: now + leaseMs, limit }) as (Omit<DeliveryRow, "body"> & { row: number })[];
      return rows.map(({ row, ...delivery }) => ({ ...delivery, body: s().body.get(row) as Buffer }));
    },
    requeue(id: string, from: readonly DeliveryStatus[], message: string | null): boolean {
      const placeholders = from.map(() => "?").join(", ");
      const sql = `UPDATE deliveries SET status = 'queued', message = ?, due_at = 0, attempts = 0, reason = NULL, last_error = NULL, lease_owner = NULL,
          handled_at = NULL
        WHERE id = ? AND status IN (${placeholders})`;
      return db.prepare(sql).run(message, id, ...from).changes === 1;
    },
    requarantine(id: string, reason: string, message: string | null): void {
      db.prepare("UPDATE deliveries SET status = 'quarantined', reason = ?, message = ? WHERE id = ? AND status IN ('quarantined', 'handled')").run(
        reason,
        message,
        id,
      );
    },
    get(id: string): DeliveryRow | undefined {
      return s().byId.get(id) as DeliveryRow | undefined;
    },
    list(filter: ListFilter = {}): DeliveryRow[] {
      const where: string[] = [];
      if (filter.status) where.push(`${indexed[filter.status] ?? ""}status = @status`);
      if (filter.provider) where.push("provider = @provider");
      if (filter.after) where.push("d.rowid > (SELECT rowid FROM deliveries WHERE id = @after)");
      if (filter.since) where.push("received_at >= @since");
      const sql = `${SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY d.rowid ${filter.limit ? "LIMIT @limit" : ""}`;
      return db.prepare(sql).all(filter) as DeliveryRow[];
    },
    stats(): StoreStats {
      const counts: Record<DeliveryStatus | "total", number> = { queued: 0, processing: 0, handled: 0, quarantined: 0, rejected: 0, total: 0 };
      let first: number | undefined;
      for (const row of s().stats.all() as { status: DeliveryStatus | "total"; n: number; first: number | null }[]) {
        counts[row.status] = row.n;
        if (row.first !== null && (first === undefined || row.first < first)) first = row.first;
      }
      const { total, ...byStatus } = counts;
      return {
        byStatus: { ...byStatus, handled: total - byStatus.queued - byStatus.processing - byStatus.quarantined - byStatus.rejected },
        oldestBacklogReceivedAt: first === undefined ? null : ((s().receivedAt.get(first) as string | undefined) ?? null),
      };
    },
    /** A write that does not grow the inbox; run in the batch's transaction and answered after its sync, as an accept is. */
    ping(): void {
      (heartbeat ??= db.prepare("UPDATE heartbeat SET at = ?, pad = randomblob(?) WHERE id = 1")).run(Date.now(), PING_BYTES);
    },
    close(): void {
      if (walFd !== undefined) closeSync(walFd);
      db.close();
    },
  };
}
