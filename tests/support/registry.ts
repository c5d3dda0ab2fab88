/**
 * A local npm registry for tests/registry.test.ts: verdaccio on a free loopback port, with its own storage
 * and configuration in a temp folder. Packages named @webhook-contracts/* are published to it (anyone may,
 * without an account) and never looked up elsewhere; every other name goes to registry.npmjs.org, so that
 * the packages' dependencies install. And a child process runner with a time limit, for the steps around it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";
import { freePort } from "./copy.ts";

export interface Registry {
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** An npmrc with the token npm wants before it publishes (verdaccio takes any: publish is $anonymous). */
  npmrc: string;
  stop(): Promise<void>;
}

const config = `# Written by tests/support/registry.ts
storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: -1
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 30s
    max_fails: 3
packages:
  "@webhook-contracts/*":
    access: $all
    publish: $anonymous
  "**":
    access: $all
    proxy: npmjs
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;

/** Starts verdaccio with its storage in `dir`; resolves once it answers its ping, rejects (with its output) if it does not within `timeoutMs`. */
export async function startRegistry(dir: string, timeoutMs = 30_000): Promise<Registry> {
  writeFileSync(path.join(dir, "config.yaml"), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const npmrc = path.join(dir, "npmrc");
  // The user config of every npm and pnpm run by the test (NPM_CONFIG_USERCONFIG): nothing from ~/.npmrc.
  writeFileSync(npmrc, [`//127.0.0.1:${port}/:_authToken=registry-test`, "fund=false", "audit=false", "update-notifier=false", ""].join("\n"));
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "tests/node_modules/verdaccio/bin/verdaccio"), "--config", "config.yaml", "--listen", `127.0.0.1:${port}`],
    {
      cwd: dir,
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => stopChild(child);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`verdaccio exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    const ok = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, npmrc, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`verdaccio did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * This process's environment without npm's and pnpm's settings (but where npm's cache is): run under
 * `pnpm test`, it carries npm_config_* variables (pnpm's own settings) that would outrank a project's .npmrc.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|pnpm_)/i.test(key) || /^npm_config_cache$/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, or kills it after `timeoutMs` (status null, and why in stderr). */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // A process group of its own, so that a timeout kills what it started too (pnpm publish runs npm).
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? childEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs} ms: ${command} ${args.join(" ")})`;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
