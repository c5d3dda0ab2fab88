/** What contracts/lifecycle.schema.json lets into a lifecycle table (the model checks every table against it). */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { provenanceKinds } from "../src/model.ts";

const schema = JSON.parse(readFileSync(new URL("../lifecycle.schema.json", import.meta.url), "utf8")) as {
  properties: { "x-provenance": { properties: { kind: { enum: string[] } } } };
};
const validate = new Ajv({ allErrors: true }).compile(schema);
const table = (change: Record<string, unknown>) => ({
  title: "T",
  description: "D",
  "x-provenance": { kind: "docs", sources: ["a page"] },
  messages: ["m"],
  subject: "/id",
  status: "/status",
  initial: ["new"],
  final: ["done"],
  transitions: [{ from: null, to: "new", source: "docs: created" }],
  ...change,
});

describe("a lifecycle table", () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ["as it should be", {}, true],
    [
      "a transition known from the docs or inferred",
      {
        transitions: [
          { from: null, to: "new", source: "docs: x" },
          { from: "new", to: "done", source: "inferred: y" },
        ],
      },
      true,
    ],
    ["a transition that does not say where it is known from", { transitions: [{ from: null, to: "new", source: "a blog post" }] }, false],
    ["a transition with no source", { transitions: [{ from: null, to: "new" }] }, false],
    ["an impossible transition from the docs", { impossible: [{ from: "done", to: "new", source: "docs: z" }] }, true],
    ["an impossible transition we only inferred", { impossible: [{ from: "done", to: "new", source: "inferred: z" }] }, false],
    ["provenance of a kind we do not know", { "x-provenance": { kind: "guess", sources: ["x"] } }, false],
    ["provenance without sources", { "x-provenance": { kind: "docs", sources: [] } }, false],
    ["a status pointer that is no pointer", { status: "status" }, false],
    ["a status whose place no source shows, with where it is known from", { unplaced: [{ status: "legacy", source: "a plugin handles it" }] }, true],
    ["an unplaced status without a source", { unplaced: [{ status: "legacy" }] }, false],
  ])("%s", (_label, change, valid) => {
    expect(validate(table(change)), JSON.stringify(validate.errors)).toBe(valid);
  });

  it("knows the same provenance kinds as the schemas", () => {
    expect(schema.properties["x-provenance"].properties.kind.enum).toEqual([...provenanceKinds]);
  });
});
