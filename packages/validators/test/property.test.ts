/**
 * Never throws, proven by a property test (fast-check, shrinking to the smallest failing value): for every
 * message, values made from its valid fixtures (unchanged, leaves swapped with another fixture's, fields
 * removed, added or replaced by arbitrary JSON) and arbitrary values, and assert:
 * - no exception, from validate, validateMessage, is or Standard Schema's validate, whatever the value;
 * - the answer equals Ajv's own code compiled at run time from the same schema and keywords: with our formats
 *   (src/formats.ts), strict mode accepts exactly what Ajv accepts, but for the lifecycle's transitions,
 *   which are not in the schema; with ajv-formats' full formats instead, the same but for a format error on
 *   a string that only the documented differences reject (stricter date-time separators, offsets and leap
 *   hour; no urn:uuid: prefix; no single "/" before a uri's authority: formats.ts, formats.test.ts);
 * - strict rejects whatever tolerant warns about, and accepts nothing tolerant rejects.
 * Bounded (RUNS per message, a fixed seed) so the file finishes in a few seconds.
 */
import { createRequire } from "node:module";
import fc from "fast-check";
import { type ProviderValidator, validators } from "@webhook-contracts/validators";
import { loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { describe, expect, it } from "vitest";
import { createAjvWithSchemas } from "../build/ajv-keywords.ts";
import { formats, uri } from "../src/formats.ts";

const RUNS = 200;
const SEED = 0x15;
const contracts = await loadContracts();
const { ajv } = await createAjvWithSchemas();
// The same schemas and keywords, with ajv-formats' full formats where it has one (it has no
// local-date-time or json-object: ours stay).
const require = createRequire(import.meta.url);
const fullFormats = (require("ajv-formats/dist/formats") as { fullFormats: Record<string, unknown> }).fullFormats;
const ajvFormats = Object.fromEntries(
  Object.keys(formats)
    .filter((name) => name in fullFormats)
    .map((name) => {
      const f = fullFormats[name] as ((s: string) => boolean) | RegExp | { validate: ((s: string) => boolean) | RegExp };
      const check = typeof f === "function" || f instanceof RegExp ? f : f.validate;
      return [name, typeof check === "function" ? check : (s: string) => check.test(s)] as const;
    }),
);
const { ajv: withAjvFormats } = await createAjvWithSchemas();
for (const [name, check] of Object.entries(ajvFormats)) withAjvFormats.addFormat(name, check);

/** A string ours reject and ajv-formats accepts only for a documented reason (see formats.test.ts). */
const documented = (s: string) =>
  Object.entries(ajvFormats).some(
    ([name, theirs]) =>
      !formats[name]!(s) &&
      theirs(s) &&
      (((name === "date-time" || name === "iso-date-time") && (/\s/.test(s.slice(10, 11)) || /[+-]\d\d(\d\d)?$/.test(s) || s.slice(11, 13) === "24")) ||
        (name === "uuid" && /^urn:uuid:/i.test(s)) ||
        (name === "uri" && /^[a-z][a-z0-9+.-]*:\//i.test(s) && uri(s.replace(/^([a-z][a-z0-9+.-]*:)\//i, "$1//")))),
  );

type Json = unknown;
type Path = (string | number)[];

/** Every path to a value in `value` (objects and arrays included), the root first. */
function paths(value: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  return out;
}
const valueAt = (value: Json, pointer: string): Json =>
  pointer === ""
    ? value
    : get(
        value,
        pointer
          .slice(1)
          .split("/")
          .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~")),
      );
const get = (value: Json, path: Path): Json => path.reduce<Json>((node, k) => (node as Record<string | number, Json>)?.[k], value);
/** A copy of `value` with `edit` applied to the parent of `path` and its last key. */
function edit(value: Json, path: Path, change: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  const copy = structuredClone(value);
  if (path.length === 0) return copy;
  const parent = get(copy, path.slice(0, -1));
  if (parent !== null && typeof parent === "object") change(parent as Record<string | number, Json>, path.at(-1)!);
  return copy;
}

type Mutation =
  | { op: "replace"; at: number; value: Json }
  | { op: "edit"; at: number; edits: { at: number; op: number; c: string }[] }
  | { op: "remove"; at: number }
  | { op: "add"; at: number; key: string; value: Json }
  | { op: "swap"; at: number; from: number };

function mutate(bodies: Json[], base: Json, mutations: Mutation[]): Json {
  let value = base;
  for (const m of mutations) {
    const all = paths(value);
    const path = all[m.at % all.length]!;
    if (m.op === "edit") {
      // A string a few characters off: near-misses of a date-time, a UUID, an email, a pattern.
      const target = get(value, path);
      if (typeof target !== "string") continue;
      const chars = target.split("");
      for (const e of m.edits) {
        const i = e.at % (chars.length + 1);
        if (e.op === 0) chars.splice(i, 1);
        else if (e.op === 1) chars.splice(i, 0, e.c);
        else chars[i] = e.c;
      }
      value = path.length === 0 ? chars.join("") : edit(value, path, (p, k) => (p[k] = chars.join("")));
    } else if (m.op === "replace") value = path.length === 0 ? m.value : edit(value, path, (p, k) => (p[k] = m.value));
    else if (m.op === "remove") value = edit(value, path, (p, k) => (Array.isArray(p) ? p.splice(k as number, 1) : delete p[k]));
    else if (m.op === "add") {
      const target = get(value, path);
      if (target !== null && typeof target === "object" && !Array.isArray(target)) {
        value = structuredClone(value);
        (get(value, path) as Record<string, Json>)[m.key] = m.value;
      }
    } else {
      // The same leaf from another valid fixture of the message: mostly still valid.
      const other = bodies[m.from % bodies.length];
      const theirs = get(other, path);
      if (theirs !== undefined) value = path.length === 0 ? structuredClone(theirs) : edit(value, path, (p, k) => (p[k] = structuredClone(theirs)));
    }
  }
  return value;
}

const json = fc.jsonValue({ maxDepth: 2 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("edit" as const),
      at: fc.nat(),
      edits: fc.array(fc.record({ at: fc.nat(), op: fc.nat(2), c: fc.constantFrom(..."0123456789-:+.TtZz @_/%?#[]ab\tA") }), { minLength: 1, maxLength: 3 }),
    }),
  },
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), value: json }),
  fc.record({ op: fc.constant("remove" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("add" as const), at: fc.nat(), key: fc.string({ maxLength: 8 }), value: json }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), from: fc.nat() }),
);

