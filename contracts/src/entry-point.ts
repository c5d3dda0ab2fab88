/**
 * Whether a module is the script Node was asked to run. Comparing `import.meta.url` with
 * `file://${process.argv[1]}` fails in a checkout whose path has a space (the URL writes it %20): the
 * generators then did nothing and exited 0. Paths are compared as paths.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export function isEntryPoint(moduleUrl: string, script: string | undefined = process.argv[1]): boolean {
  return script !== undefined && fileURLToPath(moduleUrl) === path.resolve(script);
}
