/** Every source file is as Prettier writes it (.prettierrc.json; fixtures, schemas and asyncapi.yaml are data kept as written). */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";
import { expect, it } from "vitest";

it("prettier --check finds nothing to change (pnpm format fixes it)", () => {
  const result = spawnSync(path.join(repoRoot, "node_modules/.bin/prettier"), ["--check", "--log-level", "warn", "."], { cwd: repoRoot, encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
});
