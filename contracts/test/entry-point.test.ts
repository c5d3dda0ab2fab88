/** The generators run when Node runs them, wherever the checkout is: paths with spaces included. */
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { isEntryPoint } from "../src/entry-point.ts";

describe("isEntryPoint", () => {
  it.each<[string, string, string | undefined, boolean]>([
    ["the script itself", "/repo/scripts/src/generate-types.ts", "/repo/scripts/src/generate-types.ts", true],
    ["in a folder with a space", "/home/me/my projects/wc/scripts/src/generate-types.ts", "/home/me/my projects/wc/scripts/src/generate-types.ts", true],
    ["with other characters URLs escape", "/tmp/a#b/c%d/é/x.ts", "/tmp/a#b/c%d/é/x.ts", true],
    ["given relative to the working directory", `${process.cwd()}/x.ts`, "x.ts", true],
    ["imported by another script", "/repo/scripts/src/contracts.ts", "/repo/scripts/src/generate-types.ts", false],
    ["no script (a REPL)", "/repo/x.ts", undefined, false],
  ])("%s", (_name, file, script, expected) => {
    expect(isEntryPoint(pathToFileURL(file).href, script)).toBe(expected);
  });
});
