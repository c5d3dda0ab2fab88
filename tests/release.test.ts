/**
 * The branch's contract changes since its merge base with main are covered by changesets (pnpm changeset):
 * what `pnpm release:check` checks. On main itself there is nothing to cover.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";
import { expect, it } from "vitest";

it("finds a changeset for every contract change since the merge base with main", () => {
  const result = spawnSync(path.join(repoRoot, "node_modules/.bin/tsx"), ["contracts/src/release-check.ts", "--base", "main"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  expect(result.stdout).toBe("");
  expect(result.status, result.stderr).toBe(0);
});
