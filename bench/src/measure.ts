/** The measurements: throughput (tinybench), cold start, bundle size and code generation. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Bench } from "tinybench";
import { repoRoot } from "@webhook-contracts/contracts";
import { validateWebhook } from "@webhook-contracts/validators";
import type { BenchCase, EntryPointCase } from "./cases.ts";
import { handWrittenAmpliaOrderStatusChanged } from "./peers.ts";
import { brokenPayloads, schemaPeers } from "./schema-peers.ts";
import type { ReceiverCaseOptions } from "./receiver-case.ts";
import type { ReceiverBench } from "./receiver-load.ts";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface Throughput {
  case: BenchCase;
  /** ops/s by task name: the median over the rounds. */
  hz: Record<string, number>;
  /** ops/s by task name, round by round (all tasks of a round run back to back). */
  rounds: Record<string, number[]>;
  /** The validators measured beside ours (peers and the floor), each with the broken payloads it accepted. */
  peers: PeerResult[];
  /** The broken payloads every validator ran (labels); our strict validator rejects all of them. */
  broken: string[];
}

export interface PeerResult {
  /** Its task name in `rounds` and `hz`. */
  task: string;
  checks: string;
  /** Labels of the broken payloads it accepted: none for a peer that checks as much as ours. */
  accepts: string[];
  /** The same, in a few words each. */
  acceptsShort: string[];
  floor?: boolean;
  /** Ran with our format functions in place of its own: shown beside, never the peer a target is set against. */
  borrowsOurFormats?: boolean;
}

/** Our strict validator on the case, our tolerant one, and JSON.parse: the task names every case has. */
export const TASKS = { parse: "JSON.parse", tolerant: "validate (tolerant)", strict: "validate (strict)" } as const;
/** The floor's task name (Amplia Reg only). */
export const FLOOR = "hand-written check (the floor)";

/**
 * The median over the rounds of a ratio of two tasks. Each round's two figures were measured moments
 * apart, so the machine's drift (large on a shared 2-core machine) cancels out of the ratio.
 */
export function ratio(t: Throughput, numerator: string, denominator: string): number {
  const a = t.rounds[numerator]!;
  const b = t.rounds[denominator]!;
  return median(a.map((x, i) => x / b[i]!));
}

/** Work repeated inside one timed call, so that the timer's own cost does not swamp microsecond work. */
const BATCH = 64;

export interface ThroughputOptions {
  /** Milliseconds per task per round. */
  time?: number;
  /** Rounds per process. */
  rounds?: number;
  /** Processes per case (throughput() only). */
  processes?: number;
}

/** What a case's child process prints. */
export type CaseResult = Pick<Throughput, "rounds" | "peers" | "broken">;

/**
 * ops/s of each task on one case, the median of `rounds` tinybench runs, in this process: ours, JSON.parse
 * and every peer (each on the parsed body, as ours), and first each peer's answers on the broken payloads.
 */
export async function measureCase(c: BenchCase, { time = 160, rounds = 11 }: ThroughputOptions = {}): Promise<CaseResult> {
  const tasks: Record<string, () => unknown> = {
    [TASKS.parse]: () => JSON.parse(c.text),
    [TASKS.tolerant]: () => validateWebhook(c.provider, c.body),
    [TASKS.strict]: () => validateWebhook(c.provider, c.body, { mode: "strict" }),
    "parse + validate (tolerant)": () => validateWebhook(c.provider, JSON.parse(c.text)),
    "parse + validate (strict)": () => validateWebhook(c.provider, JSON.parse(c.text), { mode: "strict" }),
  };
  const peers = await schemaPeers(c);
  if (c.provider === "amplia-reg")
    peers.push({
      name: FLOOR,
      checks: "every rule and the lifecycle, our format functions; no error reports",
      validate: handWrittenAmpliaOrderStatusChanged,
      floor: true,
    });
  const broken = brokenPayloads(c);
  for (const b of broken)
    if (validateWebhook(c.provider, b.body, { mode: "strict" }).ok) throw new Error(`${c.label}: our strict validator accepts the broken payload "${b.label}"`);
  const results: PeerResult[] = [];
  for (const peer of peers) {
    if (!peer.validate(c.body)) throw new Error(`${c.label}: ${peer.name} rejects the valid payload`);
    const accepted = broken.filter((b) => peer.validate(b.body));
    results.push({
      task: peer.name,
      checks: peer.checks,
      accepts: accepted.map((b) => b.label),
      acceptsShort: accepted.map((b) => b.short),
      ...(peer.floor ? { floor: true } : {}),
      ...(peer.borrowsOurFormats ? { borrowsOurFormats: true } : {}),
    });
    tasks[peer.name] = () => peer.validate(c.body);
  }
  const samples: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: 100 });
    for (const [name, fn] of Object.entries(tasks)) {
      bench.add(name, () => {
        for (let i = 0; i < BATCH; i++) fn();
      });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result as { period?: number; state: string; error?: unknown };
      if (result.state !== "completed" || !result.period) throw new Error(`${c.label} ${task.name}: ${String(result.error ?? result.state)}`);
      (samples[task.name] ??= []).push((BATCH * 1000) / result.period);
    }
  }
  return { rounds: samples, peers: results, broken: broken.map((b) => b.label) };
}

