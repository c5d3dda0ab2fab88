/** The evidence counts and the x-inferred keyword: small schemas in, exact counts and issues out. */
import { describe, expect, it } from "vitest";
import { createAjv } from "../src/ajv.ts";
import { countEvidence } from "../src/evidence.ts";
import type { JsonSchema, LifecycleContract } from "../src/contracts.ts";

describe("countEvidence", () => {
  it.each<[string, JsonSchema, { documented: number; inferred: number; open: number }]>([
    ["one type", { type: "string" }, { documented: 1, inferred: 0, open: 0 }],
    ["each required name; not additionalProperties", { type: "object", additionalProperties: false, required: ["a", "b"], properties: { a: { type: "string" }, b: {} } }, { documented: 4, inferred: 0, open: 0 }],
    ["an open list apart", { type: "string", "x-known-values": ["A"] }, { documented: 1, inferred: 0, open: 1 }],
    ["what x-inferred holds", { type: "object", properties: { a: { type: ["string", "null"] } }, "x-inferred": { required: ["a"], properties: { a: { type: "string" } } } }, { documented: 2, inferred: 2, open: 0 }],
    ["a then, not its if", { allOf: [{ if: { properties: { s: { const: "X" } }, required: ["s"] }, then: { required: ["t"] } }] }, { documented: 1, inferred: 0, open: 0 }],
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

describe("x-inferred", () => {
  const validate = createAjv().compile({
    type: "object",
    required: ["status"],
    properties: { status: { type: "string" }, reference: { type: ["string", "null"] } },
    "x-inferred": { required: ["reference"], if: { properties: { status: { const: "PROCESSED" } }, required: ["status"] }, then: { properties: { reference: { type: "string" } } } },
  });
  const errors = (data: unknown) => (validate(data) ? [] : validate.errors!.map((e) => [e.instancePath, e.keyword, (e as { inferred?: boolean }).inferred ?? false]));

  it.each<[string, unknown, unknown[]]>([
    ["passes what holds", { status: "PROCESSED", reference: "R1" }, []],
    ["marks a broken inferred rule", { status: "PROCESSED", reference: null }, [["/reference", "type", true], ["", "if", true]]],
    ["marks an inferred required", { status: "CREATED" }, [["", "required", true]]],
    ["leaves a documented rule unmarked", {}, [["", "required", true], ["", "required", false]]],
  ])("%s", (_name, data, expected) => {
    expect(errors(data)).toEqual(expected);
  });
});
