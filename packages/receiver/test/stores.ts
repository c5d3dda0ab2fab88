/**
 * The stores every receiver test runs against: SQLite in a temp file, and PostgreSQL at
 * WEBHOOK_CONTRACTS_TEST_POSTGRES (a real server; .ci/run starts one). Without that variable the
 * PostgreSQL runs are skipped locally; with CI=true its absence fails the run instead.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll } from "vitest";
import { type InboxStore, postgresStore, sqliteStore } from "../src/index.js";

export const postgresUrl = process.env.WEBHOOK_CONTRACTS_TEST_POSTGRES;
if (!postgresUrl && process.env.CI) throw new Error("CI=true but WEBHOOK_CONTRACTS_TEST_POSTGRES is not set: the PostgreSQL store must be tested in CI");

/** The PostgreSQL tables this test file made, dropped when it ends. */
const tables: string[] = [];
afterAll(async () => {
  if (!postgresUrl || tables.length === 0) return;
  const client = new pg.Client(postgresUrl);
  await client.connect();
  try {
    for (const table of tables.splice(0)) await client.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}`);
  } finally {
    await client.end();
  }
});

export interface StoreKind {
  name: string;
  available: boolean;
  /** A fresh, empty store. */
  create(): Promise<InboxStore>;
}

export const storeKinds: StoreKind[] = [
  {
    name: "sqlite",
    available: true,
    async create() {
      const store = sqliteStore(path.join(mkdtempSync(path.join(tmpdir(), "webhook-inbox-")), "inbox.db"));
      await store.init();
      return store;
    },
  },
  {
    name: "postgres",
    available: Boolean(postgresUrl),
    async create() {
      // A table of its own per test, in the same database: the tests stay independent.
      const table = `deliveries_${process.pid}_${Date.now()}_${tables.length}`;
      tables.push(table);
      const store = postgresStore(postgresUrl!, table);
      await store.init();
      return store;
    },
  },
];
