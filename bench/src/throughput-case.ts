/**
 * One case of the throughput benchmark, in a process of its own (started by measure.ts's throughput()):
 *   node --import tsx bench/src/throughput-case.ts <case label> <options as JSON>
 * Prints each task's ops/s, round by round, and the peers' answers on the broken payloads, as JSON.
 */
import { benchCases } from "./cases.ts";
import { measureCase } from "./measure.ts";

const [label = "", options = "{}"] = process.argv.slice(2);
const c = (await benchCases()).find((x) => x.label === label);
if (!c) throw new Error(`no bench case ${label}`);
process.stdout.write(JSON.stringify(await measureCase(c, JSON.parse(options))));
