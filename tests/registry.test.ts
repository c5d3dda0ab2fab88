/**
 * The packages as another team gets them: published to a registry the way a release publishes them, then
 * installed from it into a plain npm project outside the workspace, which runs them.
 *   - A local registry (verdaccio, tests/support/registry.ts) on a loopback port, its storage in a temp folder.
 *   - Every package under packages/ that is not private (found, not listed: a new one is published too),
 *     built by `pnpm build` beforehand (the tests' `pnpm test` builds first), is published with
 *     `pnpm publish` from its folder, as Changesets does: pnpm replaces `workspace:*` ranges with versions.
 *   - A project in the temp folder (no workspace above it) installs them all with npm, with TypeScript and
 *     @types/node (the repository's ranges, from registry.npmjs.org through the registry's uplink), and runs
 *     an ES module and a CommonJS script (tests/registry-consumer/), every JavaScript example of the
 *     packages' READMEs, the CLI, the docs site's server, and `tsc --noEmit` under node16, nodenext and
 *     bundler resolution over a TypeScript consumer and every TypeScript example of the READMEs.
 * npm keeps its cache where it always does (~/.npm): tarballs are found there by their integrity and
 * metadata by its URL, whose port is new each run, so nothing stale is served, and what npmjs already
 * gave is not downloaded again. Without the registry, or npmjs behind it, the test fails: it never skips.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ran, type Registry, childEnv, run, startRegistry } from "./support/registry.ts";

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  files?: string[];
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const readManifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;

const packagesDir = path.join(repoRoot, "packages");
const packages = readdirSync(packagesDir)
  .filter((dir) => existsSync(path.join(packagesDir, dir, "package.json")))
  .map((dir) => ({ dir: path.join(packagesDir, dir), manifest: readManifest(path.join(packagesDir, dir)) }))
  .filter((p) => !p.manifest.private);
const names = packages.map((p) => p.manifest.name);
const root = readManifest(repoRoot);

/** The READMEs' examples: ```js blocks run (as CommonJS when they require()), ```ts blocks type-checked (as ES modules). */
const readme = (dir: string) => (existsSync(path.join(dir, "README.md")) ? readFileSync(path.join(dir, "README.md"), "utf8") : ""); // none: tests/publish.test.ts says so
const examples = packages.flatMap((p) =>
  [...readme(p.dir).matchAll(/^```(js|ts)\n([\s\S]*?)^```$/gm)].map((m, i) => ({
    file: `readme-${path.basename(p.dir)}-${i + 1}.${m[1] === "ts" ? "mts" : m[2]!.includes("require(") ? "cjs" : "mjs"}`,
    code: m[2]!,
  })),
);
const scripts = examples.filter((e) => !e.file.endsWith(".mts")).map((e) => e.file);
const typed = examples.filter((e) => e.file.endsWith(".mts")).map((e) => e.file);

let temp: string;
let registry: Registry | undefined;
let project: string;
let env: NodeJS.ProcessEnv;
const published = new Map<string, { status: number | null; output: string }>();
let installed: Ran;

