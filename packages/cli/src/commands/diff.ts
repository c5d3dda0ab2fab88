/**
 * diff: what changed in the contracts between two revisions, classified. It reads a contracts repository
 * (asyncapi.yaml, schemas/ and the contract model in contracts/), so it runs in a checkout of one: the
 * work is done by that checkout's own contracts/src/diff-command.ts, which this finds above the current
 * folder and runs, passing its output and exit code through.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { type CliIO, UsageError } from "../io.js";

const command = "contracts/src/diff-command.ts";

function repositoryAbove(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, command))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

export async function diff(args: string[], io: CliIO): Promise<number> {
  const root = repositoryAbove(process.cwd());
  if (!root) throw new UsageError(`diff runs in a checkout of a contracts repository (no ${command} in ${process.cwd()} or above)`, false);
  const tsx = path.join(root, "contracts/node_modules/.bin/tsx");
  if (!existsSync(tsx)) throw new UsageError(`${root}: its dependencies are not installed (pnpm install)`, false);
  const child = spawn(tsx, [path.join(root, command), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d: Buffer) => io.stdout.write(d));
  child.stderr.on("data", (d: Buffer) => io.stderr.write(d));
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 2)));
}
