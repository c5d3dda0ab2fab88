/** Running the CLI as people do: real processes, real HTTP on loopback, a forward target that records what it gets. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll } from "vitest";

export const root = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
export const bin = path.join(root, "packages/cli/bin/webhook-contracts.js");
export const postgresUrl = process.env.WEBHOOK_CONTRACTS_TEST_POSTGRES;
if (!postgresUrl && process.env.CI) throw new Error("CI=true but WEBHOOK_CONTRACTS_TEST_POSTGRES is not set: the PostgreSQL store must be tested in CI");

export const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** The PostgreSQL tables this test file's gateways made (and their migration tables), dropped when it ends. */
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

function postgresTable(): string {
  const table = `cli_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  tables.push(table);
  return table;
}

export const stores = [
  { name: "sqlite", available: true, store: (dir: string) => ({ sqlite: path.join(dir, "inbox.db") }) },
  { name: "postgres", available: Boolean(postgresUrl), store: () => ({ postgres: postgresUrl!, table: postgresTable() }) },
] as const;

export type StoreSpec = (typeof stores)[number];

/** Writes a configuration file (a fresh folder each time) and returns its path. */
export function writeConfig(kind: StoreSpec, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-serve-"));
  const file = path.join(dir, "receiver.json");
  // Secrets written in the file: these are throwaway local ones.
  writeFileSync(
    file,
    JSON.stringify({ allowPlaintextSecrets: true, store: kind.store(dir), providers: { ivy: { secrets: ["ivy-signing-secret"] } }, ...extra }),
  );
  return file;
}

export interface Served {
  child: ChildProcess;
  url: string;
  /** The log lines so far, parsed. */
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
export function killAll(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
}

/** Starts `webhook-contracts <command>` and resolves once it logs "listening" (or "working"). */
export function start(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  children.push(child);
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = "";
    let errors = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          entry = { text: line };
        }
        logs.push(entry);
        if (entry.msg === "listening" || entry.msg === "working") resolve({ child, url: String(entry.url ?? ""), logs, exited });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    void exited.then((code) => reject(new Error(`${args[0]} exited ${code}: ${errors}${buffered}`)));
  });
}

export const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(bin, args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An internal service behind the gateway: records every request; its answer is up to the test. */
export async function forwardTarget(
  answer: (r: Received) => number | Promise<number> = () => 200,
): Promise<{ url: string; received: Received[]; server: Server; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", async () => {
      const r = { headers: req.headers, body };
      received.push(r);
      res.writeHead(await answer(r)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
  return {
    url,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function until<T>(check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
