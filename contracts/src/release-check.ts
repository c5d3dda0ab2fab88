/**
 * Every contract change is released with a version that says what it does (semver, by Changesets): the
 * bump each published package needs for a set of changes, and whether the pending changesets give it.
 *   - types: major when a change breaks code written against them, minor when it adds, patch when only
 *     their comments change (descriptions, titles);
 *   - validators: major when they may reject a payload they accepted, or when their types break (they
 *     re-export them), minor when they accept more or their types grow, patch otherwise;
 *   - fixtures: as the types, whose payload types they carry (at least a patch for any change);
 *   - schemas: as the strict reading says (major when it may reject what it accepted, minor when it accepts
 *     more, a patch for any other change: every change changes its files);
 *   - docs: as the schemas, whose version (asyncapi.yaml's info.version) the site shows.
 * Run as a script: `tsx contracts/src/release-check.ts [--base REF]` compares the working tree with its
 * merge base with REF (default main) and exits 1, naming what is missing, when a changeset is.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import getChangesets from "@changesets/read";
import { type ContractChange, strongest } from "./diff.ts";
import { changesBetween } from "./diff-command.ts";
import { isEntryPoint } from "./entry-point.ts";
import { repoRoot } from "./paths.ts";

export type Bump = "major" | "minor" | "patch" | "none";
const order: Bump[] = ["none", "patch", "minor", "major"];
const max = (...bumps: Bump[]): Bump => bumps.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a), "none");

/** The bump each published package needs for `changes` (none: no release needed). */
export function requiredBumps(changes: readonly ContractChange[]): Record<string, Bump> {
  if (changes.length === 0) return {};
  const { acceptance, types } = strongest(changes);
  const commentsOnly = changes.some((c) => /^(description|title) changed$/.test(c.change));
  const typesBump: Bump = types === "breaking" ? "major" : types === "compatible" ? "minor" : commentsOnly ? "patch" : "none";
  const validatorsBump = max(acceptance === "rejects-more" ? "major" : acceptance === "accepts-more" ? "minor" : "patch", typesBump);
  const schemasBump: Bump = acceptance === "rejects-more" ? "major" : acceptance === "accepts-more" ? "minor" : "patch";
  return {
    "@webhook-contracts/types": typesBump,
    "@webhook-contracts/validators": validatorsBump,
    "@webhook-contracts/fixtures": max("patch", typesBump),
    "@webhook-contracts/schemas": schemasBump,
    "@webhook-contracts/docs": schemasBump,
  };
}

export interface DeclaredRelease {
  name: string;
  type: "major" | "minor" | "patch" | "none";
}

/** What is missing: one line per package whose changesets bump it less than the changes need. */
export function releaseProblems(changes: readonly ContractChange[], declared: readonly DeclaredRelease[]): string[] {
  const problems: string[] = [];
  for (const [name, needed] of Object.entries(requiredBumps(changes))) {
    if (needed === "none") continue;
    const given = max(...declared.filter((r) => r.name === name).map((r) => r.type));
    if (order.indexOf(given) >= order.indexOf(needed)) continue;
    const why = changes.find((c) => (needed === "major" ? c.acceptance === "rejects-more" || c.types === "breaking" : true))!;
    problems.push(
      `${name} needs a ${needed} changeset (${why.provider}${why.message ? ` ${why.message}` : ""} ${why.pointer || "/"}: ${why.change}, ${why.acceptance}, types ${why.types}); the changesets give ${given === "none" ? "none" : given}`,
    );
  }
  return problems;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { base: { type: "string", default: "main" } } });
  const base = execFileSync("git", ["merge-base", "HEAD", values.base], { cwd: repoRoot, encoding: "utf8" }).trim();
  const changes = await changesBetween(base, undefined);
  const declared = (await getChangesets(repoRoot)).flatMap((c) => c.releases);
  const problems = releaseProblems(changes, declared);
  for (const p of problems) process.stdout.write(`${p}\n`);
  process.stderr.write(
    `${changes.length} contract change(s) since ${base.slice(0, 12)}; ${problems.length ? "a changeset is missing (pnpm changeset)" : "the changesets cover them"}\n`,
  );
  return problems.length ? 1 : 0;
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