beforeAll(async () => {
  // What a release publishes is what the build made: a package whose files are missing was not built.
  const unbuilt = packages.flatMap((p) => (p.manifest.files ?? []).filter((f) => !existsSync(path.join(p.dir, f))).map((f) => `${p.manifest.name}: ${f}`));
  if (unbuilt.length) throw new Error(`run \`pnpm build\` first; missing: ${unbuilt.join(", ")}`);

  temp = mkdtempSync(path.join(tmpdir(), "webhook-contracts-registry-"));
  registry = await startRegistry(temp);
  env = childEnv({ NPM_CONFIG_USERCONFIG: registry.npmrc });

  // All at once: each is a pnpm and an npm process, mostly waiting on each other.
  await Promise.all(
    packages.map(async (p) => {
      const result = await run("pnpm", ["publish", "--no-git-checks", "--registry", registry!.url], { cwd: p.dir, env, timeoutMs: 60_000 });
      published.set(p.manifest.name, { status: result.status, output: result.stdout + result.stderr });
    }),
  );

  project = path.join(temp, "project");
  mkdirSync(project);
  writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "registry-consumer", version: "0.0.0", private: true }, null, 2)}\n`);
  writeFileSync(path.join(project, ".npmrc"), `registry=${registry.url}\n`);
  for (const file of ["esm.mjs", "commonjs.cjs", "types.mts", "types.cts"])
    cpSync(path.join(repoRoot, "tests/registry-consumer", file), path.join(project, file));
  // The receiver ships no in-memory store (SQLite and PostgreSQL are its own); the one its tests use serves here.
  cpSync(path.join(repoRoot, "packages/receiver/test/runtimes/memory-store.js"), path.join(project, "memory-store.mjs"));
  for (const e of examples) writeFileSync(path.join(project, e.file), e.code);
  const tsconfig = (module: string, moduleResolution: string, include: string[], skipLibCheck: boolean) => ({
    compilerOptions: { module, moduleResolution, target: "es2022", lib: ["es2022"], types: ["node"], strict: true, noEmit: true, skipLibCheck },
    include,
  });
  // The packages' own declarations are checked once, under nodenext (both .d.ts and .d.cts, from types.mts
  // and types.cts); the other two check how they resolve and what the consumer's code sees (2-3 s less each).
  const configs = {
    node16: tsconfig("node16", "node16", ["types.mts", "types.cts", ...typed], true),
    nodenext: tsconfig("nodenext", "nodenext", ["types.mts", "types.cts", ...typed], false),
    bundler: tsconfig("esnext", "bundler", ["types.mts", ...typed], true),
  };
  for (const [name, config] of Object.entries(configs)) writeFileSync(path.join(project, `tsconfig.${name}.json`), `${JSON.stringify(config, null, 2)}\n`);

  if ([...published.values()].some((p) => p.status !== 0)) return; // the first test says which, and why
  // --ignore-scripts: better-sqlite3 (the CLI's dependency, for its SQLite inbox) has no prebuilt binary
  // reachable here and compiles from source for over a minute on two cores; nothing run below opens SQLite
  // (validate loads no store; the receiver runs on an in-memory one). No other installed package has an
  // install script.
  installed = await run(
    "npm",
    [
      "install",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      ...packages.map((p) => `${p.manifest.name}@${p.manifest.version}`),
      `typescript@${root.devDependencies!.typescript}`,
      `@types/node@${root.devDependencies!["@types/node"]}`,
    ],
    { cwd: project, env, timeoutMs: 120_000 },
  );
}, 240_000);

afterAll(async () => {
  await registry?.stop();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

it("finds the packages to publish: every package under packages/ that is not private", () => {
  expect(names).toEqual(expect.arrayContaining(["types", "validators", "fixtures", "receiver", "cli", "docs"].map((n) => `@webhook-contracts/${n}`)));
  expect(names.length).toBe(new Set(names).size);
});

it("publishes each with pnpm publish, its workspace: ranges replaced by the versions they name", async () => {
  const versions = new Map(packages.map((p) => [p.manifest.name, p.manifest.version]));
  for (const p of packages) {
    const result = published.get(p.manifest.name)!;
    expect(result.status, `${p.manifest.name}:\n${result.output}`).toBe(0);
    const packument = (await (await fetch(`${registry!.url}${p.manifest.name.replace("/", "%2f")}`)).json()) as {
      versions: Record<string, Manifest & { dist: { tarball: string } }>;
    };
    const manifest = packument.versions[p.manifest.version]!;
    expect(manifest.name).toBe(p.manifest.name);
    expect(JSON.stringify(manifest)).not.toContain("workspace:");
    for (const [dep, range] of Object.entries(p.manifest.dependencies ?? {}))
      expect(manifest.dependencies?.[dep], `${p.manifest.name} -> ${dep}`).toBe(range.startsWith("workspace:") ? versions.get(dep) : range);
  }
});

describe.concurrent("installed with npm into a plain project", () => {
  const inProject = (command: string, args: string[], timeoutMs = 30_000) => run(command, args, { cwd: project, env, timeoutMs });
  const fixture = (file: string) => path.join(repoRoot, "fixtures", file);

  it("installs every package, with its README and LICENSE", ({ expect }) => {
    expect(installed?.status, installed ? installed.stdout + installed.stderr : "not installed: a package was not published").toBe(0);
    for (const p of packages) {
      const dir = path.join(project, "node_modules", p.manifest.name);
      expect(readManifest(dir).version).toBe(p.manifest.version);
      expect(existsSync(path.join(dir, "README.md")), `${p.manifest.name} README.md`).toBe(true);
      expect(readFileSync(path.join(dir, "LICENSE"), "utf8")).toBe(readFileSync(path.join(repoRoot, "LICENSE"), "utf8"));
    }
  });

  it("runs an ES module: validators, fixtures, lifecycles, a receiver", async ({ expect }) => {
    const result = await inProject(process.execPath, ["esm.mjs"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("esm: validators, fixtures, lifecycles and receiver ok\n");
    expect(result.status).toBe(0);
  });

  it("runs a CommonJS script: require() gets the CommonJS builds", async ({ expect }) => {
    const result = await inProject(process.execPath, ["commonjs.cjs"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^commonjs: \d+ providers' fixtures valid, validators and receiver ok\n$/);
    expect(result.status).toBe(0);
  });

  it("finds examples in the READMEs to run and to type-check", ({ expect }) => {
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    expect(typed.length).toBeGreaterThanOrEqual(2);
  });

  it.for(scripts)("runs the README example %s", async (file, { expect }) => {
    const result = await inProject(process.execPath, [file]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("runs the CLI: npx webhook-contracts validate", async ({ expect }) => {
    const validate = (file: string) => inProject("npx", ["--no", "--", "webhook-contracts", "validate", "--provider", "scalapay", fixture(file)]);
    const valid = await validate("scalapay/created/valid/docs-example.json");
    expect(valid.stdout + valid.stderr).toBe("valid: scalapay created\n");
    expect(valid.status).toBe(0);
    const invalid = await validate("scalapay/created/invalid/total-amount-as-string.json");
    expect(invalid.stdout + invalid.stderr).toBe('scalapay created /totalAmount: expected type number, received "40.70" [type]\n');
    expect(invalid.status).toBe(1);
    const version = await inProject("npx", ["--no", "--", "webhook-contracts", "--version"]);
    expect(version.stdout.trim()).toBe(packages.find((p) => p.manifest.name === "@webhook-contracts/cli")!.manifest.version);
  });

  it("serves the docs site: npx webhook-contracts-docs", async ({ expect }) => {
    const docs = path.join(project, "node_modules/@webhook-contracts/docs");
    expect(existsSync(path.join(docs, "dist/index.html"))).toBe(true);
    const server = spawn("npx", ["--no", "--", "webhook-contracts-docs", "--port", "0"], {
      cwd: project,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => reject(new Error(`no URL within 20 s:\n${output}`)), 20_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /docs at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        server.stdout.on("data", read);
        server.stderr.on("data", read);
        server.once("exit", (code) => reject(new Error(`exited (${code}):\n${output}`)));
      });
      const page = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(readFileSync(path.join(docs, "dist/index.html"), "utf8"));
    } finally {
      try {
        process.kill(-server.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    }
  });

  it.for(["node16", "nodenext", "bundler"])("type-checks a TypeScript consumer under %s resolution", async (resolution, { expect }) => {
    const result = await inProject(process.execPath, [path.join(project, "node_modules/typescript/bin/tsc"), "-p", `tsconfig.${resolution}.json`], 60_000);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
