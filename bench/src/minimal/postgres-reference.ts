/**
 * The minimal reference on PostgreSQL: EXACTLY the required work of a durable webhook receiver, and
 * nothing else (issue 24, point 7): read the body; check the HMAC on the raw bytes with a timing-safe
 * compare; decode it as strict UTF-8; JSON.parse; the generated validator; store it (unique delivery key)
 * with one multi-row INSERT per group of requests (those that arrive while the previous group commits),
 * committed with synchronous_commit on (the server's WAL flushed) before any of them is answered. No
 * logging, no metrics, no worker. Not production code: it refuses without saying why, and knows Ivy only.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import pg from "pg";
import { validators } from "@webhook-contracts/validators";

interface Waiting {
  key: string;
  body: Buffer;
  res: http.ServerResponse;
}

const answer = (res: http.ServerResponse, status: number, body: string) => res.writeHead(status, { "content-type": "application/json" }).end(body);

export async function postgresReference(connectionString: string, table: string, secret: string): Promise<http.Server> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const t = pg.escapeIdentifier(table);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t} (delivery_key TEXT PRIMARY KEY, body BYTEA NOT NULL)`);
  const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
  let group: Waiting[] = [];
  let committing = false;

  // One group in flight: the requests that come meanwhile wait and go together in the next INSERT.
  const commit = async () => {
    committing = true;
    while (group.length > 0) {
      const batch = group.splice(0, 256);
      try {
        const { rows } = await pool.query<{ delivery_key: string }>(
          `INSERT INTO ${t} (delivery_key, body) SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT DO NOTHING RETURNING delivery_key`,
          [batch.map((d) => d.key), batch.map((d) => d.body)],
        );
        const fresh = new Set(rows.map((r) => r.delivery_key));
        for (const d of batch) answer(d.res, 200, fresh.has(d.key) ? '{"status":"accepted"}' : '{"status":"duplicate"}');
      } catch {
        for (const d of batch) answer(d.res, 503, '{"error":"unavailable"}');
      }
    }
    committing = false;
  };

  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const given = Buffer.from(String(req.headers["x-ivy-signature"] ?? ""), "hex");
      const expected = createHmac("sha256", secret).update(body).digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(res, 401, '{"error":"unauthorized"}');
      let value: unknown;
      try {
        value = JSON.parse(strictUtf8.decode(body));
      } catch {
        return answer(res, 400, '{"error":"malformed"}');
      }
      if (!validators.ivy.validate(value).ok) return answer(res, 400, '{"error":"invalid"}');
      group.push({ key: String((value as { id: unknown }).id), body, res });
      if (!committing) setImmediate(() => void (committing || commit()));
    });
  });
}
