/** What a release writes besides Changesets' own: the contract changes in each CHANGELOG entry, and info.version. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { withInfoVersion, withSection } from "../src/release-version.ts";

describe("withSection", () => {
  it.each([
    ["the only entry", "# p\n\n## 0.2.0\n\n### Minor Changes\n\n- a: x\n", "# p\n\n## 0.2.0\n\n### Minor Changes\n\n- a: x\n\n### C\n\nt\n"],
    ["before the previous entry", "# p\n\n## 0.2.0\n\n- a: x\n\n## 0.1.0\n\n- b\n", "# p\n\n## 0.2.0\n\n- a: x\n\n### C\n\nt\n\n## 0.1.0\n\n- b\n"],
    ["an entry with nothing in it yet", "# p\n\n## 0.2.0\n", "# p\n\n## 0.2.0\n\n### C\n\nt\n"],
  ])("%s", (_, changelog, expected) => {
    expect(withSection(changelog, "0.2.0", "### C\n\nt\n")).toBe(expected);
  });

  it("refuses a CHANGELOG with no entry for the version", () => {
    expect(() => withSection("# p\n\n## 0.1.0\n", "0.2.0", "x")).toThrow('no "## 0.2.0" entry');
  });
});

describe("withInfoVersion", () => {
  it("sets info.version and nothing else, comments and all", () => {
    const text =
      "asyncapi: 3.0.0\ninfo:\n  title: t\n  description: |\n    version: 9\n\n    more\n  version: 0.1.0 # the contract's\nservers:\n  version: x\n";
    const out = withInfoVersion(text, "1.2.0");
    expect(out).toBe(text.replace("version: 0.1.0 # the contract's", "version: 1.2.0"));
    expect((parse(out) as { info: { version: string } }).info.version).toBe("1.2.0");
  });
});
