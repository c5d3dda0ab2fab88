/** The one fixture walker, on small trees written here: what it lists, in which order, and what it refuses. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listFixtures, messageFixtures } from "../src/fixtures.ts";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "fixtures "));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("listFixtures", () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      "valid, invalid and template, each in name order",
      {
        "p/m/valid/b.json": "2",
        "p/m/valid/a.json": "1",
        "p/m/template/t.json": "{}",
        "p/m/invalid/x.json": "0",
        "p/m/invalid/x.expected.json": '{"path":"","keyword":"type"}',
      },
      ["p/m/valid/a", "p/m/valid/b", "p/m/invalid/x", "p/m/template/t"],
    ],
    [
      "providers and messages in name order",
      { "q/m/valid/a.json": "1", "p/n/valid/a.json": "1", "p/m/valid/a.json": "1" },
      ["p/m/valid/a", "p/n/valid/a", "q/m/valid/a"],
    ],
    [
      "no file but .json; no expectation taken for a fixture",
      { "p/m/valid/a.json": "1", "p/m/valid/notes.txt": "x", "p/m/valid/a.expected.json": "{}" },
      ["p/m/valid/a"],
    ],
  ])("%s", (_label, files, expected) => {
    expect(listFixtures(tree(files)).map((f) => `${f.provider}/${f.message}/${f.kind}/${f.name}`)).toEqual(expected);
  });

  it("reads the exact text, the parsed body and an invalid fixture's expectation", () => {
    const root = tree({ "p/m/invalid/x.json": '{ "a": 1 }\n', "p/m/invalid/x.expected.json": '{"path":"/a","keyword":"type","mode":"strict"}' });
    expect(listFixtures(root)).toEqual([
      {
        provider: "p",
        message: "m",
        kind: "invalid",
        name: "x",
        file: path.join(root, "p/m/invalid/x.json"),
        text: '{ "a": 1 }\n',
        body: { a: 1 },
        expected: { path: "/a", keyword: "type", mode: "strict" },
      },
    ]);
  });

  it("refuses an invalid fixture without its expectation, naming it", () => {
    const root = tree({ "p/m/invalid/lonely.json": "{}" });
    expect(() => listFixtures(root)).toThrow(/p\/m\/invalid\/lonely\.json: no lonely\.expected\.json beside it/);
  });

  it("gives [] for a message folder that does not exist", () => {
    expect(messageFixtures("p", "none", "valid", tree({}))).toEqual([]);
  });
});
