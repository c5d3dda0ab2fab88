/**
 * The one Ajv configuration behind every validator: the build compiles with it (standalone code), and the
 * tests and benchmarks that compare against runtime compilation use the same one.
 */
import { Ajv, _, type CodeKeywordDefinition, type KeywordDefinition, type Name } from "ajv";
import { and, or, getProperty, type Code } from "ajv/dist/compile/codegen/index.js";
import { _Code } from "ajv/dist/compile/codegen/code.js";
import namesModule from "ajv/dist/compile/names.js";
import ajvAdditionalPropertiesModule from "ajv/dist/vocabularies/applicator/additionalProperties.js";
import ajvPatternModule from "ajv/dist/vocabularies/validation/pattern.js";
import * as utilModule from "ajv/dist/compile/util.js";
import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";
import { type CharClass, parseFixedPattern, parseRunPattern, runPatternSource } from "./fixed-pattern.ts";
import { formats } from "../src/formats.ts";
import { walkSchemas } from "@webhook-contracts/contracts/schemas";
import { type JsonSchema, loadSchemaFiles, provenanceKinds } from "@webhook-contracts/contracts";

/**
 * `x-known-values`: an open code list. A value outside it is reported under this keyword, which the
 * validators' runtime turns into a warning (an error only in strict mode); the schema still types known
 * values. Emitted as plain comparisons, so standalone code needs no helper for it.
 */
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

/**
 * `x-inferred`: a subschema holding the constraints we only inferred (from one example, from a flow the
 * docs imply), applied to the same value as the schema around it. Its errors are marked `inferred`, which
 * the validators' runtime turns into warnings in tolerant mode (errors in strict mode); every constraint
 * outside it is documented and always an error. The types leave it out: they promise what tolerant mode
 * checks.
 */
export const inferredKeyword: CodeKeywordDefinition = {
  keyword: "x-inferred",
  schemaType: "object",
  trackErrors: true,
  code(cxt) {
    const { gen, it, parentSchema } = cxt;
    // A `required` in it may name the properties the schema around it defines (Ajv's strictRequired).
    for (const property of Object.keys((parentSchema.properties ?? {}) as object)) it.definedProperties.add(property);
    const before = gen.const("inferredFrom", names.errors);
    const valid = gen.name("valid");
    cxt.subschema({ keyword: "x-inferred" }, valid);
    // The subschema's own errors, and only those, are the inferred ones.
    gen.forRange("i", before, names.errors, (i) => gen.assign(_`${names.vErrors}[${i}].inferred`, true));
  },
};

// Ajv's internals are CommonJS with `exports.default`: Node's ESM loader hands over the exports object,
// other loaders (vitest's) the default itself.
function cjsDefault<T>(module: unknown): T {
  const m = module as { default?: T; __esModule?: boolean };
  return (m && typeof m === "object" && "default" in m && m.default !== undefined ? m.default : module) as T;
}
const names = cjsDefault<{ errors: Name; vErrors: Name }>(namesModule);
const ajvAdditionalProperties = cjsDefault<CodeKeywordDefinition>(ajvAdditionalPropertiesModule);
const ajvPattern = cjsDefault<CodeKeywordDefinition>(ajvPatternModule);
const util = utilModule as unknown as { useFunc?: UseFunc; default?: { useFunc: UseFunc } };
type UseFunc = (gen: unknown, f: unknown) => Code;
const useFunc: UseFunc = util.useFunc ?? util.default!.useFunc;
const ucs2length = cjsDefault<(s: string) => number>(ucs2lengthModule);

/**
 * `additionalProperties: false`, the way webhooks need it fast. Ajv's own looks every key of the payload up
 * among the schema's properties (a hash lookup per key: half of the time spent on a 60-field payload);
 * this counts the keys and compares with the known properties present, and looks keys up only when the
 * counts differ, to name the extra ones. Same errors as Ajv's: keyword additionalProperties, params
 * {additionalProperty}. A schema value (as in the meta-schemas) or patternProperties goes to Ajv's own.
 */
