/**
 * Bundles the schemas of one provider into a single self-contained schema with json-schema-ref-parser.
 * References are dereferenced, not rewritten: every `$ref` to one file becomes the same object, which
 * json-schema-to-typescript then declares once (rewritten pointers into files that carry their own `$id`
 * are read differently by the older ref-parser inside json-schema-to-typescript).
 */
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { type JsonSchema, type ProviderContract, refParserOptions } from "./contracts.ts";

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

/** Calls `visit` on every schema object inside `schema` (depth first, parents before children). */
export function walkSchemas(schema: unknown, visit: (node: JsonSchema) => void): void {
  if (Array.isArray(schema)) {
    for (const item of schema) walkSchemas(item, visit);
    return;
  }
  if (schema === null || typeof schema !== "object") return;
  const node = schema as JsonSchema;
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === "enum" || key === "const" || key === "examples" || key === "x-known-values") continue;
    walkSchemas(value, visit);
  }
}
