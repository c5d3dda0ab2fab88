/**
 * Builds the CLI with esbuild: its own code into one file, dependencies left as imports (they are the
 * workspace's packages). Type-checking is the tests' job (tests/consumer.test.ts), not the build's.
 */
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "./contracts.ts";

const cliDir = path.join(repoRoot, "packages/cli");
await build({
  entryPoints: [path.join(cliDir, "src/cli.ts")],
  outfile: path.join(cliDir, "dist/cli.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
