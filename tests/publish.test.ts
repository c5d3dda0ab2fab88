/**
 * The packages other teams install, as a registry would hand them out: publint packs each one (pnpm pack)
 * and checks its package.json against the files in the tarball (exports that point at nothing, formats
 * that disagree with the file extension, types that resolve nowhere), and arethetypeswrong resolves each
 * entry point's types as TypeScript would, for ESM and (where the package offers it) CommonJS users under
 * node16/nodenext, and for bundlers. node10 resolution, which ignores exports maps, is not supported.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { loadContracts, repoRoot } from "@webhook-contracts/contracts";
import { expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../packages", import.meta.url));
const published = readdirSync(packagesDir).filter(
  (dir) => !(JSON.parse(readFileSync(path.join(packagesDir, dir, "package.json"), "utf8")) as { private?: boolean }).private,
);

it.each(published)("@webhook-contracts/%s passes publint with no warning or error", async (dir) => {
  const pkgDir = path.join(packagesDir, dir);
  const { messages, pkg } = await publint({ pkgDir, level: "warning" });
  expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
});

interface PackageJson {
  exports?: Record<string, unknown>;
}
const providers = (await loadContracts()).map((p) => p.name);
const typed = published.filter((dir) => dir !== "cli" && dir !== "schemas"); // a command, and JSON files: no types to import

it.each(typed)("@webhook-contracts/%s: arethetypeswrong finds the types of every entry point", (dir) => {
  const pkgDir = path.join(packagesDir, dir);
  const { exports = {} } = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")) as PackageJson;
  // A subpath pattern ("./*") is one entry point per provider, and the validators' extra modules.
  const entrypoints = Object.keys(exports).flatMap((key) =>
    key === "./*" ? [...providers, ...(dir === "validators" ? ["index", "lifecycles", "formats"] : [])].map((p) => `./${p}`) : [key],
  );
  const dual = JSON.stringify(exports).includes('"require"');
  const attw = path.join(repoRoot, "tests/node_modules/.bin/attw");
  let report: { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
  try {
    report = JSON.parse(
      execFileSync(attw, ["--pack", pkgDir, "--format", "json", "--profile", dual ? "node16" : "esm-only", "--entrypoints", ...entrypoints], {
        encoding: "utf8",
        maxBuffer: 1 << 26,
      }),
    );
  } catch (error) {
    report = JSON.parse((error as { stdout: string }).stdout);
  }
  expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(entrypoints.map((e) => (e === "." ? "." : e)).sort());
  const ignored = dual ? ["node10"] : ["node10", "node16-cjs"];
  const problems = (report.analysis.problems as { kind: string; entrypoint?: string; resolutionKind?: string }[]).filter(
    (p) => !ignored.includes(p.resolutionKind ?? ""),
  );
  expect(problems.map((p) => `${p.entrypoint} ${p.resolutionKind}: ${p.kind}`)).toEqual([]);
});
