/**
 * Builds a hand-written Node package (the CLI, the receiver) with esbuild: its own code into one file,
 * dependencies left as imports. Type-checking is the tests' job (tests/consumer.test.ts), not the build's.
 *   tsx scripts/src/bundle-node.ts <package directory, from the repository root> <entry, from the package>
 */
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "./contracts.ts";

const [packageDir = "", entry = "src/index.ts"] = process.argv.slice(2);
const dir = path.join(repoRoot, packageDir);
await build({
  entryPoints: [path.join(dir, entry)],
  outfile: path.join(dir, "dist", `${path.basename(entry, ".ts")}.js`),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
