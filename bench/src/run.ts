/**
 * pnpm bench: every figure of the validators' and the receiver's targets beside its target, written to
 * bench/results/ (results.md and results.svg); exits 1 when a target is missed. Not part of the tests:
 * timings are noisy.
 *   pnpm bench [--quick]                 (--quick: shorter runs, for trying things out)
 *   pnpm bench --only receiver [--quick] [--profile <dir>] [--out <dir>] [--targets a,b] [--connections 50] [--rounds N] [--seconds S] [--serve-worker]
 *     only the receiver's throughput (BENCH_ONLY=receiver does the same): its targets printed, results.md
 *     written only to --out (a partial run never overwrites bench/results/); --profile writes a CPU profile
 *     of `serve` on SQLite in its first measured round at the most connections (summarise it with
 *     `tsx bench/src/profile-summary.ts <file>`); --targets: only these servers beside bare node:http
 *     (minimal-sqlite, serve-sqlite, minimal-postgres, serve-postgres, octokit, standardwebhooks, and the
 *     receiver library alone: sqlite, postgres); --serve-worker: serve forwards with its own worker while
 *     it receives, instead of a worker process after the rounds.
 *   pnpm bench --only entry-points [--quick]
 *     only the validators' entry points: cold start and size, with their targets.
 *   pnpm bench --only validation [--quick] [--case <label text>] [--out <dir>]
 *     only the validators' speed, ours beside every peer and the floor, with the speed targets; results.md
 *     written only to --out.
 * PostgreSQL is measured beside SQLite when WEBHOOK_CONTRACTS_TEST_POSTGRES names a server.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchCases, entryPointCases } from "./cases.ts";
import { buildTimes, bundleSizes, coldStart, inboxCheckSpeed, receiverThroughput, syntheticCodegen, throughput } from "./measure.ts";
import type { ReceiverCaseOptions } from "./receiver-case.ts";
import {
  type Check,
  checks,
  entryPointChecks,
  gateCheck,
  markdown,
  receiverChecks,
  receiverMarkdown,
  speedChecks,
  svgChart,
  throughputMarkdown,
} from "./report.ts";

const args = process.argv.slice(2).filter((a) => a !== "--");
/** The value of `--name value` or `--name=value`. */
const option = (name: string) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes("=") ? args[i]!.slice(name.length + 3) : args[i + 1];
};
const quick = args.includes("--quick");
const only = option("only") ?? process.env.BENCH_ONLY;
if (only !== undefined && only !== "receiver" && only !== "validation" && only !== "entry-points")
  throw new Error(`--only ${only}: only "receiver", "validation" or "entry-points" can run alone`);
const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);
const meta = () =>
  `Run on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB${quick ? " (quick run)" : ""}.`;

const receiverOptions: ReceiverCaseOptions = {
  ...(quick ? { seconds: 2, rounds: 1, warmupSeconds: 1 } : {}),
  ...(process.env.WEBHOOK_CONTRACTS_TEST_POSTGRES ? { postgres: process.env.WEBHOOK_CONTRACTS_TEST_POSTGRES } : {}),
  ...(option("profile") ? { profile: path.resolve(option("profile")!) } : {}),
  ...(option("targets") ? { targets: option("targets")!.split(",") } : {}),
  ...(option("connections") ? { connections: option("connections")!.split(",").map(Number) } : {}),
  ...(args.includes("--serve-worker") ? { serveWorker: true } : {}),
  ...(option("rounds") ? { rounds: Number(option("rounds")) } : {}),
  ...(option("seconds") ? { seconds: Number(option("seconds")) } : {}),
};

function print(all: Check[], where: string): void {
  const width = Math.max(...all.map((c) => c.measure.length));
  for (const c of all)
    console.log(
      `${c.info ? "      " : c.pass ? "met   " : "MISSED"}  ${c.measure.padEnd(width)}  ${c.value.padStart(9)}  ${c.info ? "(beside, no target)" : `(target ${c.target})`}`,
    );
  const targets = all.filter((c) => !c.info);
  const missed = targets.filter((c) => !c.pass).length;
  console.log(`\n${targets.length - missed} of ${targets.length} targets met; ${where}`);
  process.exitCode = missed ? 1 : 0;
}

if (only === "receiver") {
  log("receiver throughput…");
  const receiver = receiverThroughput(receiverOptions);
  const all = receiverChecks(receiver);
  const out = option("out") && path.resolve(option("out")!);
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(
      path.join(out, "results.md"),
      `${["# Benchmark results (receiver only)", "", meta(), "", "## Targets", "", "| | measure | value | target | |", "|---|---|---:|---:|---|", ...all.map((c) => `| ${c.area} | ${c.measure} | ${c.value} | ${c.target} | ${c.info ? "" : c.pass ? "✅ met" : "❌ missed"} |`), "", ...receiverMarkdown(receiver)].join("\n")}\n`,
    );
    writeFileSync(path.join(out, "receiver.json"), JSON.stringify(receiver, null, 2));
  }
  for (const file of receiver.profiles ?? []) log(`CPU profile: ${file}`);
  print(all, out ? `results in ${path.join(out, "results.md")}` : "a partial run: bench/results/ left as it was");
  process.exit();
}

const cases = await benchCases();
const entries = await entryPointCases(cases);

if (only === "entry-points") {
  log("cold start…");
  const cold = coldStart(entries, quick ? 6 : 61);
  log("bundle sizes…");
  const sizes = await bundleSizes(entries);
  print(entryPointChecks(entries, cold, sizes), "a partial run: bench/results/ left as it was");
  process.exit();
}

if (only === "validation") {
  log("throughput (ours, the peers, the floor)…");
  // --case <text>: only the cases whose label contains it (e.g. "Amplia"), to try a change out.
  const only = option("case");
  const chosen = only === undefined ? cases : cases.filter((c) => c.label.includes(only));
  if (chosen.length === 0) throw new Error(`--case ${only}: no case's label contains it`);
  const throughputs = throughput(chosen, quick ? { time: 150, rounds: 3, processes: 1 } : {});
  const all = speedChecks(throughputs);
  const out = option("out") && path.resolve(option("out")!);
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "results.md"), `${throughputMarkdown(throughputs, all, meta()).join("\n")}\n`);
    writeFileSync(path.join(out, "throughput.json"), JSON.stringify(throughputs, null, 2));
  }
  print(all, out ? `results in ${path.join(out, "results.md")}` : "a partial run: bench/results/ left as it was");
  process.exit();
}

log("throughput…");
const throughputs = throughput(cases, quick ? { time: 150, rounds: 1, processes: 1 } : {});
log("cold start…");
const cold = coldStart(entries, quick ? 6 : 61);
log("bundle sizes…");
const sizes = await bundleSizes(entries);
log("code generation (a cold build, a cached one, synthetic projects)…");
const codegen = { ...buildTimes(), synthetic: syntheticCodegen(quick ? [30, 60, 90] : [100, 300, 500]) };
log("receiver throughput (autocannon; bare node:http, the minimal references, serve, the peers)…");
const receiver = receiverThroughput(receiverOptions);

log("replay gate (inbox check on SQLite)…");
const gate = inboxCheckSpeed(quick ? 5_000 : 20_000);

const all = [...checks(throughputs, entries, cold, sizes, codegen), ...receiverChecks(receiver), gateCheck(gate)];
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, "results.md"), markdown(throughputs, all, entries, cold, sizes, codegen, meta(), receiver));
writeFileSync(path.join(resultsDir, "results.svg"), svgChart(throughputs));
print(all, "results in bench/results/results.md");
