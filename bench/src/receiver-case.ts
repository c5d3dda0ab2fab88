/**
 * The receiver's throughput, in a process of its own (started by measure.ts's receiverThroughput()):
 *   node --import tsx bench/src/receiver-case.ts <options as JSON>
 * autocannon here; each server in a child process of its own, side by side in one run:
 * - bare node:http (reads the body, answers), the ceiling;
 * - the minimal references (bench/src/minimal/): exactly the required work, durable, on SQLite and on
 *   PostgreSQL;
 * - `webhook-contracts serve` (serve-server.ts: the CLI's main, its log at info written to a file) on
 *   SQLite and on PostgreSQL; by default with --no-worker, and a `webhook-contracts worker` process
 *   handles what it stored once the rounds are over (forwarding to a sink), so that its rounds measure
 *   what the references do; with `serveWorker` its own worker forwards while it receives;
 * - the non-durable peers a team might pick instead: @octokit/webhooks' Node middleware and the
 *   standardwebhooks library's verify in a bare server;
 * - the receiver library alone (createNodeMiddleware, the worker on, a no-op handler), when asked for
 *   ("sqlite", "postgres").
 * For each connection count: a warm-up of each, then rounds in which the servers take turns (the order
 * reversed every other round), so that a slow spell of the shared machine falls on all of them; the
 * durable servers get distinct signed deliveries, never one twice. After the rounds every durable
 * server's store is counted against the 2xx answers it gave. Prints a ReceiverBench as JSON.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";
import {
  BENCH_IVY_SECRET,
  BENCH_STANDARD_WEBHOOKS_SECRET,
  IVY_PATH,
  type IvyRequest,
  IvyDeliveries,
  type ReceiverBench,
  type Round,
  type StoreCheck,
  standardWebhooksRequests,
} from "./receiver-load.ts";

export interface ReceiverCaseOptions {
  /** Seconds per round. */
  seconds?: number;
  rounds?: number;
  warmupSeconds?: number;
  connections?: number[];
  /** A PostgreSQL connection string; none: PostgreSQL is not measured. */
  postgres?: string;
  /** A directory: the CPU profiles of `serve` on SQLite (or of the library on SQLite, when it runs and serve does not) and of the minimal reference, in their first measured round at the most connections. */
  profile?: string;
  /** Only these targets (besides bare, always measured); default DEFAULT_TARGETS. */
  targets?: string[];
  /** `serve` with its own worker forwarding while it receives (default: --no-worker, and a worker process after the rounds). */
  serveWorker?: boolean;
}

/** What `pnpm bench` measures by default; the receiver library alone ("sqlite", "postgres") only when asked. */
export const DEFAULT_TARGETS = ["minimal-sqlite", "serve-sqlite", "minimal-postgres", "serve-postgres", "octokit", "standardwebhooks"];
export const ALL_TARGETS = [...DEFAULT_TARGETS, "sqlite", "postgres"];

const log = (s: string) => process.stderr.write(`${s}\n`);
const serverFile = fileURLToPath(new URL("./receiver-server.ts", import.meta.url));
const serveFile = fileURLToPath(new URL("./serve-server.ts", import.meta.url));
const cliBin = fileURLToPath(new URL("../../packages/cli/bin/webhook-contracts.js", import.meta.url));

interface Stopped {
  outcomes: Record<string, number>;
  byStatus: Record<string, number>;
  handled: number;
}

type Family = "bare" | "library" | "minimal" | "serve" | "peer" | "sink";

interface Server {
  name: string;
  family: Family;
  child: ChildProcess;
  port: number;
  /** Sends a command and waits for its answer. */
  ask<T = Record<string, unknown>>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Stops the server (a receiver: its worker, and closes its store; serve: SIGTERM, it drains), and reads its outcomes. */
  stop(): Promise<void>;
  /** The next request to send it: distinct deliveries for the durable servers, round and round for the others. */
  next(): IvyRequest;
  answered2xx: number;
  cutOff: number;
  /** The server's own count of request outcomes and handling attempts (its onEvent, or serve's log lines). */
  outcomes: Record<string, number>;
  /** Times its receiver was replaced (in its process) because the worker had stopped claiming. */
  recoveries: number;
}

