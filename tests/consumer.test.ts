/**
 * The generated packages from another team's side: examples/consumer imports them through workspace:* and
 * must type-check, which proves the discriminated unions narrow and that the @ts-expect-error lines
 * (wrong field accesses) are still errors.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "@webhook-contracts/contracts";

const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");

// The root project is every hand-written and generated TypeScript file of the workspace as one program
// (package builds bundle or emit declarations with --noCheck, so this is where their code is checked); the
// consumer is another team's code; packages/types checks the generated declarations in full (skipLibCheck off).
it.each([".", "examples/consumer", "packages/types"])("%s type-checks (strict)", (project) => {
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(repoRoot, project, "tsconfig.json"), "--noEmit"], { encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
});
