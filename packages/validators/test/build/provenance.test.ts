/**
 * The build refuses a schema that does not say where its shape comes from: `x-provenance` is a keyword
 * Ajv knows, and its meta-schema is checked when the build adds a schema.
 */
import { expect, it } from "vitest";
import { createAjv } from "../../build/ajv-keywords.ts";

const schema = (provenance: unknown) => ({ $id: `p${Math.random()}`, type: "object", "x-provenance": provenance });

it.each<[string, unknown, boolean]>([
  ["a kind and its sources", { kind: "docs", sources: ["docs.example.com webhooks"] }, true],
  ["with a note", { kind: "inferred", sources: ["a sibling event"], note: "why" }, true],
  ["a kind we do not know", { kind: "guess", sources: ["x"] }, false],
  ["no sources", { kind: "sdk", sources: [] }, false],
  ["an empty source", { kind: "sdk", sources: [""] }, false],
  ["no kind", { sources: ["x"] }, false],
  ["not an object", "docs", false],
])("%s: %s", (_label, provenance, accepted) => {
  if (accepted) expect(() => createAjv().compile(schema(provenance))).not.toThrow();
  else expect(() => createAjv().compile(schema(provenance))).toThrow(/x-provenance/);
});