function spawnServer(name: string, file: string, args: string[], env: NodeJS.ProcessEnv, stdout: "inherit" | number = "inherit") {
  const child = fork(file, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", stdout, "inherit", "ipc"], env: { ...process.env, ...env } });
  const waiting = new Map<string, { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.on("message", (m: Record<string, unknown>) => {
    const w = waiting.get(String(m.cmd));
    waiting.delete(String(m.cmd));
    w?.resolve(m);
  });
  void exited.then((code) => {
    for (const w of waiting.values()) w.reject(new Error(`the ${name} server exited (${code})`));
    waiting.clear();
  });
  const ask = <T>(message: Record<string, unknown>, timeoutMs = 120_000) =>
    new Promise<T>((resolve, reject) => {
      const cmd = String(message.cmd);
      if (child.exitCode !== null) return reject(new Error(`the ${name} server exited (${child.exitCode})`));
      const timer = setTimeout(() => reject(new Error(`the ${name} server did not answer ${cmd} within ${timeoutMs} ms`)), timeoutMs);
      waiting.set(cmd, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (cmd !== "listening") child.send(message);
    });
  return { child, ask, exited };
}

async function startServer(
  name: string,
  family: Family,
  args: string[],
  next: () => IvyRequest,
  { env = {}, file = serverFile, stdout = "inherit" }: { env?: NodeJS.ProcessEnv; file?: string; stdout?: "inherit" | number } = {},
): Promise<Server> {
  const current = spawnServer(name, file, args, env, stdout);
  const server: Server = {
    name,
    family,
    child: current.child,
    port: (await current.ask<{ port: number }>({ cmd: "listening" }, 60_000)).port,
    ask: (message, timeoutMs) => current.ask(message, timeoutMs),
    next,
    answered2xx: 0,
    cutOff: 0,
    outcomes: {},
    recoveries: 0,
    async stop() {
      if (family === "library" || family === "serve") {
        const stopped = await current.ask<Stopped>({ cmd: "stop" });
        await current.exited;
        if (family === "library") server.outcomes = stopped.outcomes;
        return;
      }
      current.child.kill();
      await current.exited;
    },
  };
  return server;
}

/** Latencies of the 2xx answers, in ms, sorted: the value at quantile q. */
const quantile = (sorted: Float64Array, q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN);

async function load(server: Server, connections: number, seconds: number): Promise<Round> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `http://127.0.0.1:${server.port}`,
        connections,
        duration: seconds,
        requests: [
          {
            method: "POST",
            path: IVY_PATH,
            setupRequest: (request) => {
              const next = server.next();
              request.body = next.body;
              request.headers = next.headers;
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance.on("response", (_client, status, _bytes, ms) => {
    if (status < 200 || status >= 300) return;
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = ms;
  });
  const result = await done;
  const sorted = latencies.subarray(0, n).sort();
  const elapsed = (result.finish.getTime() - result.start.getTime()) / 1000;
  server.answered2xx += result["2xx"];
  // Each connection has one request in flight when the round stops: sent, its answer never read.
  server.cutOff += connections;
  return {
    target: server.name,
    connections,
    seconds: elapsed,
    rps: result["2xx"] / elapsed,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

const fmt = (r: Round) =>
  `${r.target.padEnd(16)} ${String(r.connections).padStart(3)} conns: ${Math.round(r.rps).toLocaleString("en-US").padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  CPU ${Math.round(r.cpuUs ?? 0)} µs/req${r.non2xx || r.errors ? `  non-2xx ${r.non2xx} errors ${r.errors}` : ""}${r.backlog !== undefined ? `  backlog ${r.backlog} drained in ${Math.round(r.drainMs!)} ms` : ""}${r.stalled ? `  WORKER STALLED with ${r.stalled} queued` : ""}`;

/** A durable target's store: where its rows are, and how to count them by status. */
interface StoreSpec {
  sqlite?: string;
  table?: string;
  /** The minimal references keep no status: their rows are all "stored". */
  statusless?: boolean;
}

async function countRows(spec: StoreSpec, client: pg.Client | undefined, where = ""): Promise<Record<string, number>> {
  const byStatus: Record<string, number> = {};
  const sql = (from: string) =>
    spec.statusless ? `SELECT 'stored' AS status, count(*) AS n FROM ${from} ${where}` : `SELECT status, count(*) AS n FROM ${from} ${where} GROUP BY status`;
  if (spec.sqlite) {
    const db = new Database(spec.sqlite, { readonly: true, fileMustExist: true });
    try {
      for (const row of db.prepare(sql("deliveries")).all() as { status: string; n: number }[]) byStatus[row.status] = row.n;
    } finally {
      db.close();
    }
  } else {
    const { rows } = await client!.query<{ status: string; n: string }>(sql(pg.escapeIdentifier(spec.table!)));
    for (const r of rows) byStatus[r.status] = Number(r.n);
  }
  return byStatus;
}

/** Deliveries queued or in hand in a store of `serve`. */
const pendingIn = async (spec: StoreSpec, client: pg.Client | undefined) =>
  Object.values(await countRows(spec, client, "WHERE status IN ('queued', 'processing')")).reduce((a, b) => a + b, 0);

/** Waits until a store has nothing queued or in hand; gives up when nothing moved for `stallMs`. */
async function drainStore(spec: StoreSpec, client: pg.Client | undefined, stallMs: number): Promise<{ backlog: number; drainMs: number; left: number }> {
  const started = performance.now();
  const backlog = await pendingIn(spec, client);
  let left = backlog;
  let moved = performance.now();
  while (left > 0 && performance.now() - moved < stallMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await pendingIn(spec, client);
    if (now !== left) moved = performance.now();
    left = now;
  }
  return { backlog, drainMs: performance.now() - started, left };
}

/** serve's request outcomes, from its log lines (one per request, at info). */
function outcomesInLog(file: string): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes('"msg":"request"')) continue;
    const outcome = /"outcome":"([a-z_]+)"/.exec(line)?.[1] ?? "unknown";
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return outcomes;
}

export async function runReceiverBench(options: ReceiverCaseOptions = {}): Promise<ReceiverBench> {
  const { seconds = 5, rounds = 3, warmupSeconds = 2, connections = [10, 50], postgres, profile, serveWorker = false } = options;
  const wanted = options.targets ?? DEFAULT_TARGETS;
  for (const t of wanted) if (!ALL_TARGETS.includes(t)) throw new Error(`unknown receiver bench target ${t}: one of ${ALL_TARGETS.join(", ")}`);
  const pool = new IvyDeliveries();
  let cursor = 0;
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-bench-receiver-"));
  const stamp = `${process.pid}_${Date.now()}`;
  const stores: Record<string, StoreSpec> = {
    sqlite: { sqlite: path.join(dir, "library.db") },
    postgres: { table: `bench_receiver_${stamp}` },
    "minimal-sqlite": { sqlite: path.join(dir, "minimal.db"), statusless: true },
    "minimal-postgres": { table: `bench_minimal_${stamp}`, statusless: true },
    "serve-sqlite": { sqlite: path.join(dir, "serve.db") },
    "serve-postgres": { table: `bench_serve_${stamp}` },
  };
  const logs: Record<string, string> = {};
  const configs: Record<string, string> = {};
  const servers: Server[] = [];
  const bench: ReceiverBench = { seconds, rounds, connections, targets: [], results: [], checks: {}, serveWorker };

  let pgClient: pg.Client | undefined;
  if (wanted.some((t) => t.endsWith("postgres"))) {
    if (!postgres) bench.postgresSkipped = "no server given (set WEBHOOK_CONTRACTS_TEST_POSTGRES)";
    else {
      try {
        pgClient = new pg.Client(postgres);
        await pgClient.connect();
        bench.postgresSettings = {};
        for (const setting of ["server_version", "fsync", "synchronous_commit", "wal_sync_method"]) {
          const { rows } = await pgClient.query<Record<string, string>>(`SHOW ${setting}`);
          bench.postgresSettings[setting] = Object.values(rows[0]!)[0]!;
        }
      } catch (error) {
        bench.postgresSkipped = `not reachable: ${error instanceof Error ? error.message : String(error)}`;
        await pgClient?.end().catch(() => undefined);
        pgClient = undefined;
      }
    }
  }
  if (bench.postgresSkipped) log(`receiver: PostgreSQL not measured: ${bench.postgresSkipped}`);
  const targets = wanted.filter((t) => pgClient || !t.endsWith("postgres"));
  const env = { BENCH_IVY_SECRET, BENCH_FORWARD_SECRET: BENCH_STANDARD_WEBHOOKS_SECRET, ...(postgres ? { BENCH_POSTGRES_URL: postgres } : {}) };
  let sink: Server | undefined;
  let swRequests: IvyRequest[] = [];

  try {
    log(`receiver: signing deliveries…`);
    pool.ensure(60_000);
    servers.push(await startServer("bare", "bare", ["bare"], () => pool.at(cursor++)));
    if (targets.some((t) => t.startsWith("serve-"))) sink = await startServer("sink", "sink", ["sink"], () => pool.at(0));
    for (const t of targets) {
      const take = () => pool.take();
      const spec = stores[t];
      if (t === "sqlite") servers.push(await startServer(t, "library", ["sqlite", spec!.sqlite!], take));
      else if (t === "postgres") servers.push(await startServer(t, "library", ["postgres", postgres!, spec!.table!], take));
      else if (t === "minimal-sqlite") servers.push(await startServer(t, "minimal", ["minimal-sqlite", spec!.sqlite!], take));
      else if (t === "minimal-postgres") servers.push(await startServer(t, "minimal", ["minimal-postgres", postgres!, spec!.table!], take));
      else if (t === "octokit") servers.push(await startServer(t, "peer", ["octokit"], () => pool.github(cursor++)));
      else if (t === "standardwebhooks") servers.push(await startServer(t, "peer", ["standardwebhooks"], () => swRequests[cursor++ % swRequests.length]!));
      else {
        // serve as an operator configures it: secrets from the environment, log at info, a forward target.
        configs[t] = path.join(dir, `${t}.json`);
        logs[t] = path.join(dir, `${t}.log`);
        writeFileSync(
          configs[t],
          JSON.stringify({
            store: spec!.sqlite ? { sqlite: spec!.sqlite } : { postgres: { env: "BENCH_POSTGRES_URL" }, table: spec!.table },
            providers: { ivy: { secrets: [{ env: "BENCH_IVY_SECRET" }] } },
            forward: { url: `http://127.0.0.1:${sink!.port}/hooks`, secret: { env: "BENCH_FORWARD_SECRET" } },
            log: { level: "info" },
          }),
        );
        const fd = openSync(logs[t], "a");
        try {
          servers.push(await startServer(t, "serve", [configs[t], ...(serveWorker ? [] : ["--no-worker"])], take, { env, file: serveFile, stdout: fd }));
        } finally {
          closeSync(fd);
        }
      }
    }
    bench.targets = servers.map((s) => s.name);
    let fastest = 0;
    const durable = (s: Server) => s.family === "library" || s.family === "minimal" || s.family === "serve";
    // serve's profile beside its reference's, taken in the same round, so that the two compare kind by kind.
    const profiled = [targets.includes("serve-sqlite") ? "serve-sqlite" : "sqlite", "minimal-sqlite"];

    const turn = async (server: Server, conns: number, secs: number, measured: boolean, profileFile?: string): Promise<Round> => {
      if (durable(server)) pool.ensure(Math.max(60_000, Math.ceil(fastest * secs * 1.5)));
      if (server.name === "standardwebhooks") swRequests = await standardWebhooksRequests(pool, 4096);
      if (profileFile) await server.ask({ cmd: "profile-start" });
      type Cpu = { user: number; system: number };
      const cpuBefore = await server.ask<Cpu>({ cmd: "cpu" });
      const round = await load(server, conns, secs);
      const cpuAfter = await server.ask<Cpu>({ cmd: "cpu" });
      round.cpuUs = (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / Math.max(1, round.ok);
      if (profileFile) {
        await server.ask({ cmd: "profile-stop", file: profileFile });
        (bench.profiles ??= []).push(profileFile);
      }
      if (durable(server)) fastest = Math.max(fastest, round.rps);
      if (server.family === "library") {
        const drained = await server.ask<{ backlog: number; drainMs: number; left: number }>({ cmd: "drain" }, 600_000);
        round.backlog = drained.backlog;
        round.drainMs = drained.drainMs;
        if (drained.left > 0) {
          // The worker stopped claiming: nothing moved for seconds while deliveries wait. A new receiver on
          // the same store (in the same process) handles them and serves from then on; the stall is reported.
          round.stalled = drained.left;
          const { recoverMs } = await server.ask<{ recoverMs: number }>({ cmd: "recover" }, 600_000);
          server.recoveries++;
          log(
            `  ${server.name}: the worker stopped claiming with ${drained.left} deliveries queued; a new receiver handled them in ${Math.round(recoverMs)} ms`,
          );
          const again = await server.ask<{ left: number }>({ cmd: "drain" }, 600_000);
          if (again.left > 0) throw new Error(`${server.name}: ${again.left} deliveries still queued after a new receiver ran them`);
        }
      } else if (server.family === "serve" && serveWorker) {
        // Its own worker forwards what it stored: the round ends when that is done, so the next server's round does not pay for it.
        const drained = await drainStore(stores[server.name]!, pgClient, 10_000);
        round.backlog = drained.backlog;
        round.drainMs = drained.drainMs;
        if (drained.left > 0) round.stalled = drained.left;
      }
      log(`  ${measured ? "" : "(warm-up) "}${fmt(round)}`);
      return round;
    };

    for (const conns of connections) {
      log(`receiver: ${conns} connections, warm-up ${warmupSeconds} s each, then ${rounds} rounds of ${seconds} s each`);
      for (const server of servers) await turn(server, conns, warmupSeconds, false);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          const profiling = profile && profiled.includes(server.name) && round === 0 && conns === Math.max(...connections);
          if (profiling) mkdirSync(profile, { recursive: true });
          bench.results.push(
            await turn(
              server,
              conns,
              seconds,
              true,
              profiling ? path.join(profile, `receiver-${server.name}-${conns}conns-${Date.now()}.cpuprofile`) : undefined,
            ),
          );
        }
      }
    }

    // Every acknowledged delivery is in the store (and handled, where there is handling): its rows, against the 2xx answers.
    for (const server of servers.filter(durable)) {
      await server.stop();
      const spec = stores[server.name]!;
      let workerMs: number | undefined;
      if (server.family === "serve") {
        if (!serveWorker) {
          // What serve --no-worker stored, forwarded by a worker process as the README runs one (no port).
          const started = performance.now();
          const fd = openSync(logs[server.name]!, "a");
          const worker = spawn(process.execPath, [cliBin, "worker", "--config", configs[server.name]!], {
            stdio: ["ignore", fd, "inherit"],
            env: { ...process.env, ...env },
          });
          closeSync(fd);
          const exited = new Promise((resolve) => worker.once("exit", resolve));
          try {
            const drained = await drainStore(spec, pgClient, 30_000);
            if (drained.left > 0) log(`receiver: ${server.name}: the worker process left ${drained.left} deliveries queued`);
          } finally {
            worker.kill("SIGTERM");
            await exited;
          }
          workerMs = performance.now() - started;
        }
        server.outcomes = outcomesInLog(logs[server.name]!);
      }
      const byStatus = await countRows(spec, pgClient);
      const rows = Object.values(byStatus).reduce((a, b) => a + b, 0);
      const accepted = server.outcomes.accepted ?? 0;
      const check: StoreCheck = {
        rows,
        byStatus,
        answered2xx: server.answered2xx,
        outcomes: server.outcomes,
        cutOff: server.cutOff,
        recoveries: server.recoveries,
        ...(workerMs === undefined ? {} : { workerMs }),
        // Each 2xx is a stored row; the rows beyond the 2xx are answers cut off at the end of a round; none
        // is a duplicate; every row handled (the references have no handling).
        pass:
          rows >= server.answered2xx &&
          rows - server.answered2xx <= server.cutOff &&
          (server.family === "minimal" || (accepted === rows && !server.outcomes.duplicate && byStatus.handled === rows)),
      };
      bench.checks[server.name] = check;
      log(
        `receiver: ${server.name}: ${rows} rows stored (${JSON.stringify(byStatus)}), ${server.answered2xx} answered 2xx, server outcomes ${JSON.stringify(server.outcomes)}${workerMs === undefined ? "" : `, handled by a worker process in ${Math.round(workerMs)} ms`}: ${check.pass ? "ok" : "MISMATCH"}`,
      );
    }
  } finally {
    // A child killed by a signal has no exit code, but a signal code.
    const running = [...servers, ...(sink ? [sink] : [])].filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    await Promise.all(running.map((s) => new Promise((resolve) => s.child.once("exit", resolve).kill())));
    if (pgClient) {
      for (const t of ["postgres", "minimal-postgres", "serve-postgres"]) {
        const table = stores[t]!.table!;
        await pgClient.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}, ${pg.escapeIdentifier(`${table}_migrations`)}`).catch(() => undefined);
      }
      await pgClient.end().catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return bench;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const options = JSON.parse(process.argv[2] ?? "{}") as ReceiverCaseOptions;
  process.stdout.write(JSON.stringify(await runReceiverBench(options)));
}
