/**
 * Where the receiver's main thread spends its time, from a .cpuprofile (pnpm bench --only receiver
 * --profile <dir>):
 *   tsx bench/src/profile-summary.ts <file.cpuprofile> [top N]
 * Prints the share of each kind of work (by the frames on each sample's stack: SQLite by store operation
 * and statement against BEGIN/COMMIT, where the sync happens; HMAC; decoding and JSON.parse; validation;
 * Node's HTTP and sockets; GC), then the functions with the most self time.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const short = (url: string) =>
  url
    .replace(/^file:\/\//, "")
    .replace(/.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "")
    .replace(/.*\/(packages|bench)\//, "$1/");
const isNative = (f: CallFrame) => f.url === "" && !f.functionName.startsWith("(");
/** The receiver's own code: its build (packages/receiver/dist, or another one given to the bench) or its sources. */
const isReceiver = (f: CallFrame) => /receiver[^/]*\/(dist|src)\//.test(f.url);

/** The kind of work of one sample, from its stack (leaf first). */
function categorise(stack: CallFrame[]): string {
  const leaf = stack[0]!;
  if (leaf.functionName === "(idle)") return "idle";
  if (leaf.functionName === "(garbage collector)") return "GC";
  if (leaf.functionName === "(program)") return "V8/native, unattributed ((program))";
  const has = (fn: (f: CallFrame) => boolean) => stack.some(fn);
  const sqliteFrame = stack.find((f) => isReceiver(f) && /\/sqlite\.[jt]s$/.test(f.url));
  const inTransaction = stack.findIndex((f) => f.functionName === "sqliteTransaction");
  if (sqliteFrame || inTransaction >= 0) {
    const named = (name: string) => has((f) => isReceiver(f) && /\/sqlite\.[jt]s$/.test(f.url) && f.functionName === name);
    const op = named("claim") ? "claim" : named("finish") ? "finish" : named("stats") ? "stats (the bench's drain poll)" : "accept";
    // A native call made by better-sqlite3's transaction wrapper itself is BEGIN or COMMIT; COMMIT writes the WAL and syncs it.
    if (isNative(leaf) && stack[1]?.functionName === "sqliteTransaction") return `SQLite ${op}: BEGIN/COMMIT (WAL write + fsync)`;
    if (isNative(leaf)) return `SQLite ${op}: statements (native)`;
    return `SQLite ${op}: JS around the statements`;
  }
  const side = has((f) => f.functionName === "execute")
    ? "worker"
    : has((f) => f.functionName === "receive" || f.functionName === "admit")
      ? "intake"
      : "other";
  if (has((f) => ["hmacSha256", "anyHmacMatches", "Hmac", "checkBody", "hexToBytes", "timingSafeEqual"].includes(f.functionName)))
    return "HMAC signature check (hex decode, HMAC, compare)";
  if (has((f) => f.url.includes("/validators/"))) return `validation (${side})`;
  if (has((f) => ["decodeBody", "parseJson", "depthOver"].includes(f.functionName))) return `decode body: UTF-8, depth scan, JSON.parse (${side})`;
  if (has((f) => ["keyOf", "rawValueAt", "endOfValue"].includes(f.functionName))) return "delivery key from the raw text (keyOf, rawValueAt)";
  if (has((f) => f.functionName === "groupCommit" || f.url.includes("group-commit"))) return "group commit plumbing";
  if (has((f) => isReceiver(f) && /\/node\.[jt]s$/.test(f.url))) {
    return has((f) => f.url.startsWith("node:") || isNative(f))
      ? "Node http: answer written, body read (under the middleware)"
      : "receiver Node adapter (createNodeMiddleware, readBody)";
  }
  if (has(isReceiver))
    return side === "worker"
      ? "receiver worker: execute, pump, record (AbortController, timers, promises)"
      : "receiver core, other (admit, receive, finish, events; promises under them)";
  if (has((f) => /node:_http|node:net|node:internal\/(streams|stream_base)|HTTPParser|writev/.test(f.url + f.functionName)))
    return "Node http/net: parsing, sockets, streams";
  if (has((f) => /task_queues|async_hooks|timers|promises|node:events/.test(f.url))) return "Node event loop: ticks, promises, timers, events";
  return "other";
}

const [file, top = "30"] = process.argv.slice(2);
if (!file) throw new Error("usage: tsx bench/src/profile-summary.ts <file.cpuprofile> [top N]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stackOf = new Map<number, CallFrame[]>();
const stack = (id: number) => {
  let s = stackOf.get(id);
  if (!s) {
    s = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (f.functionName !== "(root)") s.push(f);
    }
    stackOf.set(id, s);
  }
  return s;
};

const categories = new Map<string, number>();
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  total += us;
  const s = stack(id);
  const cat = categorise(s);
  categories.set(cat, (categories.get(cat) ?? 0) + us);
  const f = s[0]!;
  const key = `${f.functionName || "(anonymous)"}  ${f.url ? `${short(f.url)}:${f.lineNumber + 1}` : "(native)"}`;
  self.set(key, (self.get(key) ?? 0) + us);
});

const idle = categories.get("idle") ?? 0;
const busy = total - idle;
const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
console.log(`${path.basename(file)}: ${ms(total).trim()} ms sampled, ${ms(busy).trim()} ms busy (${pct(busy, total).trim()}), ${ms(idle).trim()} ms idle`);
console.log("\nBy kind of work (share of the busy time):");
for (const [cat, us] of [...categories].filter(([c]) => c !== "idle").sort((a, b) => b[1] - a[1])) console.log(`${ms(us)} ms ${pct(us, busy)}  ${cat}`);
const sqlite = [...categories].filter(([c]) => c.startsWith("SQLite")).reduce((a, [, us]) => a + us, 0);
const commits = [...categories].filter(([c]) => c.includes("BEGIN/COMMIT")).reduce((a, [, us]) => a + us, 0);
console.log(`${ms(sqlite)} ms ${pct(sqlite, busy)}  = SQLite in all, of which BEGIN/COMMIT ${pct(commits, busy).trim()}`);
console.log(`\nTop ${top} functions by self time (share of the busy time):`);
for (const [key, us] of [...self]
  .filter(([k]) => !k.startsWith("(idle)"))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(top)))
  console.log(`${ms(us)} ms ${pct(us, busy)}  ${key}`);
