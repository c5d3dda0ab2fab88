/**
 * The replay gate's speed, in a process of its own: a SQLite inbox filled with `count` distinct signed-in
 * Ivy deliveries (as the receiver stores them), then every one of them read back and judged by today's
 * validators with checkInbox, timed. Prints {count, fillSeconds, seconds, perSecond}.
 *   tsx src/inbox-check-case.ts <count>
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getFixture } from "@webhook-contracts/fixtures";
import { checkInbox } from "@webhook-contracts/receiver";
import { sqliteStore } from "@webhook-contracts/receiver/sqlite";

const count = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-inbox-check-"));
const store = sqliteStore(path.join(dir, "inbox.db"));
try {
  await store.init();
  const fixture = getFixture("ivy", "order_updated", "paid");
  const started = performance.now();
  for (let i = 0; i < count; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, (_, j) =>
        store.accept({
          provider: "ivy",
          deliveryKey: `["evt_${i + j}"]`,
          message: "order_updated",
          status: "queued",
          reason: null,
          warnings: [],
          headers: { "content-type": "application/json" },
          body: new TextEncoder().encode(JSON.stringify({ ...fixture, id: `evt_${i + j}` })),
        }),
      ),
    );
  }
  const filled = performance.now();
  let judged = 0;
  for await (const result of checkInbox(store)) if (result.verdict === "unchanged") judged++;
  const seconds = (performance.now() - filled) / 1000;
  if (judged !== count) throw new Error(`judged ${judged} of ${count} unchanged`);
  process.stdout.write(JSON.stringify({ count, fillSeconds: (filled - started) / 1000, seconds, perSecond: count / seconds }));
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
