/**
 * The stores every receiver test runs against: SQLite in a temp file, and PostgreSQL at
 * WEBHOOK_CONTRACTS_TEST_POSTGRES (a real server; .ci/run starts one). Without that variable the
 * PostgreSQL runs are skipped locally; with CI=true its absence fails the run instead.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll } from "vitest";
import type { InboxStore } from "../src/index.js";
import { postgresStore } from "../src/stores/postgres.js";
import { type SqliteStoreOptions, sqliteStore } from "../src/stores/sqlite.js";

export const postgresUrl = process.env.WEBHOOK_CONTRACTS_TEST_POSTGRES;
if (!postgresUrl && process.env.CI) throw new Error("CI=true but WEBHOOK_CONTRACTS_TEST_POSTGRES is not set: the PostgreSQL store must be tested in CI");

/** The PostgreSQL tables this test file made (and their migration tables), dropped when it ends. */
const tables: string[] = [];
afterAll(async () => {
  if (!postgresUrl || tables.length === 0) return;
  const client = new pg.Client(postgresUrl);
  await client.connect();
  try {
    for (const table of tables.splice(0)) {
      await client.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}, ${pg.escapeIdentifier(`${table}_migrations`)}`);
    }
  } finally {
    await client.end();
  }
});

export interface StoreKind {
  name: "sqlite" | "sqlite-thread" | "postgres";
  available: boolean;
  /** A fresh, empty store, initialised. */
  create(): Promise<InboxStore>;
  /** A second handle on the same inbox (another process would have one). */
  open(store: InboxStore): InboxStore;
  /**
   * Makes the store refuse what PostgreSQL refuses of a delivery: a NUL in a TEXT column (the reason)
   * and `\u0000` in JSONB (the warnings). PostgreSQL does by itself; SQLite keeps both, so it is given
   * a trigger that refuses them, as a constraint an operator adds would.
   */
  refuseNul(store: InboxStore): void;
}

/** Where each store created here keeps its data, so that a second handle can reach it. */
const locations = new WeakMap<InboxStore, string>();

/** SQLite in a temp file; `options` as sqliteStore takes them (on the event loop's thread by default). */
const sqliteKind = (name: StoreKind["name"], options: SqliteStoreOptions): StoreKind => ({
  name,
  available: true,
  async create() {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "webhook-inbox-")), "inbox.db");
    const store = sqliteStore(file, options);
    locations.set(store, file);
    await store.init();
    return store;
  },
  open: (store) => sqliteStore(locations.get(store)!, options),
  refuseNul(store) {
    const db = new Database(locations.get(store)!);
    // A warning's escape \u0000 refused, not an escaped backslash before u0000 (\\u0000): JSONB reads them so.
    db.exec(`CREATE TRIGGER refuse_nul BEFORE INSERT ON deliveries
      WHEN instr(CAST(NEW.reason AS BLOB), x'00') > 0 OR replace(NEW.warnings, '\\\\', '') LIKE '%\\u0000%'
      BEGIN SELECT RAISE(ABORT, 'a NUL, which this inbox refuses'); END`);
    db.close();
  },
});

/** The SQLite store in its other mode, on a thread of its own: store.test.ts runs the store's contract on it too. */
export const sqliteOnItsOwnThread = sqliteKind("sqlite-thread", { thread: true });

export const storeKinds: StoreKind[] = [
  sqliteKind("sqlite", {}),
  {
    name: "postgres",
    available: Boolean(postgresUrl),
    async create() {
      // A table of its own per test, in the same database: the tests stay independent.
      const table = `deliveries_${process.pid}_${Date.now()}_${tables.length}`;
      tables.push(table);
      const store = postgresStore(postgresUrl!, table);
      locations.set(store, table);
      await store.init();
      return store;
    },
    open: (store) => postgresStore(postgresUrl!, locations.get(store)!),
    refuseNul: () => undefined,
  },
];
