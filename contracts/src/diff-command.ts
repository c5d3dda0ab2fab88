/**
 * `webhook-contracts diff [--base REF] [--head REF] [--json]`: every change of the contracts between two
 * revisions (head: the working tree), classified (see diff.ts). Each revision's asyncapi.yaml, schemas/
 * and fixtures/ are taken from git into a folder of their own and read by the current contract model.
 * Exit 0; 2 for a usage or git error.
 */
import { execFile } from "node:child_process";
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

/**
 * The contracts at `ref` of the git checkout at `root` (undefined: its working tree), as `diff` compares
 * them. Asynchronous, so that revisions are read side by side (the docs site's changelog reads each of many
 * once).
 */
export async function snapshotAt(ref: string | undefined, root: string = repoRoot): Promise<ProviderSnapshot[]> {
  const read = async (dir: string) =>
    JSON.parse(
      (await execFileAsync(tsx, [snapshotScript], { env: { ...process.env, WEBHOOK_CONTRACTS_ROOT: dir }, maxBuffer: 1 << 28, encoding: "utf8" })).stdout,
    ) as ProviderSnapshot[];
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
export async function changesBetween(base: string | null, head: string | undefined): Promise<ContractChange[]> {
  const [before, after] = await Promise.all([base === null ? [] : snapshotAt(base), snapshotAt(head)]);
  return diffContracts(before, after);
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

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { base: { type: "string", default: "HEAD" }, head: { type: "string" }, json: { type: "boolean", default: false } },
  });
  let changes: ContractChange[];
  try {
    changes = await changesBetween(values.base, values.head);
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const lines = String(e.stderr ?? "").split("\n");
    const reason = lines.find((l) => /^(\w*Error: |fatal: )/.test(l)) ?? e.message.split("\n")[0];
    process.stderr.write(`webhook-contracts: diff: ${reason!.replace(/^\w*Error: /, "")}\n`);
    return 2;
  }
  process.stdout.write(values.json ? `${JSON.stringify(changes, null, 2)}\n` : markdownReport(changes, values.base, values.head ?? "the working tree"));
  return 0;
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