describe.each(contracts.map((p) => [p.name, p] as const))("%s", (name, provider) => {
  const validator = validators[name as keyof typeof validators] as unknown as ProviderValidator<string, Record<string, unknown>>;

  it.each(provider.messages.map((m) => [m.name, m] as const))(
    "%s: never throws, agrees with Ajv's own code, strict rejects what tolerant warns about",
    (messageName, message) => {
      const reference = ajv.getSchema(message.schemaId)!;
      const referenceWithAjvFormats = withAjvFormats.getSchema(message.schemaId)!;
      const bodies = messageFixtures(name, messageName, "valid").map((f) => f.body);
      const values: fc.Arbitrary<Json> = fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...bodies), fc.array(mutation, { maxLength: 3 })).map(([base, ms]) => mutate(bodies, base, ms)) },
        { weight: 1, arbitrary: fc.jsonValue() },
      );
      let validSeen = 0;
      let invalidSeen = 0;
      fc.assert(
        fc.property(values, (value) => {
          const tolerant = validator.validateMessage(messageName, value);
          const strict = validator.validateMessage(messageName, value, { mode: "strict" });
          validator.validate(value);
          validator.is(messageName, value);
          validator["~standard"].validate(value);
          validator.messages[messageName]!["~standard"].validate(value, { libraryOptions: { mode: "strict" } });
          const ajvValid = reference(value) as boolean;
          const transitionsOnly = !strict.ok && strict.errors.every((e) => e.keyword === "transition");
          expect(strict.ok || (ajvValid && transitionsOnly), "strict mode answers as Ajv's code").toBe(ajvValid);
          const theirs = referenceWithAjvFormats(value) as boolean;
          const stricterFormatsOnly =
            !strict.ok && strict.errors.every((e) => e.keyword === "transition" || (e.keyword === "format" && documented(valueAt(value, e.path) as string)));
          expect(strict.ok || (theirs && stricterFormatsOnly), "strict mode answers as Ajv with ajv-formats, but for the documented").toBe(theirs);
          if (tolerant.warnings.length > 0) expect(strict.ok, "strict rejects what tolerant warns about").toBe(false);
          if (!tolerant.ok) expect(strict.ok, "strict accepts nothing tolerant rejects").toBe(false);
          if (strict.ok) expect(tolerant).toMatchObject({ ok: true, warnings: [] });
          if (strict.ok) validSeen++;
          else invalidSeen++;
        }),
        { numRuns: RUNS, seed: SEED },
      );
      // Both sides of the answer were exercised.
      expect(validSeen).toBeGreaterThan(0);
      expect(invalidSeen).toBeGreaterThan(0);
    },
  );

  it("never throws on arbitrary values, hostile ones included", () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true }),
        (value) => {
          validator.validate(value);
          validator.validate(value, { mode: "strict" });
          validator["~standard"].validate(value);
          for (const m of validator.messageNames) validator.messages[m]!["~standard"].validate(value);
          validator.messageOf(value);
          validator.deliveryKeyOf(value);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
