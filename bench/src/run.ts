/**
 * pnpm bench: every figure of the validators' targets beside its target, written to bench/results/
 * (results.md and results.svg); exits 1 when a target is missed. Not part of the tests: timings are noisy.
 *   pnpm bench [--quick]   (--quick: shorter runs, for trying things out)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchCases } from "./cases.ts";
import { buildTimes, bundleSizes, coldStart, syntheticCodegen, throughput } from "./measure.ts";
import { checks, markdown, svgChart } from "./report.ts";

const quick = process.argv.includes("--quick");
const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);

const cases = await benchCases();

log("throughput…");
const throughputs = throughput(cases, quick ? { time: 150, rounds: 1 } : {});
log("cold start…");
const cold = coldStart(cases, quick ? 6 : 61);
log("bundle sizes…");
const sizes = await bundleSizes();
log("code generation (a cold build, a cached one, synthetic projects)…");
const codegen = { ...buildTimes(), synthetic: syntheticCodegen(quick ? [30, 60, 90] : [100, 300, 500]) };

const all = checks(throughputs, cold, sizes, codegen);
const meta = `Run on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB${quick ? " (quick run)" : ""}.`;
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, "results.md"), markdown(throughputs, all, cold, sizes, codegen, meta));
writeFileSync(path.join(resultsDir, "results.svg"), svgChart(throughputs));

const width = Math.max(...all.map((c) => c.measure.length));
for (const c of all) console.log(`${c.pass ? "met   " : "MISSED"}  ${c.measure.padEnd(width)}  ${c.value.padStart(9)}  (target ${c.target})`);
const missed = all.filter((c) => !c.pass).length;
console.log(`\n${all.length - missed} of ${all.length} targets met; results in bench/results/results.md`);
process.exitCode = missed ? 1 : 0;
