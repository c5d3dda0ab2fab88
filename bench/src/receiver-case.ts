/**
 * The receiver's throughput, in a process of its own (started by measure.ts's receiverThroughput()):
 *   node --import tsx bench/src/receiver-case.ts <options as JSON>
 * autocannon here; each server in a child process of its own (receiver-server.ts): bare node:http, the
 * receiver on SQLite, and on PostgreSQL when a server is given. For each connection count: a warm-up of
 * each, then rounds in which the servers take turns (the order reversed every other round), so that a
 * slow spell of the shared machine falls on all of them; every round of a receiver ends with its worker
 * drained, so that no backlog is handled during the next server's round. Prints a ReceiverBench as JSON.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";
import { IVY_PATH, type IvyRequest, IvyDeliveries, type ReceiverBench, type Round, type StoreCheck } from "./receiver-load.ts";

export interface ReceiverCaseOptions {
  /** Seconds per round. */
  seconds?: number;
  rounds?: number;
  warmupSeconds?: number;
  connections?: number[];
  /** A PostgreSQL connection string; none: PostgreSQL is not measured. */
  postgres?: string;
  /** A directory: the SQLite receiver's CPU profile of its first measured round at the most connections. */
  profile?: string;
  /** Only these targets (besides bare, always measured): e.g. ["sqlite"]. */
  only?: string[];
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const serverFile = fileURLToPath(new URL("./receiver-server.ts", import.meta.url));

interface Stopped {
  outcomes: Record<string, number>;
  byStatus: Record<string, number>;
  handled: number;
}

interface Server {
  name: string;
  child: ChildProcess;
  port: number;
  /** Sends a command and waits for its answer. */
  ask<T = Record<string, unknown>>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Stops the server (a receiver: its worker, and closes its store), and reads its outcomes. */
  stop(): Promise<void>;
  /** Deliveries handed out to this server: distinct for receivers, round and round for bare. */
  next(): IvyRequest;
  answered2xx: number;
  cutOff: number;
  /** The server's own count of request outcomes and handling attempts (its onEvent). */
  outcomes: Record<string, number>;
  /** Times its receiver was replaced (in its process) because the worker had stopped claiming. */
  recoveries: number;
}

function spawnServer(name: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = fork(serverFile, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, ...env } });
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

