/**
 * The packages other teams install, as a registry would hand them out: publint packs each one (pnpm pack)
 * and checks its package.json against the files in the tarball (exports that point at nothing, formats
 * that disagree with the file extension, types that resolve nowhere), and arethetypeswrong resolves each
 * entry point's types as TypeScript would, for ESM and (where the package offers it) CommonJS users under
 * node16/nodenext, and for bundlers. node10 resolution, which ignores exports maps, is not supported.
 * Each also carries what another team needs to trust and find it: a README, the repository's LICENSE, the
 * Node versions it supports, the files it ships and where its sources are (tests/registry.test.ts then
 * publishes them to a local registry and installs them from there).
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
interface PackageJson {
  name: string;
  private?: boolean;
  license?: string;
  engines?: Record<string, string>;
  files?: string[];
  repository?: { type?: string; url?: string; directory?: string };
  exports?: Record<string, unknown>;
  publishConfig?: Record<string, unknown>;
}
const manifest = (dir: string): PackageJson => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as PackageJson;
const root = manifest(repoRoot);
const published = readdirSync(packagesDir).filter((dir) => !manifest(path.join(packagesDir, dir)).private);

it.each(published)("@webhook-contracts/%s has a README, the root's LICENSE, engines, files and its repository", (dir) => {
  const pkgDir = path.join(packagesDir, dir);
  const pkg = manifest(pkgDir);
  expect(pkg.name).toBe(`@webhook-contracts/${dir}`);
  expect(readFileSync(path.join(pkgDir, "README.md"), "utf8").split("\n")[0]).toBe(`# ${pkg.name}`);
  expect(readFileSync(path.join(pkgDir, "LICENSE"), "utf8")).toBe(readFileSync(path.join(repoRoot, "LICENSE"), "utf8"));
  expect(pkg.license).toBe(root.license);
  expect(pkg.engines).toEqual(root.engines);
  expect(pkg.files?.length).toBeGreaterThan(0);
  expect(pkg.repository).toEqual({ ...root.repository, directory: `packages/${dir}` });
  expect(pkg.publishConfig).toEqual({ access: "public" });
});

it("the root says the license and the repository the packages repeat", () => {
  expect(root.license).toBe("MIT");
  expect(readFileSync(path.join(repoRoot, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the webhook-contracts developers\n/);
  expect(root.repository).toEqual({ type: "git", url: "git+https://github.com/webhook-contracts/webhook-contracts.git" });
});

it.each(published)("@webhook-contracts/%s passes publint with no warning or error", async (dir) => {
  const pkgDir = path.join(packagesDir, dir);
  const { messages, pkg } = await publint({ pkgDir, level: "warning" });
  expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
});

const providers = (await loadContracts()).map((p) => p.name);
// The CLI and the docs site have no entry point to import (a command; a static site and its server), and
// the schemas are JSON files: no types.
const typed = published.filter((dir) => manifest(path.join(packagesDir, dir)).exports !== undefined && dir !== "schemas");

it.each(typed)("@webhook-contracts/%s: arethetypeswrong finds the types of every entry point", (dir) => {
  const pkgDir = path.join(packagesDir, dir);
  const { exports = {} } = manifest(pkgDir);
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
