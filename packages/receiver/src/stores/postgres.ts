/**
 * The inbox in PostgreSQL (pg): for several receivers and workers. A unique index makes a duplicate lose
 * the race, between instances too; workers claim with `FOR UPDATE SKIP LOCKED`, so two never hold one
 * delivery; leases and retry times are on the database's clock, so instances' clocks need not agree.
 * Deliveries that arrive together are inserted by one statement and one commit; when the server refuses
 * a value in it (a NUL in a JSONB key or a TEXT column), the batch is tried again in halves down to
 * single rows, so that the delivery holding it fails alone (RefusedByStore) and the others are stored. A worker's claims and
 * outcomes are committed without waiting for the server's disk (synchronous_commit off, on connections
 * of their own): a crash of the server may lose the last ones, and a delivery is then handled again
 * (at-least-once); an accepted delivery is always synced before it is answered.
 *   import { postgresStore } from "@webhook-contracts/receiver/postgres";   (pg must be installed)
 */
import pg from "pg";
import { KEPT_HEADERS } from "../core/auth.js";
import { groupCommit } from "../core/group-commit.js";
import { type DeliveryRow, type DeliveryStatus, type InboxStore, type NewDelivery, RefusedByStore, deliveryFromRow, deliveryStatuses } from "../core/store.js";

type Accepted = Awaited<ReturnType<InboxStore["accept"]>>;

/**
 * SQLSTATE classes that blame the values of a statement, not the server: data exceptions (22: a NUL in
 * TEXT, `\u0000` in JSONB), integrity constraints (23: a CHECK someone added) and program limits (54: a
 * value too large for an index). A connection lost, a read-only or full server is none of these.
 */
const refusedByServer = (error: unknown) => /^(22|23|54)/.test(String((error as { code?: unknown }).code ?? ""));

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** Commit waiting deliveries together, at most this many (default 256). */
  maxBatch?: number;
}

