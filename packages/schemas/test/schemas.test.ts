/**
 * @webhook-contracts/schemas as a team in another language uses it: the readings as tables of small input
 * and exact output; every fixture checked by Python's jsonschema (Debian's python3-jsonschema) against
 * the built files, with the formats implemented from index.json's words; the AsyncAPI document parsed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Parser } from "@asyncapi/parser";
import { loadContracts, repoRoot } from "@webhook-contracts/contracts";
import { listFixtures } from "@webhook-contracts/contracts/fixtures";
import { describe, expect, it } from "vitest";
import { reading } from "../build/readings.ts";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const read = (file: string) => JSON.parse(readFileSync(path.join(dist, file), "utf8")) as Record<string, unknown>;
const head = { $schema: "http://json-schema.org/draft-07/schema#", $id: "x" };

describe("readings", () => {
  it.each([
    ["a closed object is closed only in strict", { type: "object", additionalProperties: false }, { type: "object", additionalProperties: false }, { type: "object" }],
    [
      "an open list of strings is closed only in strict",
      { type: "string", "x-known-values": ["A"] },
      { type: "string", "x-known-values": ["A"], allOf: [{ enum: ["A"] }] },
      { type: "string", "x-known-values": ["A"] },
    ],
    [
      "an open list that may be null closes over strings only",
      { type: ["string", "null"], "x-known-values": ["A"] },
      { type: ["string", "null"], "x-known-values": ["A"], allOf: [{ if: { type: "string" }, then: { enum: ["A"] } }] },
      { type: ["string", "null"], "x-known-values": ["A"] },
    ],
    ["a list with its enum stays as it is", { enum: ["A"], "x-known-values": ["A"] }, { enum: ["A"], "x-known-values": ["A"] }, { enum: ["A"], "x-known-values": ["A"] }],
    [
      "what we only inferred is checked only in strict, beside what the schema had",
      { allOf: [{ type: "object" }], "x-inferred": { required: ["a"] } },
      { allOf: [{ type: "object" }, { required: ["a"] }] },
      { allOf: [{ type: "object" }], "x-inferred": { required: ["a"] } },
    ],
    [
      "nested files' $id and $schema go; properties are followed",
      { $id: "https://e/x.json", properties: { a: { $id: "https://e/a.json", $schema: "s", type: "object", additionalProperties: false } } },
      { properties: { a: { type: "object", additionalProperties: false } } },
      { properties: { a: { type: "object" } } },
    ],
    ["a property named like a keyword is a name, not a keyword", { properties: { $id: { type: "string" } } }, { properties: { $id: { type: "string" } } }, { properties: { $id: { type: "string" } } }],
  ])("%s", (_, input, strict, tolerant) => {
    expect(reading(input, "strict", "x")).toEqual({ ...head, ...strict });
    expect(reading(input, "tolerant", "x")).toEqual({ ...head, ...tolerant });
  });
});

describe("the built package", () => {
  it("has both readings of every message, each self-contained, and says which is which in index.json", async () => {
    const index = read("index.json") as { providers: Record<string, { messages: Record<string, { strict: string; tolerant: string }> }> };
    for (const provider of await loadContracts()) {
      expect(Object.keys(index.providers[provider.name]!.messages)).toEqual(provider.messages.map((m) => m.name));
      for (const files of Object.values(index.providers[provider.name]!.messages))
        for (const file of [files.strict, files.tolerant]) {
          const text = readFileSync(path.join(dist, file), "utf8");
          expect(text.match(/"\$ref"/g), file).toBeNull();
          expect(text.match(/"\$id"/g), file).toEqual(['"$id"']);
        }
    }
  });

  it("has an AsyncAPI document that parses with no error and points at no other file", async () => {
    const text = readFileSync(path.join(dist, "asyncapi.json"), "utf8");
    expect([...text.matchAll(/"\$ref": "([^"]*)"/g)].map((m) => m[1]).filter((ref) => !ref!.startsWith("#/"))).toEqual([]);
    const { document, diagnostics } = await new Parser().parse(text);
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code}: ${d.message} at ${d.path.join("/")}`)).toEqual([]);
    expect(document!.channels().all().length).toBe((await loadContracts()).length);
  });
});

// Debian's python3-jsonschema installs for the system's Python; CI installs it (.ci/run).
const python = process.env.PYTHON ?? "/usr/bin/python3";
const hasJsonschema = existsSync(python) && (() => {
  try {
    execFileSync(python, ["-c", "import jsonschema"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasJsonschema && process.env.CI) throw new Error(`CI=true but ${python} cannot import jsonschema: apt-get install python3-jsonschema (.ci/run does)`);

/** Our keyword, as a validator that knows none of ours names it. */
const plainKeywords: Record<string, string[]> = { "x-known-values": ["enum"], discriminator: ["const", "enum"] };

describe.skipIf(!hasJsonschema)("every fixture, by Python's jsonschema", () => {
  const results = new Map<string, { pointer: string; keyword: string }[]>();
  for (const line of execFileSync(python, [path.join(repoRoot, "packages/schemas/test/check_fixtures.py"), dist, path.join(repoRoot, "fixtures")], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  })
    .trim()
    .split("\n")) {
    const r = JSON.parse(line) as { file: string; reading: string; errors: { pointer: string; keyword: string }[] };
    results.set(`${r.reading} ${r.file}`, r.errors);
  }
  const fixtures = listFixtures().filter((f) => f.kind !== "template");
  const name = (f: (typeof fixtures)[number]) => `${f.provider}/${f.message}/${f.kind}/${f.name}.json`;

  it("checked every valid and invalid fixture in both readings", () => {
    expect([...results.keys()].sort()).toEqual(fixtures.flatMap((f) => [`strict ${name(f)}`, `tolerant ${name(f)}`]).sort());
  });

  it.each(fixtures.filter((f) => f.kind === "valid").map((f) => [name(f)]))("%s is valid in both readings", (file) => {
    expect(results.get(`strict ${file}`)).toEqual([]);
    expect(results.get(`tolerant ${file}`)).toEqual([]);
  });

  // A transition is a rule between deliveries (check-sequence), not of one payload: no schema says it.
  const invalid = fixtures.filter((f) => f.kind === "invalid" && f.expected!.keyword !== "transition");
  it.each(invalid.map((f) => [name(f), f] as const))("%s fails where its expectation says", (file, f) => {
    const { path: pointer, keyword, mode } = f.expected!;
    const found = (reading: string) =>
      results.get(`${reading} ${file}`)!.some((e) => e.pointer === pointer && (plainKeywords[keyword] ?? [keyword]).includes(e.keyword));
    expect(found("strict"), JSON.stringify(results.get(`strict ${file}`))).toBe(true);
    // Tolerant lets through what our tolerant mode warns of; a discriminator naming another message is
    // still not this message (our receiver then checks what the provider's messages share).
    if (mode === "strict" && keyword !== "discriminator") expect(results.get(`tolerant ${file}`)).toEqual([]);
    else expect(found("tolerant"), JSON.stringify(results.get(`tolerant ${file}`))).toBe(true);
  });
});
