/**
 * Bundles the schemas of one provider into a single self-contained schema with json-schema-ref-parser.
 * References are dereferenced, not rewritten: every `$ref` to one file becomes the same object, which
 * json-schema-to-typescript then declares once (rewritten pointers into files that carry their own `$id`
 * are read differently by the older ref-parser inside json-schema-to-typescript).
 */
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { type JsonSchema, type ProviderContract, refParserOptions } from "./model.ts";

/**
 * One root per provider whose properties are its messages, keyed by message name. Compiling one root
 * declares every shared shape once, and the root itself becomes the map from message name to type.
 */
export async function bundleProvider(provider: ProviderContract): Promise<JsonSchema> {
  const root: JsonSchema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: `${provider.typePrefix}Payloads`,
    description: `Every ${provider.title} webhook payload, by message name.`,
    type: "object",
    additionalProperties: false,
    required: provider.messages.map((m) => m.name),
    properties: Object.fromEntries(provider.messages.map((m) => [m.name, { $ref: m.schemaId }])),
  };
  return (await $RefParser.dereference(root, refParserOptions)) as JsonSchema;
}

const schemaMaps = ["properties", "definitions", "patternProperties"];
// `x-inferred` holds a schema too: the constraints we only inferred (see ajv.ts).
const subschemas = ["items", "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains", "propertyNames", "x-inferred"];
const subschemaLists = ["oneOf", "anyOf", "allOf", "items"];

/**
 * Calls `visit` on `schema` and every subschema inside it (parents before children), following the
 * draft-07 keywords that hold schemas; values such as `enum`, `const` or `x-*` annotations (but `x-inferred`) are not entered.
 */
export function walkSchemas(schema: unknown, visit: (node: JsonSchema) => void): void {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return;
  const node = schema as JsonSchema;
  visit(node);
  for (const key of schemaMaps) {
    const map = node[key];
    if (map && typeof map === "object") for (const sub of Object.values(map)) walkSchemas(sub, visit);
  }
  for (const key of subschemas) walkSchemas(node[key], visit);
  for (const key of subschemaLists) {
    const list = node[key];
    if (Array.isArray(list)) for (const sub of list) walkSchemas(sub, visit);
  }
}
