/**
 * The packages other teams install, as a registry would hand them out: publint packs each one (pnpm pack)
 * and checks its package.json against the files in the tarball (exports that point at nothing, formats
 * that disagree with the file extension, types that resolve nowhere).
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../packages", import.meta.url));
const published = readdirSync(packagesDir).filter(
  (dir) => !(JSON.parse(readFileSync(path.join(packagesDir, dir, "package.json"), "utf8")) as { private?: boolean }).private,
);

it.each(published)("@webhook-contracts/%s passes publint with no warning or error", async (dir) => {
  const pkgDir = path.join(packagesDir, dir);
  const { messages, pkg } = await publint({ pkgDir, level: "warning" });
  expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
});
