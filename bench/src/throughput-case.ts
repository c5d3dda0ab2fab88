/**
 * One case of the throughput benchmark, in a process of its own (started by measure.ts's throughput()):
 *   node --import tsx bench/src/throughput-case.ts <case index> <options as JSON>
 * Prints each task's ops/s, round by round, as JSON.
 */
import { loadContracts } from "@webhook-contracts/contracts";
import { benchCases } from "./cases.ts";
import { measureCase } from "./measure.ts";
import { runtimeAjv } from "./peers.ts";

const [index = "0", options = "{}"] = process.argv.slice(2);
const c = (await benchCases())[Number(index)];
if (!c) throw new Error(`no bench case ${index}`);
const contracts = await loadContracts();
const schemaId = contracts.find((p) => p.name === c.provider)!.messages.find((m) => m.name === c.message)!.schemaId;
const rounds = await measureCase(c, await runtimeAjv(), schemaId, JSON.parse(options));
process.stdout.write(JSON.stringify(rounds));
