/**
 * The one Ajv configuration behind every validator: the build compiles with it (standalone code), and the
 * tests and benchmarks that compare against runtime compilation use the same one.
 */
import { Ajv, _, type KeywordDefinition } from "ajv";
import { and } from "ajv/dist/compile/codegen/index.js";
import addFormatsModule from "ajv-formats";
import { type JsonSchema, loadSchemaFiles } from "./contracts.ts";

/**
 * `x-known-values`: an open code list. A value outside it is reported under this keyword, which the
 * validators' runtime turns into a warning (an error only in strict mode); the schema still types known
 * values. Emitted as plain comparisons, so standalone code needs no helper for it.
 */
// ajv-formats is CommonJS with `module.exports = plugin`; under NodeNext its types only see `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const knownValuesKeyword: KeywordDefinition = {
  keyword: "x-known-values",
  type: "string",
  schemaType: "array",
  error: {
    message: "is not one of the known values",
    params: ({ schemaCode }) => _`{knownValues: ${schemaCode}}`,
  },
  code(cxt) {
    const values = cxt.schema as string[];
    cxt.fail(and(...values.map((v) => _`${cxt.data} !== ${v}`)));
  },
};

/** The kinds of `x-provenance`: where a schema's shape comes from. */
export const provenanceKinds = ["docs", "sdk", "inferred", "unpublished"] as const;

/**
 * `x-provenance`: where a schema's shape comes from. An annotation (it validates no payload); Ajv checks
 * its own shape when a schema is added, so a schema cannot record provenance wrongly.
 */
export const provenanceKeyword: KeywordDefinition = {
  keyword: "x-provenance",
  schemaType: "object",
  metaSchema: {
    type: "object",
    additionalProperties: false,
    required: ["kind", "sources"],
    properties: {
      kind: { enum: [...provenanceKinds] },
      sources: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
      note: { type: "string" },
    },
  },
};

export interface AjvSetup {
  /** Emit standalone ESM code (the build) rather than functions to call now. */
  standalone?: boolean;
}

export function createAjv({ standalone = false }: AjvSetup = {}): Ajv {
  const ajv = new Ajv({
    strict: true,
    strictTypes: true,
    strictTuples: true,
    strictRequired: true,
    allowUnionTypes: true,
    // Every error is collected: the runtime sorts unknown properties and unknown code-list values
    // (warnings in tolerant mode) from real errors, so it must see all of them.
    allErrors: true,
    // Messages are written by the runtime from keyword and params; Ajv's own would only add code.
    messages: false,
    ...(standalone
      ? { code: { source: true, esm: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } }
      : {}),
  });
  addFormats(ajv, { mode: "full" });
  ajv.addKeyword(knownValuesKeyword);
  ajv.addKeyword(provenanceKeyword);
  return ajv;
}

/** An Ajv instance holding every schema under schemas/, addressable by `$id`. */
export async function createAjvWithSchemas(setup: AjvSetup = {}): Promise<{ ajv: Ajv; schemas: Map<string, JsonSchema> }> {
  const ajv = createAjv(setup);
  const schemas = await loadSchemaFiles();
  for (const schema of schemas.values()) ajv.addSchema(schema as object);
  return { ajv, schemas };
}
