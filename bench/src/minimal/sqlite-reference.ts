/**
 * The minimal reference on SQLite: EXACTLY the required work of a durable webhook receiver, and nothing
 * else, so that the bench can say what `webhook-contracts serve` costs beyond it (issue 24, point 7):
 * read the body; check the HMAC on the raw bytes with a timing-safe compare; decode it as strict UTF-8;
 * JSON.parse; the generated validator; insert it (unique delivery key: a retry is not stored twice) in
 * SQLite's write-ahead log, requests that arrive together in one transaction (group commit), and answer
 * only once an fdatasync of the log that began after the commit has ended. No logging, no metrics, no
 * worker. Not production code: it refuses without saying why, and knows one provider (Ivy).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { fdatasync, openSync } from "node:fs";
import http from "node:http";
import Database from "better-sqlite3";
import { validators } from "@webhook-contracts/validators";

interface Waiting {
  key: string;
  body: Buffer;
  res: http.ServerResponse;
  fresh?: boolean;
}

const answer = (res: http.ServerResponse, status: number, body: string) => res.writeHead(status, { "content-type": "application/json" }).end(body);

export function sqliteReference(file: string, secret: string): http.Server {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL"); // a commit does not sync: the log is fdatasynced below, before answering
  db.exec("CREATE TABLE IF NOT EXISTS deliveries (delivery_key TEXT PRIMARY KEY, body BLOB NOT NULL)");
  const insert = db.prepare("INSERT INTO deliveries (delivery_key, body) VALUES (?, ?) ON CONFLICT DO NOTHING");
  const log = openSync(`${file}-wal`, "r"); // fdatasync acts on the file, whichever descriptor names it
  const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
  let group: Waiting[] = [];

  // One transaction for what arrived in one turn of the event loop, then one sync (on the thread pool) for it.
  const commit = () => {
    const batch = group;
    group = [];
    try {
      db.transaction(() => {
        for (const d of batch) d.fresh = insert.run(d.key, d.body).changes === 1;
      })();
    } catch {
      for (const d of batch) answer(d.res, 503, '{"error":"unavailable"}');
      return;
    }
    fdatasync(log, (error) => {
      for (const d of batch) answer(d.res, error ? 503 : 200, error ? '{"error":"unavailable"}' : d.fresh ? '{"status":"accepted"}' : '{"status":"duplicate"}');
    });
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
      // Ivy's delivery key is its `id` (the contract's deliveryKey pointer).
      if (group.push({ key: String((value as { id: unknown }).id), body, res }) === 1) setImmediate(commit);
    });
  });
}
