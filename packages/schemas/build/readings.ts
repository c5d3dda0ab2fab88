/**
 * A message schema as a validator that knows none of our keywords reads it. Our validators have two
 * modes, and each becomes a reading in plain draft-07:
 * - strict (CI): what we only inferred (`x-inferred`) is checked like the rest, and an open value list
 *   (`x-known-values`) is closed;
 * - tolerant (production): an unknown field is let through (no `additionalProperties: false`), and what we
 *   only inferred, and values outside an open list, are not checked (their keywords stay, as annotations
 *   a generic validator ignores).
 * Both are self-contained: every `$ref` resolved, the files' own `$id`s gone, so nothing points elsewhere.
 */
import { type JsonSchema } from "@webhook-contracts/contracts";
import { walkSchemas } from "@webhook-contracts/contracts/schemas";

export type Reading = "strict" | "tolerant";

/** A plain copy of `schema` (shared objects become copies), with no `$id` or `$schema` inside it. */
export function selfContained(schema: JsonSchema): JsonSchema {
  const copy = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  walkSchemas(copy, (node) => {
    delete node.$id;
    delete node.$schema;
  });
  return copy;
}

const types = (node: JsonSchema): string[] | undefined =>
  typeof node.type === "string" ? [node.type] : Array.isArray(node.type) ? (node.type as string[]) : undefined;

/** `schema` (self-contained) in one reading, with `id` as its `$id`. */
export function reading(schema: JsonSchema, mode: Reading, id: string): JsonSchema {
  const out = selfContained(schema);
  walkSchemas(out, (node) => {
    if (mode === "tolerant") {
      if (node.additionalProperties === false) delete node.additionalProperties;
      return;
    }
    const allOf = Array.isArray(node.allOf) ? [...(node.allOf as JsonSchema[])] : [];
    if (node["x-inferred"] && typeof node["x-inferred"] === "object") {
      allOf.push(node["x-inferred"] as JsonSchema);
      delete node["x-inferred"];
    }
    const known = node["x-known-values"];
    if (Array.isArray(known) && !Array.isArray(node.enum)) {
      // Our keyword applies to strings only: a null or a number where the type allows one stays valid.
      const onlyStrings = types(node)?.every((t) => t === "string") ?? false;
      allOf.push(onlyStrings ? { enum: known } : { if: { type: "string" }, then: { enum: known } });
    }
    if (allOf.length > 0) node.allOf = allOf;
  });
  return { $schema: "http://json-schema.org/draft-07/schema#", $id: id, ...out };
}
