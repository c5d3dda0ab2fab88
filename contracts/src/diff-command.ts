/**
 * `webhook-contracts diff [--base REF] [--head REF] [--json]`: every change of the contracts between two
 * revisions (head: the working tree), classified (see diff.ts). Each revision's asyncapi.yaml, schemas/
 * and fixtures/ are taken from git into a folder of their own and read by the current contract model.
 * Exit 0; 2 for a usage or git error.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { type ContractChange, type ProviderSnapshot, diffContracts, strongest } from "./diff.ts";
import { isEntryPoint } from "./entry-point.ts";
import { repoRoot } from "./paths.ts";

const snapshotScript = fileURLToPath(new URL("./snapshot.ts", import.meta.url));
const tsx = path.join(path.dirname(fileURLToPath(import.meta.url)), "../node_modules/.bin/tsx");

const execFileAsync = promisify(execFile);
/** What a revision's contracts are read from: the contract sources, as `git archive` takes them. */
const sources = ["asyncapi.yaml", "schemas", "fixtures"];
const snapshotOptions = (root: string) => ({ env: { ...process.env, WEBHOOK_CONTRACTS_ROOT: root }, maxBuffer: 1 << 28 });

function snapshotOf(root: string): ProviderSnapshot[] {
  const text = execFileSync(tsx, [snapshotScript], { ...snapshotOptions(root), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(text) as ProviderSnapshot[];
}

/** The contract sources at `ref`, in a temporary folder. */
function checkout(ref: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-diff-"));
  const archive = execFileSync("git", ["archive", "--format=tar", ref, ...sources], {
    cwd: repoRoot,
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "pipe"],
  });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  return dir;
}

/**
 * The contracts at `ref` of the git checkout at `root` (undefined: its working tree), as `diff` compares
 * them; `diffContracts(await snapshotAt(a), await snapshotAt(b))` is `changesBetween(a, b)`. Asynchronous,
 * so that a caller comparing many revisions (the docs site's changelog) reads them side by side, each once.
 */
export async function snapshotAt(ref: string | undefined, root: string = repoRoot): Promise<ProviderSnapshot[]> {
  const read = async (dir: string) =>
    JSON.parse((await execFileAsync(tsx, [snapshotScript], { ...snapshotOptions(dir), encoding: "utf8" })).stdout) as ProviderSnapshot[];
  if (ref === undefined) return read(root);
  const dir = await mkdtemp(path.join(tmpdir(), "webhook-contracts-diff-"));
  try {
    const archive = path.join(dir, "sources.tar");
    await execFileAsync("git", ["archive", "--format=tar", `--output=${archive}`, ref, ...sources], { cwd: root });
    await execFileAsync("tar", ["-x", "-f", archive, "-C", dir]);
    return await read(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The changes from `base` (null: from nothing, as for a first release) to `head` (undefined: the working tree). */
export function changesBetween(base: string | null, head: string | undefined): ContractChange[] {
  const dirs: string[] = [];
  try {
    let before: ProviderSnapshot[] = [];
    if (base !== null) {
      const baseDir = checkout(base);
      dirs.push(baseDir);
      before = snapshotOf(baseDir);
    }
    let headDir = repoRoot;
    if (head) dirs.push((headDir = checkout(head)));
    return diffContracts(before, snapshotOf(headDir));
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const cell = (v: unknown) => (v === undefined ? "" : `\`${JSON.stringify(v).replace(/\|/g, "\\|").slice(0, 80)}\``);

/** The report under a heading of its own (`# Contract changes, base → head` by default; a CHANGELOG's is deeper). */
export function markdownReport(changes: readonly ContractChange[], base: string, head: string, heading = `# Contract changes, ${base} → ${head}`): string {
  const { acceptance, types } = strongest(changes);
  const lines = [heading, "", `${changes.length} change(s); acceptance: **${acceptance}**, types: **${types}**.`, ""];
  if (changes.length) {
    lines.push("| provider | message | pointer | change | acceptance | types | before | after |", "|---|---|---|---|---|---|---|---|");
    for (const c of changes) {
      lines.push(
        `| ${c.provider} | ${c.message ?? ""} | \`${c.pointer || "/"}\` | ${c.change} | ${c.acceptance} | ${c.types} | ${cell(c.before)} | ${cell(c.after)} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function main(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: { base: { type: "string", default: "HEAD" }, head: { type: "string" }, json: { type: "boolean", default: false } },
  });
  let changes: ContractChange[];
  try {
    changes = changesBetween(values.base, values.head);
  } catch (error) {
    const e = error as { stderr?: Buffer | string; message: string };
    const lines = String(e.stderr ?? "").split("\n");
    const reason = lines.find((l) => /^(\w*Error: |fatal: )/.test(l)) ?? e.message.split("\n")[0];
    process.stderr.write(`webhook-contracts: diff: ${reason!.replace(/^\w*Error: /, "")}\n`);
    return 2;
  }
  process.stdout.write(values.json ? `${JSON.stringify(changes, null, 2)}\n` : markdownReport(changes, values.base, values.head ?? "the working tree"));
  return 0;
}

if (isEntryPoint(import.meta.url)) process.exitCode = main(process.argv.slice(2));
