/**
 * A copy of this repository as a fresh clone has it (tracked and new files, no build output) in a temp
 * folder whose path has spaces, committed to a git repository of its own and installed from pnpm's store:
 * where a test can change the contracts as a person would, build, and run the CLI.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";

export interface Served {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, answering /readyz. */
  base: string;
}

export interface RepositoryCopy {
  dir: string;
  /** Runs a command in the copy; throws (with status and stdout) when it exits non-zero. */
  run(command: string, args: string[]): string;
  /** The copy's CLI: its exit status and everything it printed. */
  cli(args: string[]): { status: number; stdout: string };
  /** The copy's `serve --no-worker` with `config`, on a free loopback port, once it is ready. */
  serve(config: string): Promise<Served>;
  /** Writes a file of the copy (JSON unless a string). */
  write(file: string, value: unknown): void;
  /**
   * Commits the removal of the pending changesets, as main is right after a release: the changes a test
   * makes then need changesets of their own, whatever this repository has pending.
   */
  release(): void;
  remove(): void;
}

export function copyRepository(label: string, env: Record<string, string> = {}): RepositoryCopy {
  const dir = mkdtempSync(path.join(tmpdir(), `webhook-contracts ${label} `));
  const run = (command: string, args: string[]) =>
    execFileSync(command, args, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", CI: "true", ...env },
      stdio: "pipe",
      maxBuffer: 1 << 26,
    });
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: repoRoot, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) if (existsSync(path.join(repoRoot, file))) cpSync(path.join(repoRoot, file), path.join(dir, file), { recursive: false });
  // This checkout's turbo cache comes along: what the copy does not change is not built again (the same
  // inputs, the same outputs), and what it changes is.
  const cache = path.join(repoRoot, ".turbo/cache");
  if (existsSync(cache)) cpSync(cache, path.join(dir, ".turbo/cache"), { recursive: true });
  run("git", ["init", "-q", "-b", "main"]);
  run("git", ["add", "-A"]);
  run("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy"]);
  run("pnpm", ["install", "--offline", "--frozen-lockfile"]);
  return {
    dir,
    run,
    cli(args) {
      try {
        return { status: 0, stdout: run(process.execPath, [path.join(dir, "packages/cli/bin/webhook-contracts.js"), ...args]) };
      } catch (error) {
        const e = error as { status: number; stdout: string; stderr: string };
        return { status: e.status, stdout: e.stdout + e.stderr };
      }
    },
    async serve(config) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [path.join(dir, "packages/cli/bin/webhook-contracts.js"), "serve", "--config", config, "--port", String(port), "--no-worker"],
        {
          cwd: dir,
          env: { ...process.env, ...env },
          stdio: "pipe",
        },
      );
      const base = `http://127.0.0.1:${port}`;
      const ready = () =>
        fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
      for (let i = 0; i < 100 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 100));
      return { child, base };
    },
    write(file, value) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), typeof value === "string" ? value : `${JSON.stringify(value, null, 2)}\n`);
    },
    release() {
      const pending = readdirSync(path.join(dir, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
      if (pending.length === 0) return;
      for (const f of pending) rmSync(path.join(dir, ".changeset", f));
      run("git", ["add", "-A", ".changeset"]);
      run("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "released"]);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