export const closedObjectKeyword: CodeKeywordDefinition = {
  keyword: "additionalProperties",
  type: "object",
  schemaType: ["boolean", "object"],
  allowUndefined: true,
  trackErrors: true,
  error: {
    message: "must NOT have additional properties",
    params: ({ params }) => _`{additionalProperty: ${params.additionalProperty}}`,
  },
  code(cxt) {
    const { gen, schema, parentSchema, data, errsCount } = cxt;
    if (schema === true) return;
    if (schema !== false || parentSchema.patternProperties) {
      ajvAdditionalProperties.code(cxt, undefined as never);
      return;
    }
    const props = Object.keys((parentSchema.properties ?? {}) as object);
    for (const p of props) {
      if (p in Object.prototype) throw new Error(`property "${p}" shadows Object.prototype; the key count would be wrong`);
    }
    const count = gen.let("keys", 0);
    gen.forIn("key", data, () => gen.code(_`${count}++`));
    const present: Code[] = props.map((p) => _`(${data}${getProperty(p)} !== undefined)`);
    const known = present.length ? present.reduce((a, b) => _`${a} + ${b}`) : _`0`;
    gen.if(_`${count} !== ${known}`, () =>
      gen.forIn("key", data, (key) => {
        const isKnown = props.length ? or(...props.map((p) => _`${key} === ${p}`)) : _`false`;
        gen.if(_`!(${isKnown})`, () => {
          cxt.setParams({ additionalProperty: key });
          cxt.error();
        });
      }),
    );
    cxt.ok(_`${errsCount!} === ${names.errors}`);
  },
};

/**
 * `pattern`, with the short fixed-shape ones (`^[A-Z]{3}$`, see fixed-pattern.ts) compiled to a length
 * check and a comparison per character, and the runs a single pass decides (`^-?[0-9]+(\.[0-9]+)?$`) to a
 * function that makes that pass, instead of a regular-expression call. Same errors as Ajv's:
 * keyword pattern, params {pattern}. Every other pattern goes to Ajv's own.
 */
export const patternKeyword: CodeKeywordDefinition = {
  keyword: "pattern",
  type: "string",
  schemaType: "string",
  error: {
    message: "must match pattern",
    params: ({ schemaCode }) => _`{pattern: ${schemaCode}}`,
  },
  code(cxt) {
    const positions = parseFixedPattern(cxt.schema as string);
    if (!positions) {
      const parts = parseRunPattern(cxt.schema as string);
      if (!parts) {
        ajvPattern.code(cxt, undefined as never);
        return;
      }
      // A function of its own, written into the module once per pattern: one pass, no RegExp call.
      const source = runPatternSource(parts);
      const match = cxt.gen.scopeValue("pattern", {
        key: `run:${cxt.schema as string}`,
        ref: new Function(`return ${source}`)() as (s: string) => boolean,
        code: new _Code(`(${source})`),
      });
      cxt.fail(_`!${match}(${cxt.data})`);
      return;
    }
    const { gen, data } = cxt;
    let unit: Name | undefined;
    const accepts = (at: number, { negated, ranges }: CharClass): Code => {
      const code = _`${data}.charCodeAt(${at})`;
      // x - from >>> 0 <= to - from: one unsigned comparison per range.
      const inRange = (subject: Code, [from, to]: [number, number]) =>
        from === to ? _`${subject} === ${from}` : _`(${subject} - ${from} >>> 0) <= ${to - from}`;
      const test =
        ranges.length === 1 ? inRange(code, ranges[0]!) : _`(${(unit ??= gen.let("unit"))} = ${code}, ${or(...ranges.map((r) => inRange(unit!, r)))})`;
      return negated ? _`!(${test})` : test;
    };
    cxt.fail(_`!(${and(_`${data}.length === ${positions.length}`, ...positions.map((p, at) => accepts(at, p)))})`);
  },
};

/**
 * `minLength` and `maxLength` counted in code points, as JSON Schema says, without counting them when the
 * length in UTF-16 units settles it: a string of n units has between n/2 and n code points. Ajv's own
 * counts every string (a loop over each character of each name and description in a payload).
 */
