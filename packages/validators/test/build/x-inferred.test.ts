/** `x-inferred`: the errors of a rule we only inferred are marked, so that tolerant mode can warn instead. */
import { describe, expect, it } from "vitest";
import { createAjv } from "../../build/ajv-keywords.ts";

describe("x-inferred", () => {
  const validate = createAjv().compile({
    type: "object",
    required: ["status"],
    properties: { status: { type: "string" }, reference: { type: ["string", "null"] } },
    "x-inferred": {
      required: ["reference"],
      if: { properties: { status: { const: "PROCESSED" } }, required: ["status"] },
      then: { properties: { reference: { type: "string" } } },
    },
  });
  const errors = (data: unknown) =>
    validate(data) ? [] : validate.errors!.map((e) => [e.instancePath, e.keyword, (e as { inferred?: boolean }).inferred ?? false]);

  it.each<[string, unknown, unknown[]]>([
    ["passes what holds", { status: "PROCESSED", reference: "R1" }, []],
    [
      "marks a broken inferred rule",
      { status: "PROCESSED", reference: null },
      [
        ["/reference", "type", true],
        ["", "if", true],
      ],
    ],
    ["marks an inferred required", { status: "CREATED" }, [["", "required", true]]],
    [
      "leaves a documented rule unmarked",
      {},
      [
        ["", "required", true],
        ["", "required", false],
      ],
    ],
  ])("%s", (_name, data, expected) => {
    expect(errors(data)).toEqual(expected);
  });
});
