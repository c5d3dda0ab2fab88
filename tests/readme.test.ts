/** The README's layout section names files and folders that exist, where it says they are. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";
import { expect, it } from "vitest";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const layout = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)![1]!;

/** Each path of the layout's first column (before the description), relative to the root or to the top-level folder above it. */
function layoutPaths(): { name: string; resolved: string[] }[] {
  const out: { name: string; resolved: string[] }[] = [];
  let top = "";
  for (const line of layout.split("\n")) {
    const column = line.slice(0, 49);
    if (/^\S/.test(line)) top = line.split(/\s+/)[0]!.replace(/\/$/, "");
    for (const token of column.trim().split(/\s+/)) {
      if (!/^[\w.-]+(\/[\w.-]*)*$/.test(token) || !/[/.]/.test(token) || token.startsWith("@")) continue;
      out.push({ name: token, resolved: [token, path.posix.join(top, token)] });
    }
  }
  return out;
}

it("names only paths that exist", () => {
  const paths = layoutPaths();
  expect(paths.length).toBeGreaterThan(20);
  expect(paths.filter((p) => !p.resolved.some((r) => existsSync(path.join(repoRoot, r)))).map((p) => p.name)).toEqual([]);
});

it("lists every package, and every file of the contract model", () => {
  for (const dir of readdirSync(path.join(repoRoot, "packages"))) expect(layout).toContain(`packages/${dir}/`);
  for (const file of readdirSync(path.join(repoRoot, "contracts/src"))) expect(layout).toContain(`src/${file}`);
});
