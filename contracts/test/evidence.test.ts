/** The evidence counts: small schemas in, exact counts out. */
import { describe, expect, it } from "vitest";
import { countEvidence } from "../src/evidence.ts";
import type { JsonSchema, LifecycleContract } from "../src/model.ts";

describe("countEvidence", () => {
  it.each<[string, JsonSchema, { documented: number; inferred: number; open: number }]>([
    ["one type", { type: "string" }, { documented: 1, inferred: 0, open: 0 }],
    [
      "each required name; not additionalProperties",
      { type: "object", additionalProperties: false, required: ["a", "b"], properties: { a: { type: "string" }, b: {} } },
      { documented: 4, inferred: 0, open: 0 },
    ],
    ["an open list apart", { type: "string", "x-known-values": ["A"] }, { documented: 1, inferred: 0, open: 1 }],
    [
      "what x-inferred holds",
      { type: "object", properties: { a: { type: ["string", "null"] } }, "x-inferred": { required: ["a"], properties: { a: { type: "string" } } } },
      { documented: 2, inferred: 2, open: 0 },
    ],
    [
      "a then, not its if",
      { allOf: [{ if: { properties: { s: { const: "X" } }, required: ["s"] }, then: { required: ["t"] } }] },
      { documented: 1, inferred: 0, open: 0 },
    ],
    ["both branches of anyOf", { anyOf: [{ type: "string", format: "date" }, { type: "null" }] }, { documented: 3, inferred: 0, open: 0 }],
  ])("%s", (_name, schema, expected) => {
    expect(countEvidence(schema)).toEqual(expected);
  });

  it("adds the lifecycle's transitions to the messages that carry the status", () => {
    const lifecycle = {
      messages: ["M"],
      transitions: [
        { from: null, to: "a", source: "docs: x" },
        { from: "a", to: "b", source: "inferred: y" },
      ],
      impossible: [{ from: "b", to: "a", source: "docs: z" }],
    } as unknown as LifecycleContract;
    expect(countEvidence({}, { name: "M" }, lifecycle)).toEqual({ documented: 2, inferred: 1, open: 0 });
    expect(countEvidence({}, { name: "N" }, lifecycle)).toEqual({ documented: 0, inferred: 0, open: 0 });
  });
});
