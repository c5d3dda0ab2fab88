/** The inbox in an embedded SQLite file (better-sqlite3): WAL, fully synced, so an answered delivery survives a crash. */
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { type DeliveryRow as Row, type InboxStore, type NewDelivery, deliveryFromRow as toDelivery } from "./store.js";

export function sqliteStore(file: string): InboxStore {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
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
  CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status);`);
  const insert = db.prepare(
    `INSERT INTO deliveries (id, provider, delivery_key, message, status, reason, headers, body, received_at)
     VALUES (@id, @provider, @deliveryKey, @message, @status, @reason, @headers, @body, @receivedAt)
     ON CONFLICT DO NOTHING`,
  );
  const byKey = db.prepare("SELECT id FROM deliveries WHERE provider = ? AND delivery_key = ?");
  const byId = db.prepare("SELECT * FROM deliveries WHERE id = ?");
  return {
    async init() {},
    async insert(d: NewDelivery) {
      const id = randomUUID();
      const result = insert.run({ ...d, id, headers: JSON.stringify(d.headers), receivedAt: new Date().toISOString() });
      if (result.changes === 1) return { inserted: true, id };
      return { inserted: false, id: (byKey.get(d.provider, d.deliveryKey) as { id: string }).id };
    },
    async update(id, patch) {
      const sets: string[] = [];
      const values: Record<string, unknown> = { id };
      for (const key of ["status", "reason", "message"] as const) {
        if (patch[key] !== undefined) {
          sets.push(`${key} = @${key}`);
          values[key] = patch[key];
        }
      }
      if (patch.handled) sets.push("handled_at = @handledAt", "attempts = attempts + 1"), (values.handledAt = new Date().toISOString());
      if (sets.length) db.prepare(`UPDATE deliveries SET ${sets.join(", ")} WHERE id = @id`).run(values);
    },
    async get(id) {
      const row = byId.get(id) as Row | undefined;
      return row && toDelivery(row);
    },
    async list(filter = {}) {
      const where: string[] = [];
      if (filter.status) where.push("status = @status");
      if (filter.provider) where.push("provider = @provider");
      const rows = db.prepare(`SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY received_at, rowid`).all(filter) as Row[];
      return rows.map(toDelivery);
    },
    async close() {
      db.close();
    },
  };
}