export const lengthKeyword: CodeKeywordDefinition = {
  keyword: ["minLength", "maxLength"],
  type: "string",
  schemaType: "number",
  error: {
    message: "has the wrong length",
    params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
  },
  code(cxt) {
    const { keyword, data, gen } = cxt;
    const limit = cxt.schema as number;
    const count = _`${useFunc(gen, ucs2length)}(${data})`;
    if (keyword === "minLength") {
      if (limit <= 0) return;
      cxt.fail(_`${data}.length < ${limit} || (${data}.length < ${2 * limit} && ${count} < ${limit})`);
    } else {
      cxt.fail(_`${data}.length > ${limit} && (${data}.length > ${2 * limit} || ${count} > ${limit})`);
    }
  },
};

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
    // A referenced schema is one function, called wherever it is referenced, not a copy of its code at
    // each place: Amplia Reg's two agents share one check, as the hand-written floor's do. Less code to
    // parse at start-up and to keep in the instruction cache; Ivy's large payloads pay a call per shared
    // shape (about 10% of their speed, still above 5x JSON.parse).
    inlineRefs: false,
    // Messages are written by the runtime from keyword and params; Ajv's own would only add code.
    messages: false,
    // Our patterns are ASCII; without the "u" flag the same expressions run faster.
    unicodeRegExp: false,
    // The generated code calls the validators package's own format checks (src/formats.ts), the same
    // functions Ajv compiles with here: correct like ajv-formats' full mode, and much faster.
    ...(standalone ? { code: { source: true, esm: true, formats: _`require("../src/formats").formats` } } : {}),
  });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  ajv.removeKeyword("additionalProperties");
  ajv.addKeyword(closedObjectKeyword);
  for (const keyword of ["pattern", "minLength", "maxLength"]) ajv.removeKeyword(keyword);
  ajv.addKeyword(patternKeyword);
  ajv.addKeyword(lengthKeyword);
  ajv.addKeyword(knownValuesKeyword);
  ajv.addKeyword(inferredKeyword);
  ajv.addKeyword(provenanceKeyword);
  return ajv;
}

/** Keywords that only annotate (for people, docs and types); validation never reads them. */
const annotations = new Set(["title", "description", "x-provenance", "$comment", "examples"]);

/**
 * A copy of `schema` without annotations. Ajv's generated code embeds the schema objects it refers to
 * (an enum's values, for an error's params), and their descriptions would only make the bundles bigger.
 */
export function withoutAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (annotations.has(key)) continue;
    // Inside `properties`, `definitions` and `enum` the keys and values are data, not keywords.
    out[key] =
      key === "properties" || key === "definitions"
        ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, withoutAnnotations(v)]))
        : key === "enum" || key === "const" || key === "x-known-values"
          ? value
          : withoutAnnotations(value);
  }
  return out;
}

/** The `$id`s of `roots` and of every schema they reach through `$ref`, among `schemas`. */
export function refClosure(roots: readonly string[], schemas: Iterable<JsonSchema>): Set<string> {
  const byId = new Map<string, JsonSchema>();
  for (const schema of schemas) if (typeof schema.$id === "string") byId.set(schema.$id, schema);
  const reached = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (reached.has(id)) continue;
    const schema = byId.get(id);
    if (!schema) throw new Error(`no schema with $id ${id}`);
    reached.add(id);
    walkSchemas(schema, (node) => {
      if (typeof node.$ref === "string" && !node.$ref.startsWith("#")) pending.push(new URL(node.$ref, id).href.replace(/#.*$/, ""));
    });
  }
  return reached;
}

/**
 * An Ajv instance holding the schemas under schemas/ (annotations left out), addressable by `$id`: all of
 * them, or only those `roots` reach. Adding a schema costs Ajv a meta-schema check, so a build that makes
 * one instance per group of messages adds each group's own schemas, or its time would grow with the
 * square of the number of messages.
 */
export async function createAjvWithSchemas(setup: AjvSetup & { roots?: readonly string[] } = {}): Promise<{ ajv: Ajv; schemas: Map<string, JsonSchema> }> {
  const ajv = createAjv(setup);
  const schemas = await loadSchemaFiles();
  const wanted = setup.roots ? refClosure(setup.roots, schemas.values()) : undefined;
  for (const schema of schemas.values()) {
    if (!wanted || wanted.has(schema.$id as string)) ajv.addSchema(withoutAnnotations(schema) as object);
  }
  return { ajv, schemas };
}
