/**
 * `pnpm release:version`: what a release does before it publishes. `changeset version` applies the pending
 * changesets (versions, release notes); then
 *   - asyncapi.yaml's `info.version` becomes @webhook-contracts/schemas' new version (the package that ships
 *     the contract as it is), and the docs site shows it;
 *   - the new entry of every package the release bumps gets the contract changes since the last release,
 *     as `diff` reports them (the last release: the tag of @webhook-contracts/schemas' current version).
 * Then commit, and `pnpm changeset publish` publishes the bumped packages and tags them.
 * Exit 1 (and nothing changed) when no changeset is pending.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { changesBetween, markdownReport } from "./diff-command.ts";
import { isEntryPoint } from "./entry-point.ts";
import { asyncApiFile, repoRoot } from "./paths.ts";

const git = (args: string[]) => execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
const packagesDir = path.join(repoRoot, "packages");
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as { name: string; version: string; private?: boolean };

/** The published packages' versions, by name. */
function versions(): Map<string, { version: string; dir: string }> {
  const out = new Map<string, { version: string; dir: string }>();
  for (const dir of readdirSync(packagesDir)) {
    const pkg = readJson(path.join(packagesDir, dir, "package.json"));
    if (!pkg.private) out.set(pkg.name, { version: pkg.version, dir: path.join(packagesDir, dir) });
  }
  return out;
}

/**
 * The last release of the contract: the tag `changeset publish` gave @webhook-contracts/schemas' current
 * version, or null when it was never published (then every provider is new).
 */
export function lastRelease(version: string): string | null {
  const tag = `refs/tags/@webhook-contracts/schemas@${version}`;
  try {
    return git(["rev-parse", "-q", "--verify", `${tag}^{commit}`]);
  } catch {
    return null;
  }
}

/** `changelog` with `section` at the end of the entry `## version` (before the next `## `). */
export function withSection(changelog: string, version: string, section: string): string {
  const lines = changelog.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${version}`);
  if (start < 0) throw new Error(`no "## ${version}" entry in the CHANGELOG`);
  let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end < 0) end = lines.length;
  let last = end;
  while (last > start + 1 && lines[last - 1]!.trim() === "") last--;
  return [...lines.slice(0, last), "", section.trimEnd(), "", ...lines.slice(end)].join("\n");
}

/** asyncapi.yaml's text with `info.version` set, everything else as it was. */
export function withInfoVersion(text: string, version: string): string {
  const out = text.replace(/^(info:\n(?:[ \t]+.*\n|\n)*?  version: ).*$/m, `$1${version}`);
  if ((parse(out) as { info: { version: string } }).info.version !== version) throw new Error("could not set info.version in asyncapi.yaml");
  return out;
}

export async function main(): Promise<number> {
  const before = versions();
  const base = lastRelease(before.get("@webhook-contracts/schemas")!.version);
  const changes = await changesBetween(base, undefined);
  const changeset = path.join(repoRoot, "node_modules/.bin/changeset");
  const pending = readdirSync(path.join(repoRoot, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
  if (pending.length === 0) {
    process.stderr.write("no pending changeset: nothing to release (pnpm changeset)\n");
    return 1;
  }
  execFileSync(changeset, ["version"], { cwd: repoRoot, stdio: "inherit" });
  const after = versions();
  const since = base === null ? "the first release" : `since ${base.slice(0, 12)}`;
  const report = markdownReport(changes, base ?? "nothing", "this release", `### Contract changes (${since})`);
  const written = [asyncApiFile];
  for (const [name, { version, dir }] of after) {
    if (before.get(name)?.version === version) continue;
    const file = path.join(dir, "CHANGELOG.md");
    writeFileSync(file, withSection(readFileSync(file, "utf8"), version, report));
    written.push(file);
    process.stderr.write(`${name} ${before.get(name)?.version ?? "new"} -> ${version}: CHANGELOG carries ${changes.length} contract change(s)\n`);
  }
  const contract = after.get("@webhook-contracts/schemas")!.version;
  writeFileSync(asyncApiFile, withInfoVersion(readFileSync(asyncApiFile, "utf8"), contract));
  process.stderr.write(`asyncapi.yaml info.version: ${contract}\n`);
  // As the repository's formatting check wants them (the report's table aligned).
  execFileSync(path.join(repoRoot, "node_modules/.bin/prettier"), ["--write", "--log-level=warn", ...written], { cwd: repoRoot, stdio: "inherit" });
  return 0;
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
