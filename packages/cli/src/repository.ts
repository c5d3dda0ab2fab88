/**
 * The contracts repository the command runs in: `diff` and `drift --propose` work on a checkout of it
 * (its schemas/, fixtures/ and its contract model in contracts/), which they find above the current folder.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { type CliIO, UsageError } from "./io.js";

/** Runs `script` (a path in the repository, e.g. contracts/src/diff-command.ts) of the checkout above the current folder, output passed through. */
export async function runInRepository(command: string, script: string, args: string[], io: CliIO): Promise<number> {
  let root: string | undefined;
  for (let at = path.resolve(process.cwd()); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, script))) {
      root = at;
      break;
    }
    if (path.dirname(at) === at) break;
  }
  if (!root) throw new UsageError(`${command} runs in a checkout of a contracts repository (no ${script} in ${process.cwd()} or above)`, false);
  const tsx = path.join(root, "contracts/node_modules/.bin/tsx");
  if (!existsSync(tsx)) throw new UsageError(`${root}: its dependencies are not installed (pnpm install)`, false);
  const child = spawn(tsx, [path.join(root, script), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d: Buffer) => io.stdout.write(d));
  child.stderr.on("data", (d: Buffer) => io.stderr.write(d));
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 2)));
}