async function startServer(name: string, args: string[], next: () => IvyRequest, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const current = spawnServer(name, args, env);
  const server: Server = {
    name,
    child: current.child,
    port: (await current.ask<{ port: number }>({ cmd: "listening" }, 60_000)).port,
    ask: (message, timeoutMs) => current.ask(message, timeoutMs),
    next,
    answered2xx: 0,
    cutOff: 0,
    outcomes: {},
    recoveries: 0,
    async stop() {
      if (name === "bare") {
        current.child.kill();
        await current.exited;
        return;
      }
      const stopped = await current.ask<Stopped>({ cmd: "stop" });
      await current.exited;
      server.outcomes = stopped.outcomes;
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
  `${r.target.padEnd(8)} ${String(r.connections).padStart(3)} conns: ${Math.round(r.rps).toLocaleString("en-US").padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${r.non2xx || r.errors ? `  non-2xx ${r.non2xx} errors ${r.errors}` : ""}${r.backlog !== undefined ? `  backlog ${r.backlog} drained in ${Math.round(r.drainMs!)} ms` : ""}${r.stalled ? `  WORKER STALLED with ${r.stalled} queued` : ""}`;

export async function runReceiverBench(options: ReceiverCaseOptions = {}): Promise<ReceiverBench> {
  const { seconds = 5, rounds = 3, warmupSeconds = 2, connections = [10, 50], postgres, profile, only } = options;
  const pool = new IvyDeliveries();
  let bareCursor = 0;
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-bench-receiver-"));
  const sqliteFile = path.join(dir, "inbox.db");
  const table = `bench_receiver_${process.pid}_${Date.now()}`;
  const servers: Server[] = [];
  const bench: ReceiverBench = { seconds, rounds, connections, targets: [], results: [], checks: {} };
  const want = (name: string) => !only || only.includes(name);

  let pgClient: pg.Client | undefined;
  if (want("postgres")) {
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
  try {
    log(`receiver: signing deliveries…`);
    pool.ensure(60_000);
    servers.push(await startServer("bare", ["bare"], () => pool.at(bareCursor++)));
    if (want("sqlite")) servers.push(await startServer("sqlite", ["sqlite", sqliteFile], () => pool.take()));
    if (pgClient) servers.push(await startServer("postgres", ["postgres", postgres!, table], () => pool.take()));
    bench.targets = servers.map((s) => s.name);
    let fastestReceiver = 0;

    const turn = async (server: Server, conns: number, secs: number, measured: boolean, profileFile?: string): Promise<Round> => {
      if (server.name !== "bare") pool.ensure(Math.max(60_000, Math.ceil(fastestReceiver * secs * 1.5)));
      if (profileFile) await server.ask({ cmd: "profile-start" });
      const round = await load(server, conns, secs);
      if (server.name !== "bare") {
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
        fastestReceiver = Math.max(fastestReceiver, round.rps);
      }
      if (profileFile) {
        await server.ask({ cmd: "profile-stop", file: profileFile });
        bench.profile = profileFile;
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
          const profiling = profile && server.name === "sqlite" && round === 0 && conns === Math.max(...connections);
          if (profiling) mkdirSync(profile, { recursive: true });
          bench.results.push(
            await turn(server, conns, seconds, true, profiling ? path.join(profile, `receiver-sqlite-${conns}conns-${Date.now()}.cpuprofile`) : undefined),
          );
        }
      }
    }

    // Every acknowledged delivery is in the store: its rows, against the 2xx answers and the server's own count.
    for (const server of servers.filter((s) => s.name !== "bare")) {
      await server.stop();
      let byStatus: Record<string, number> = {};
      if (server.name === "sqlite") {
        const db = new Database(sqliteFile, { readonly: true });
        for (const row of db.prepare("SELECT status, count(*) AS n FROM deliveries GROUP BY status").all() as { status: string; n: number }[])
          byStatus[row.status] = row.n;
        db.close();
      } else {
        const { rows } = await pgClient!.query<{ status: string; n: string }>(
          `SELECT status, count(*) AS n FROM ${pg.escapeIdentifier(table)} GROUP BY status`,
        );
        byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      }
      const rows = Object.values(byStatus).reduce((a, b) => a + b, 0);
      const accepted = server.outcomes.accepted ?? 0;
      const check: StoreCheck = {
        rows,
        byStatus,
        answered2xx: server.answered2xx,
        outcomes: server.outcomes,
        cutOff: server.cutOff,
        recoveries: server.recoveries,
        // Each 2xx is a stored row; the rows beyond the 2xx are answers cut off at the end of a round; none is a duplicate.
        pass:
          rows >= server.answered2xx &&
          rows - server.answered2xx <= server.cutOff &&
          accepted === rows &&
          !server.outcomes.duplicate &&
          byStatus.handled === rows,
      };
      bench.checks[server.name] = check;
      log(
        `receiver: ${server.name}: ${rows} rows stored (${JSON.stringify(byStatus)}), ${server.answered2xx} answered 2xx, server outcomes ${JSON.stringify(server.outcomes)}: ${check.pass ? "ok" : "MISMATCH"}`,
      );
    }
  } finally {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill();
    await Promise.all(servers.map((server) => (server.child.exitCode === null ? new Promise((resolve) => server.child.once("exit", resolve)) : undefined)));
    if (pgClient) {
      await pgClient.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}, ${pg.escapeIdentifier(`${table}_migrations`)}`).catch(() => undefined);
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