/**
 * ops/s of each task on each case. Each case runs in fresh Node processes (bench/src/throughput-case.ts),
 * its tasks side by side in each: what V8 learnt from one case's payloads (shapes, inlining) would
 * otherwise colour the next case's figures. And as what V8 decides differs from one process to the next
 * (a peer measured 7.3x JSON.parse in one and 9.3x in another), each case runs in `processes` of them,
 * taking turns with the other cases, and their rounds are pooled: a ratio is the median over all of them,
 * so no single process decides a target.
 */
export function throughput(cases: BenchCase[], { processes = 3, ...options }: ThroughputOptions = {}): Throughput[] {
  const child = fileURLToPath(new URL("./throughput-case.ts", import.meta.url));
  const results = cases.map(() => [] as CaseResult[]);
  for (let p = 0; p < processes; p++) {
    cases.forEach((c, i) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", child, c.label, JSON.stringify({ rounds: 5, ...options })], {
        encoding: "utf8",
        maxBuffer: 1 << 24,
        timeout: 15 * 60_000,
      });
      if (r.status !== 0) throw new Error(`${c.label}: throughput run failed\n${r.stderr}`);
      results[i]!.push(JSON.parse(r.stdout) as CaseResult);
    });
  }
  return cases.map((c, i) => {
    const [first, ...others] = results[i]!;
    const rounds: Record<string, number[]> = {};
    for (const result of [first!, ...others]) for (const [task, samples] of Object.entries(result.rounds)) (rounds[task] ??= []).push(...samples);
    return { case: c, hz: Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, median(v)])), rounds, peers: first!.peers, broken: first!.broken };
  });
}

/**
 * The receiver's throughput against bare node:http (bench/src/receiver-case.ts), in a process of its own
 * that starts each server in one more: autocannon and the servers never share an event loop.
 */
export function receiverThroughput(options: ReceiverCaseOptions = {}): ReceiverBench {
  const child = fileURLToPath(new URL("./receiver-case.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", "tsx", child, JSON.stringify(options)], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error(`receiver throughput run failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as ReceiverBench;
}

/** The wall time of one start of `file` in a fresh Node process. */
/**
 * Milliseconds from a fresh Node process's start to the end of `file`, as the process itself reads them
 * (`performance.now()`, whose origin is the process's start, printed last): the spawn and the exit, whose
 * time a shared machine varies most and which are the same for every file, are left out.
 */
const reportsItsTime = "process.stdout.write(String(performance.now()));\n";
function timeNode(file: string): number {
  const r = spawnSync(process.execPath, [file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${file} exited ${r.status}: ${r.stderr}`);
  const ms = Number(r.stdout);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`${file} printed no time: ${JSON.stringify(r.stdout)}`);
  return ms;
}

export interface ColdStart {
  /** Starts of each file; each figure is the fastest. */
  runs: number;
  baselineMs: number;
  /** By entry point (`ivy`, `ivy/event-api`). */
  byEntry: Record<string, { ms: number; overMs: number }>;
}

