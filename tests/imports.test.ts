/**
 * The workspace's import rules (tests/.dependency-cruiser.cjs), checked by dependency-cruiser on every
 * source file: no import cycle, and no package reached by a relative path into its folder.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";
import { expect, it } from "vitest";

const depcruise = path.join(repoRoot, "tests/node_modules/.bin/depcruise");
const cruise = (...targets: string[]) =>
  JSON.parse(
    execFileSync(depcruise, ["--config", "tests/.dependency-cruiser.cjs", "--output-type", "json", ...targets], {
      cwd: repoRoot,
      encoding: "utf8",
      maxBuffer: 1 << 28,
    }),
  ) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number };
  };

it("finds no import cycle and no import into another package's folder", () => {
  const { summary } = cruise("contracts", "packages", "bench", "tests", "examples");
  expect(summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  expect(summary.totalCruised).toBeGreaterThan(100);
});
