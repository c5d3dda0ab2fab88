/**
 * The generated packages from another team's side: examples/consumer imports them through workspace:* and
 * must type-check, which proves the discriminated unions narrow and that the @ts-expect-error lines
 * (wrong field accesses) are still errors.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "./support/fixtures.js";

const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");

// The generated declarations are checked in full (skipLibCheck off); the packages whose builds only bundle
// or emit declarations (--noCheck) are type-checked here, once.
it.each(["examples/consumer", "scripts", "packages/types", "packages/validators", "packages/cli", "packages/receiver", "bench"])("%s type-checks (strict)", (project) => {
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(repoRoot, project, "tsconfig.json"), "--noEmit"], { encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
});