/** A fresh Node process that imports one entry point and validates one payload, against `node` doing nothing. */
export function coldStart(entries: EntryPointCase[], runs = 61): ColdStart {
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-cold-"));
  try {
    const empty = path.join(dir, "empty.mjs");
    writeFileSync(empty, reportsItsTime);
    const files: Record<string, string> = {};
    for (const { entry, provider, case: c } of entries) {
      const file = path.join(dir, `${entry.replace(/\//g, "--")}.mjs`);
      const url = path.join(repoRoot, "packages/validators/dist/esm", `${entry}.js`);
      const fn = `validate${provider.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase())}Webhook`;
      writeFileSync(file, `import { ${fn} } from ${JSON.stringify(url)};\nif (!${fn}(${c.text.trim()}).ok) process.exit(1);\n${reportsItsTime}`);
      files[entry] = file;
    }
    // One start of each in turn, `runs` times, and the fastest of each: start-up noise on a shared machine
    // only ever adds time, and slow spells (seconds long here) then fall on every side alike.
    const baselines: number[] = [];
    const byEntry: Record<string, number[]> = {};
    for (let round = 0; round < runs; round++) {
      baselines.push(timeNode(empty));
      for (const [entry, file] of Object.entries(files)) (byEntry[entry] ??= []).push(timeNode(file));
    }
    const baselineMs = Math.min(...baselines);
    return {
      runs,
      baselineMs,
      byEntry: Object.fromEntries(Object.entries(byEntry).map(([p, v]) => [p, { ms: Math.min(...v), overMs: Math.min(...v) - baselineMs }])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BundleSize {
  /** The entry point's subpath (`ivy`, `ivy/event-api`). */
  entry: string;
  minifiedBytes: number;
  gzipBytes: number;
  /** Signs of Ajv's compiler in the bundle (there must be none). */
  compilerMarkers: string[];
}

export async function bundleSizes(entries: EntryPointCase[]): Promise<BundleSize[]> {
  const out: BundleSize[] = [];
  for (const { entry } of entries) {
    const result = await build({
      entryPoints: [path.join(repoRoot, "packages/validators/dist/esm", `${entry}.js`)],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.contents;
    const text = Buffer.from(code).toString("utf8");
    const markers = ["new Function", "CodeGen", "compileSchema", "ajv/dist/compile"].filter((m) => text.includes(m));
    out.push({ entry, minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, compilerMarkers: markers });
  }
  return out;
}

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", ...env }, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return seconds;
}

export interface Codegen {
  coldBuildSeconds: number;
  cachedBuildSeconds: number;
  synthetic: { messages: number; seconds: number }[];
}

/** Every package built from nothing (turbo --force), then again with nothing changed (turbo's cache). */
export function buildTimes(): Pick<Codegen, "coldBuildSeconds" | "cachedBuildSeconds"> {
  const turbo = path.join(repoRoot, "node_modules/.bin/turbo");
  const coldBuildSeconds = timeCommand(turbo, ["run", "build", "--force", "--output-logs=none"]);
  const cachedBuildSeconds = timeCommand(turbo, ["run", "build", "--output-logs=none"]);
  return { coldBuildSeconds, cachedBuildSeconds };
}

/**
 * A synthetic project of `count` message schemas (made here, never committed): one provider, every
 * message its own payload of a dozen fields with formats, enums, nullable and nested shapes, sharing
 * common/ shapes the way real providers do. Returns its root.
 */
export function syntheticProject(count: number): string {
  const root = mkdtempSync(path.join(tmpdir(), `webhook-contracts-synthetic-${count}-`));
  const base = "https://webhook-contracts.example/schemas/synthetic/";
  const dir = path.join(root, "schemas/synthetic");
  mkdirSync(path.join(dir, "common"), { recursive: true });
  mkdirSync(path.join(root, "packages/validators/src"), { recursive: true });
  const write = (file: string, value: unknown) => writeFileSync(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  const head = (file: string, title: string) => ({
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: base + file,
    title,
    description: `Synthetic ${title}.`,
    "x-provenance": { kind: "inferred", sources: ["bench/src/measure.ts"] },
  });
  write("common/money.schema.json", {
    ...head("common/money.schema.json", "Money"),
    type: "object",
    additionalProperties: false,
    required: ["amount", "currency"],
    properties: {
      amount: { description: "Amount.", type: "string", pattern: "^-?[0-9]+\\.[0-9]{2}$" },
      currency: { description: "Currency.", type: "string", enum: ["EUR", "GBP", "USD"] },
    },
  });
  write("common/party.schema.json", {
    ...head("common/party.schema.json", "Party"),
    type: "object",
    additionalProperties: false,
    required: ["id", "name"],
    properties: {
      id: { description: "Id.", type: "string", format: "uuid" },
      name: { description: "Name.", type: "string" },
      email: { description: "Email.", type: "string", format: "email" },
      country: { description: "Country.", type: ["string", "null"], pattern: "^[A-Z]{2}$" },
    },
  });
  const channelMessages: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `event_${i}`;
    const file = `event-${i}.schema.json`;
    const Title = `Event${i}`;
    write(file, {
      ...head(file, `${Title}Event`),
      type: "object",
      additionalProperties: false,
      required: ["id", "type", "date", "payload"],
      properties: {
        id: { description: "Event id.", type: "string", minLength: 1 },
        type: { description: "Event type.", type: "string", const: name },
        date: { description: "When.", type: "string", format: "date-time" },
        payload: {
          title: `${Title}Payload`,
          description: "Payload.",
          type: "object",
          additionalProperties: false,
          required: ["id", "status", "amount", "createdAt"],
          properties: {
            id: { description: "Id.", type: "string", format: "uuid" },
            reference: { description: "Reference.", type: "string" },
            status: { description: "Status.", type: "string", enum: ["open", "pending", "done", "failed"] },
            reason: { description: "Reason.", type: "string", "x-known-values": ["a", "b", "c"] },
            amount: { $ref: "common/money.schema.json" },
            fee: { description: "Fee.", type: "number", minimum: 0 },
            count: { description: "Count.", type: "integer" },
            payer: { $ref: "common/party.schema.json" },
            payee: { anyOf: [{ $ref: "common/party.schema.json" }, { type: "null" }] },
            tags: { description: "Tags.", type: "array", items: { type: "string" } },
            createdAt: { description: "Created.", type: "string", format: "date-time" },
            [`field${i}`]: { description: "A field of its own.", type: "boolean" },
          },
        },
      },
    });
    channelMessages.push(
      `      ${name}:\n        name: ${name}\n        payload:\n          schemaFormat: application/schema+json;version=draft-07\n          schema:\n            $ref: ./schemas/synthetic/${file}\n`,
    );
  }
  writeFileSync(
    path.join(root, "asyncapi.yaml"),
    `asyncapi: 3.0.0\ninfo:\n  title: synthetic\n  version: 0.0.0\nchannels:\n  synthetic:\n    title: Synthetic\n    address: /webhooks/synthetic\n    x-discriminator: /type\n    x-delivery-key:\n      - /id\n    messages:\n${channelMessages.join("")}` +
      "operations:\n  receiveSynthetic:\n    action: receive\n    channel:\n      $ref: '#/channels/synthetic'\n    security:\n      - $ref: '#/components/securitySchemes/syntheticSignature'\n" +
      "components:\n  securitySchemes:\n    syntheticSignature:\n      type: httpApiKey\n      name: X-Signature\n      in: header\n      x-webhook-auth:\n        secrets: secrets\n        signature:\n          algorithm: hmac-sha256\n          encoding: hex\n          signed: '{body}'\n",
  );
  return root;
}

/**
 * The generators (types and validators) on synthetic projects of growing size; the fastest of `runs`
 * runs per size, since wall time on a shared machine only ever errs upwards. The sizes take turns in
 * each round, so that a slow spell of the machine does not fall on one size alone.
 */
export function syntheticCodegen(sizes: number[], runs = 3): Codegen["synthetic"] {
  const tsx = path.join(repoRoot, "node_modules/.bin/tsx");
  const roots = sizes.map((messages) => syntheticProject(messages));
  try {
    const times: number[][] = sizes.map(() => []);
    for (let round = 0; round < runs; round++) {
      roots.forEach((root, i) => {
        const env = { WEBHOOK_CONTRACTS_ROOT: root };
        times[i]!.push(
          timeCommand(tsx, [path.join(repoRoot, "packages/types/build/generate-types.ts")], env) +
            timeCommand(tsx, [path.join(repoRoot, "packages/validators/build/generate-validators.ts")], env),
        );
      });
    }
    return sizes.map((messages, i) => ({ messages, seconds: Math.min(...times[i]!) }));
  } finally {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
}

/** The replay gate, in a process of its own: stored deliveries judged per second (the best of three runs). */
export function inboxCheckSpeed(count: number): { count: number; perSecond: number } {
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./inbox-check-case.ts", import.meta.url)), String(count)], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`inbox-check-case: ${r.stderr}`);
    best = Math.max(best, (JSON.parse(r.stdout) as { perSecond: number }).perSecond);
  }
  return { count, perSecond: best };
}
