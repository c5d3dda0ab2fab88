/**
 * Builds the in-page payload checker: one classic-script bundle per provider (dist/assets/checker/<provider>.js),
 * which the page loads only when someone starts using the checker, so a page's first load stays small and
 * works from file://. Each bundle is src/checker-entry.ts with that provider's validator, as
 * @webhook-contracts/validators ships it, and the receiver's public signer; src/checker.js (the UI) is
 * copied beside them as dist/assets/checker.js.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { repoRoot } from "@webhook-contracts/contracts";
import { camelCase } from "@webhook-contracts/contracts/naming";

const docsDir = fileURLToPath(new URL("..", import.meta.url));
const srcDir = path.join(docsDir, "src");

/** Where a page finds a provider's bundle, relative to the site's root. */
export const checkerBundlePath = (provider: string) => `assets/checker/${provider}.js`;
/** The UI script every page with a checker loads, relative to the site's root. */
export const checkerScriptPath = "assets/checker.js";

/**
 * The file `@webhook-contracts/receiver` resolves to (the "." of its exports map: its public entry), the
 * workspace's copy (a devDependency, which packages/docs/turbo.json builds first); never its src/.
 */
export function receiverEntry(): string {
  const entry = createRequire(path.join(docsDir, "package.json")).resolve("@webhook-contracts/receiver");
  if (!existsSync(entry)) {
    throw new Error(`${path.relative(repoRoot, entry)} does not exist: build the receiver first (pnpm --filter @webhook-contracts/receiver build)`);
  }
  return entry;
}

/** The generated entry of one provider's bundle: its validator and the receiver's exports, handed to the engine. */
export function checkerEntrySource(provider: string): string {
  return [
    `import { ${camelCase(provider)} as validator } from ${JSON.stringify(`@webhook-contracts/validators/${provider}`)};`,
    `import { authSchemes, parseJson, signedHeaders } from ${JSON.stringify(receiverEntry())};`,
    `import { register } from "./checker-entry.ts";`,
    `register(${JSON.stringify(provider)}, validator, { authSchemes, parseJson, signedHeaders });`,
  ].join("\n");
}

/** The bundle's text for one provider (minified; nothing outside it is loaded). */
export async function bundleChecker(provider: string): Promise<Uint8Array> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(provider)) throw new TypeError(`not a provider name: ${JSON.stringify(provider)}`);
  const result = await build({
    stdin: { contents: checkerEntrySource(provider), resolveDir: srcDir, sourcefile: `checker-${provider}.ts`, loader: "ts" },
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    // Chromium, Firefox and Safari of the last years; the UI script is plain ES2020 too.
    target: "es2020",
    minify: true,
    treeShaking: true,
    legalComments: "none",
    logLevel: "warning",
    // The receiver's dist/index.js imports one of its chunks bare (group-commit: a function, no side effect)
    // and its package says sideEffects: false, so esbuild drops that import and warns. Nothing is lost.
    logOverride: { "ignored-bare-import": "silent" },
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild wrote no bundle for ${provider}`);
  return output.contents;
}

/**
 * Writes each provider's bundle to `<outDir>/assets/checker/<provider>.js` and the UI to
 * `<outDir>/assets/checker.js`; returns each bundle's size in bytes.
 */
export async function buildCheckers(outDir: string, providers: string[]): Promise<Record<string, number>> {
  const dir = path.join(outDir, "assets/checker");
  await mkdir(dir, { recursive: true });
  const bundles = await Promise.all(providers.map(async (provider) => [provider, await bundleChecker(provider)] as const));
  const sizes: Record<string, number> = {};
  for (const [provider, bytes] of bundles) {
    await writeFile(path.join(outDir, checkerBundlePath(provider)), bytes);
    sizes[provider] = bytes.byteLength;
  }
  await copyFile(path.join(srcDir, "checker.js"), path.join(outDir, checkerScriptPath));
  return sizes;
}
