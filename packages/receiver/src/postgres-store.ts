/** The inbox in PostgreSQL (pg): for several receiver instances; a unique index makes duplicates lose the race. */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { type DeliveryRow as Row, type InboxStore, type NewDelivery, deliveryFromRow as toDelivery } from "./store.js";

export function postgresStore(connectionString: string, table = "webhook_deliveries"): InboxStore {
  const pool = new pg.Pool({ connectionString, max: 10 });
  const t = pg.escapeIdentifier(table);
  return {
    async init() {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${t} (
        id UUID PRIMARY KEY,
        provider TEXT NOT NULL,
        delivery_key TEXT,
        message TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        headers JSONB NOT NULL,
        body TEXT NOT NULL,
        received_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        handled_at TIMESTAMPTZ,
        attempts INTEGER NOT NULL DEFAULT 0,
        seq BIGSERIAL
      )`);
      await pool.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${pg.escapeIdentifier(`${table}_key`)} ON ${t} (provider, delivery_key) WHERE delivery_key IS NOT NULL`);
    },
    async insert(d: NewDelivery) {
      const id = randomUUID();
      const result = await pool.query(
        `INSERT INTO ${t} (id, provider, delivery_key, message, status, reason, headers, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [id, d.provider, d.deliveryKey, d.message, d.status, d.reason, JSON.stringify(d.headers), d.body],
      );
      if (result.rowCount === 1) return { inserted: true, id };
      const existing = await pool.query<{ id: string }>(`SELECT id FROM ${t} WHERE provider = $1 AND delivery_key = $2`, [d.provider, d.deliveryKey]);
      return { inserted: false, id: existing.rows[0]!.id };
    },
    async update(id, patch) {
      const sets: string[] = [];
      const values: unknown[] = [id];
      for (const key of ["status", "reason", "message"] as const) {
        if (patch[key] !== undefined) {
          values.push(patch[key]);
          sets.push(`${key} = $${values.length}`);
        }
      }
      if (patch.handled) sets.push("handled_at = clock_timestamp()", "attempts = attempts + 1");
      if (sets.length) await pool.query(`UPDATE ${t} SET ${sets.join(", ")} WHERE id = $1`, values);
    },
    async get(id) {
      const result = await pool.query<Row>(`SELECT * FROM ${t} WHERE id = $1`, [id]);
      return result.rows[0] && toDelivery(result.rows[0]);
    },
    async list(filter = {}) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (filter.status) values.push(filter.status), where.push(`status = $${values.length}`);
      if (filter.provider) values.push(filter.provider), where.push(`provider = $${values.length}`);
      const result = await pool.query<Row>(`SELECT * FROM ${t} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq`, values);
      return result.rows.map(toDelivery);
    },
    async close() {
      await pool.end();
    },
  };
}