export function postgresStore(connectionString: string, table = "webhook_deliveries", options: PostgresStoreOptions = {}): InboxStore {
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10 });
  const bookkeeping = new pg.Pool({ connectionString, max: Math.max(2, Math.ceil((options.maxConnections ?? 10) / 2)), options: "-c synchronous_commit=off" });
  // An idle client's error (the server restarted) must not crash the process: the next query reconnects.
  pool.on("error", () => undefined);
  bookkeeping.on("error", () => undefined);
  const t = pg.escapeIdentifier(table);
  const name = (suffix: string) => pg.escapeIdentifier(`${table}_${suffix}`);

  /** Schema versions, in order, each in the migrating transaction; the first is version 0.1.0's layout. */
  const migrations: ((client: pg.PoolClient) => Promise<unknown>)[] = [
    async (c) => {
      await c.query(`CREATE TABLE IF NOT EXISTS ${t} (
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
      await c.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${name("key")} ON ${t} (provider, delivery_key) WHERE delivery_key IS NOT NULL`);
    },
    async (c) => {
      await c.query(`ALTER TABLE ${t}
        ADD COLUMN IF NOT EXISTS warnings JSONB,
        ADD COLUMN IF NOT EXISTS due_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS lease_owner TEXT,
        ADD COLUMN IF NOT EXISTS last_error TEXT`);
      // The exact bytes that came: TEXT cannot hold a NUL, and the bytes must be the ones authenticated.
      await c.query(`ALTER TABLE ${t} ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8')`);
      await c.query(`UPDATE ${t} SET status = 'queued', due_at = clock_timestamp() WHERE status = 'received'`);
      await c.query(`UPDATE ${t} SET delivery_key = 'legacy:' || id WHERE delivery_key IS NULL`);
      // 0.1.0 kept every header, API keys and Basic credentials too: only the allow-list stays.
      await c.query(`UPDATE ${t} SET headers = (SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(headers) WHERE key = ANY($1))`, [
        KEPT_HEADERS,
      ]);
      await c.query(`CREATE INDEX IF NOT EXISTS ${name("due")} ON ${t} (due_at) WHERE status IN ('queued', 'processing')`);
      // Handled deliveries, nearly all of them, need no status index: only the few a person looks at do.
      await c.query(`CREATE INDEX IF NOT EXISTS ${name("kept")} ON ${t} (status) WHERE status IN ('quarantined', 'rejected')`);
    },
  ];

  /**
   * A query whose connection goes back to the pool when the server refused the values (the connection is
   * fine), not dropped as pool.query drops it after any error: the halves of a refused batch then need
   * no new connections.
   */
  const queryOwnFault = async <R extends pg.QueryResultRow>(text: string, values: unknown[]) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await client.query<R>(text, values);
    } catch (error) {
      if (!refusedByServer(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  };
  const insertAll = async (items: NewDelivery[]): Promise<Accepted[]> => {
    const ids = items.map(() => globalThis.crypto.randomUUID());
    const inserted = await queryOwnFault<{ id: string; received_at: Date }>(
      `INSERT INTO ${t} (id, provider, delivery_key, message, status, reason, warnings, headers, body, due_at, attempts, lease_owner)
       SELECT id, provider, delivery_key, message,
              CASE WHEN lease_owner IS NULL THEN status ELSE 'processing' END, reason, warnings, headers, body,
              CASE WHEN lease_owner IS NOT NULL THEN clock_timestamp() + lease_ms * interval '1 millisecond'
                   WHEN status = 'queued' THEN clock_timestamp() END,
              CASE WHEN lease_owner IS NULL THEN 0 ELSE 1 END, lease_owner
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::bytea[], $10::text[], $11::float8[])
         AS v(id, provider, delivery_key, message, status, reason, warnings, headers, body, lease_owner, lease_ms)
       ON CONFLICT DO NOTHING
       RETURNING id, received_at`,
      [
        ids,
        items.map((d) => d.provider),
        items.map((d) => d.deliveryKey),
        items.map((d) => d.message),
        items.map((d) => d.status),
        items.map((d) => d.reason),
        items.map((d) => JSON.stringify(d.warnings)),
        items.map((d) => JSON.stringify(d.headers)),
        items.map((d) => Buffer.from(d.body.buffer, d.body.byteOffset, d.body.byteLength)),
        items.map((d) => d.lease?.owner ?? null),
        items.map((d) => d.lease?.ms ?? null),
      ],
    );
    const won = new Map(inserted.rows.map((r) => [r.id, r.received_at.toISOString()]));
    const lost = items.filter((_, i) => !won.has(ids[i]!));
    const existing = new Map<string, { id: string; status: DeliveryStatus; receivedAt: string }>();
    if (lost.length > 0) {
      const rows = await pool.query<{ id: string; status: DeliveryStatus; provider: string; delivery_key: string; received_at: Date }>(
        `SELECT id, status, provider, delivery_key, received_at FROM ${t} WHERE (provider, delivery_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [lost.map((d) => d.provider), lost.map((d) => d.deliveryKey)],
      );
      for (const r of rows.rows) existing.set(`${r.provider}\u0000${r.delivery_key}`, { id: r.id, status: r.status, receivedAt: r.received_at.toISOString() });
    }
    return items.map((d, i) => {
      const receivedAt = won.get(ids[i]!);
      if (receivedAt) return { inserted: true, id: ids[i]!, status: (d.lease ? "processing" : d.status) as DeliveryStatus, receivedAt };
      const other = existing.get(`${d.provider}\u0000${d.deliveryKey}`)!;
      return { inserted: false, ...other };
    });
  };
  /**
   * One statement for the batch. If the server refuses a value in it, the batch is tried again in halves,
   * in order, down to single rows: only the deliveries holding such a value fail (as RefusedByStore),
   * the others are stored in the order they came, and one bad row costs a few statements (2 log2 n),
   * not one per row.
   */
  const acceptAll = async (items: NewDelivery[]): Promise<(Accepted | Error)[]> => {
    try {
      return await insertAll(items);
    } catch (error) {
      if (!refusedByServer(error)) throw error;
      if (items.length === 1) return [refusal(error)];
    }
    const half = Math.ceil(items.length / 2);
    return [...(await acceptAll(items.slice(0, half))), ...(await acceptAll(items.slice(half)))];
  };
  const refusal = (error: unknown) => new RefusedByStore(`PostgreSQL refused it: ${(error as Error).message}`, String((error as { code?: unknown }).code));
  const acceptInBatch = groupCommit(acceptAll, options.maxBatch);
  const accept = Object.assign(
    async (delivery: NewDelivery): Promise<Accepted> => {
      const result = await acceptInBatch(delivery);
      if (result instanceof Error) throw result;
      return result;
    },
    { flush: acceptInBatch.flush },
  );

  return {
    leasesOnAccept: true,
    async init() {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // One instance migrates at a time; the others wait here, then find the work done.
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`webhook-contracts:${table}`]);
        await client.query(`CREATE TABLE IF NOT EXISTS ${name("migrations")} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
        const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${name("migrations")}`);
        for (let v = rows[0]?.version ?? 0; v < migrations.length; v++) {
          await migrations[v]!(client);
          await client.query(`INSERT INTO ${name("migrations")} (version) VALUES ($1)`, [v + 1]);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    accept,
    async claim(owner, limit, leaseMs) {
      const { rows } = await bookkeeping.query<DeliveryRow>(
        `WITH due AS (
           SELECT id FROM ${t} WHERE status IN ('queued', 'processing') AND due_at <= clock_timestamp()
           ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED
         )
         UPDATE ${t} AS d SET status = 'processing', lease_owner = $1, due_at = clock_timestamp() + $3 * interval '1 millisecond', attempts = d.attempts + 1
         FROM due WHERE d.id = due.id
         RETURNING d.*`,
        [owner, limit, leaseMs],
      );
      return rows.map(deliveryFromRow);
    },
    async finish(owner, items) {
      if (items.length === 0) return [];
      const { rows } = await bookkeeping.query<{ id: string; attempts: number }>(
        `UPDATE ${t} AS d SET
           status = v.status,
           reason = v.reason,
           last_error = coalesce(v.error, d.last_error),
           due_at = CASE WHEN v.status = 'queued' THEN clock_timestamp() + v.delay * interval '1 millisecond' END,
           handled_at = CASE WHEN v.status <> 'queued' THEN clock_timestamp() END,
           lease_owner = NULL
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::float8[]) AS v(id, attempt, status, reason, error, delay)
         WHERE d.id = v.id AND d.attempts = v.attempt AND d.lease_owner = $1 AND d.status = 'processing'
         RETURNING d.id, d.attempts`,
        [
          owner,
          items.map((i) => i.id),
          items.map((i) => i.attempt),
          items.map(({ outcome: o }) => (o.status === "retry" ? "queued" : o.status)),
          items.map(({ outcome: o }) => (o.status === "quarantined" ? o.reason : null)),
          items.map(({ outcome: o }) => (o.status === "handled" ? null : (o.error ?? null))),
          items.map(({ outcome: o }) => (o.status === "retry" ? o.delayMs : 0)),
        ],
      );
      return rows.map((r) => ({ id: r.id, attempt: r.attempts }));
    },
    async release(owner, leases) {
      await bookkeeping.query(
        `UPDATE ${t} AS d SET status = 'queued', due_at = clock_timestamp(), lease_owner = NULL, attempts = greatest(d.attempts - 1, 0)
         WHERE d.lease_owner = $1 AND d.status = 'processing'
         ${leases ? "AND (d.id, d.attempts) IN (SELECT * FROM unnest($2::uuid[], $3::int[]))" : ""}`,
        leases ? [owner, leases.map((l) => l.id), leases.map((l) => l.attempt)] : [owner],
      );
    },
    async requeue(id, from, message) {
      const result = await pool.query(
        `UPDATE ${t} SET status = 'queued', message = $3, due_at = clock_timestamp(), attempts = 0, reason = NULL, last_error = NULL, lease_owner = NULL,
           handled_at = NULL
         WHERE id = $1 AND status = ANY($2::text[])`,
        [id, from, message],
      );
      return result.rowCount === 1;
    },
    async requarantine(id, reason, message) {
      await pool.query(`UPDATE ${t} SET status = 'quarantined', reason = $2, message = $3 WHERE id = $1 AND status IN ('quarantined', 'handled')`, [
        id,
        reason,
        message,
      ]);
    },
    async get(id) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
      const result = await pool.query<DeliveryRow>(`SELECT * FROM ${t} WHERE id = $1`, [id]);
      return result.rows[0] && deliveryFromRow(result.rows[0]);
    },
    async list(filter = {}) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (filter.status) (values.push(filter.status), where.push(`status = $${values.length}`));
      if (filter.provider) (values.push(filter.provider), where.push(`provider = $${values.length}`));
      if (filter.after) (values.push(filter.after), where.push(`seq > (SELECT seq FROM ${t} WHERE id = $${values.length})`));
      if (filter.since) (values.push(filter.since), where.push(`received_at >= $${values.length}`));
      if (filter.limit) values.push(filter.limit);
      const result = await pool.query<DeliveryRow>(
        `SELECT * FROM ${t} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq ${filter.limit ? `LIMIT $${values.length}` : ""}`,
        values,
      );
      return result.rows.map(deliveryFromRow);
    },
    async stats() {
      const byStatus = Object.fromEntries(deliveryStatuses.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
      // Counts from the partial indexes; handled: all the others. The backlog's oldest from the same scan of its index.
      const { rows } = await pool.query<{ status: DeliveryStatus | "total"; n: string; oldest: Date | null }>(
        `SELECT status, count(*) AS n, min(received_at) AS oldest FROM ${t} WHERE status IN ('queued', 'processing') GROUP BY status
         UNION ALL SELECT status, count(*), NULL FROM ${t} WHERE status IN ('quarantined', 'rejected') GROUP BY status
         UNION ALL SELECT 'total', count(*), NULL FROM ${t}`,
      );
      let total = 0;
      let oldest: Date | null = null;
      for (const row of rows) {
        if (row.status === "total") total = Number(row.n);
        else byStatus[row.status] = Number(row.n);
        if (row.oldest && (!oldest || row.oldest < oldest)) oldest = row.oldest;
      }
      byStatus.handled = total - byStatus.queued - byStatus.processing - byStatus.quarantined - byStatus.rejected;
      return { byStatus, oldestBacklogReceivedAt: oldest && oldest.toISOString() };
    },
    async ping() {
      // An insert of no row: the server checks it as it would a delivery's (a read-only server or
      // transaction, a standby, a revoked privilege refuse it) and writes nothing.
      await pool.query(`INSERT INTO ${t} SELECT * FROM ${t} WHERE false`);
    },
    async close() {
      await accept.flush();
      await Promise.all([pool.end(), bookkeeping.end()]);
    },
  };
}
