/**
 * Our format checks (src/formats.ts) against the JSON Schema Test Suite's format cases (vendored in
 * json-schema-test-suite/, with its license): every string case must get the suite's answer, except the
 * deliberate differences in the table below, each with its reason. Non-string cases: formats ignore
 * non-strings, checked through a validator Ajv compiles with our formats, as the build does.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createAjv } from "../build/ajv-keywords.ts";
import { formats } from "../src/formats.ts";

const dir = new URL("./json-schema-test-suite/", import.meta.url);
const files: Record<string, string> = {
  "date-time": "draft7/optional/format/date-time.json",
  date: "draft7/optional/format/date.json",
  email: "draft7/optional/format/email.json",
  uri: "draft7/optional/format/uri.json",
  uuid: "draft2020-12/optional/format/uuid.json",
};

/**
 * Where we deliberately answer otherwise than the suite: format, the case's data, our answer, and why.
 * Empty today: the three cases ajv-formats accepts and the suite rejects (a "urn:uuid:" prefix, a
 * non-numeric port, brackets in a path segment) are rejected by ours too (see formats.ts).
 */
const differences: readonly { format: string; data: string; ours: boolean; reason: string }[] = [];

interface Case {
  description: string;
  data: unknown;
  valid: boolean;
}
const groups = Object.entries(files).flatMap(([format, file]) =>
  (JSON.parse(readFileSync(new URL(file, dir), "utf8")) as { description: string; schema: Record<string, unknown>; tests: Case[] }[]).map((group) => ({
    format,
    ...group,
  })),
);
const cases = groups.flatMap((g) => g.tests.map((t) => ({ format: g.format, group: g.description, ...t })));
const strings = cases.filter((c) => typeof c.data === "string");

describe("the JSON Schema Test Suite's format cases", () => {
  it("has every format we check and use with a file of the suite", () => {
    for (const format of Object.keys(files)) expect(Object.keys(formats)).toContain(format);
    expect(strings.length).toBe(178);
  });

  it.each(strings.map((c) => [c.format, JSON.stringify(c.data), c.description, c] as const))("%s %s: %s", (format, _data, _d, c) => {
    const difference = differences.find((d) => d.format === format && d.data === c.data);
    expect(formats[format]!(c.data as string)).toBe(difference ? difference.ours : c.valid);
  });

  it("lists only differences that are still differences", () => {
    for (const d of differences) expect(strings.find((c) => c.format === d.format && c.data === d.data)?.valid).toBe(!d.ours);
  });

  it("answers every case, strings and others, the same through a validator Ajv compiles with our formats", () => {
    const ajv = createAjv();
    for (const group of groups) {
      const { $schema: _draft, ...schema } = group.schema;
      // Every type named, which is no type at all, but satisfies our Ajv's strictTypes.
      const validate = ajv.compile({ type: ["string", "number", "boolean", "null", "array", "object"], ...schema });
      for (const c of group.tests) {
        const difference = differences.find((d) => d.format === group.format && d.data === c.data);
        expect(validate(c.data), `${group.format} ${JSON.stringify(c.data)}`).toBe(difference ? difference.ours : c.valid);
      }
    }
    expect(cases.length - strings.length).toBeGreaterThan(20); // the non-strings, which formats ignore
  });
});
