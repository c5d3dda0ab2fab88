/**
 * The peers that read our JSON Schemas, and the broken payloads every validator measured must reject.
 *
 * Each peer gets the same input, the message's self-contained strict reading from @webhook-contracts/schemas
 * (plain draft-07: closed objects, closed lists), and checks formats as its users get it: with the full
 * format checks it ships (ajv-formats for Ajv, schemasafe's, typebox's, zod's, typia's tags), and with our
 * format functions (packages/validators/src/formats.ts) only for the formats it has none for
 * (local-date-time, json-object), which it would otherwise not check at all. That is how issue 15 measured
 * them. What a peer cannot take is said in its `checks` line, and the broken payloads show what it lets
 * through: a peer that accepts one is marked in the table and not counted as a peer that checks as much.
 * Beside them, Ajv given every one of our format functions shows what the compiled code alone is worth.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { validator as schemasafeValidator } from "@exodus/schemasafe";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { Compile } from "typebox/compile";
import TypeboxFormat from "typebox/format";
import { z } from "zod";
import { formats } from "@webhook-contracts/validators/formats";
import type { BenchCase } from "./cases.ts";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const require = createRequire(import.meta.url);
/** Where build-typia.ts writes the typia peer, one module per message. */
export const typiaOutput = fileURLToPath(new URL("../generated/typia/output/", import.meta.url));
export const typiaModule = (provider: string, message: string) => `${provider}__${message.replace(/[^A-Za-z0-9_]/g, "_")}`;

type Schema = Record<string, unknown>;

/** The message's strict reading, self-contained draft-07, as @webhook-contracts/schemas publishes it. */
export function strictSchema(c: Pick<BenchCase, "provider" | "message">): Schema {
  return JSON.parse(readFileSync(require.resolve(`@webhook-contracts/schemas/strict/${c.provider}/${c.message}.json`), "utf8")) as Schema;
}

export interface Peer {
  /** The task's name in the tables. */
  name: string;
  /** What it checks of our rules, in a few words. */
  checks: string;
  validate: (body: unknown) => boolean;
  /** The hand-written floor, not a peer. */
  floor?: boolean;
  /** Runs with our format functions where it ships its own: shown beside, never the peer a target is set against. */
  borrowsOurFormats?: boolean;
}

/** The row that shows Ajv's compiled code with our format functions. */
export const OURS_IN_AJV = "Ajv, our format functions (run time)";

/** The formats typia's `tags.Format` checks (its own implementations); ours are custom tags for the others. */
const TYPIA_FORMATS = new Set(["uuid", "email", "uri", "date-time", "date"]);
export const typiaHas = (name: string) => TYPIA_FORMATS.has(name);

/** Our format functions for the formats `has` says a peer lacks (it would not check them otherwise). */
export function formatsLacking(has: (name: string) => boolean): Record<string, (s: string) => boolean> {
  return Object.fromEntries(Object.entries(formats).filter(([name]) => !has(name)));
}

/** What a `checks` line says of a peer's formats. */
const ownFormats = (lacking: Record<string, unknown>) =>
  `its own format checks${Object.keys(lacking).length ? `, ours for ${Object.keys(lacking).join(", ")} (it has none)` : ""}`;

/**
 * Ajv compiled now from the message's strict reading: its defaults, ajv-formats (full mode), and our format
 * functions for the formats ajv-formats lacks; or with `ours`, our format functions for every format.
 */
export function strictAjv(c: Pick<BenchCase, "provider" | "message">, { ours = false } = {}): (body: unknown) => boolean {
  const ajv = new Ajv({ strict: false, allowUnionTypes: true });
  if (!ours) addFormats(ajv);
  for (const [name, check] of Object.entries(ours ? formats : formatsLacking((f) => f in ajv.formats))) ajv.addFormat(name, check);
  const validate = ajv.compile(strictSchema(c));
  return (body) => validate(body) as boolean;
}

/** Whether schemasafe ships a format: it refuses to compile a schema with one it does not know. */
function schemasafeHas(name: string): boolean {
  try {
    schemasafeValidator({ type: "string", format: name } as never);
    return true;
  } catch {
    return false;
  }
}

/** A copy of `schema` without if/then/else (zod's fromJSONSchema throws on them). */
function withoutConditionals(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutConditionals);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) if (k !== "if" && k !== "then" && k !== "else") out[k] = withoutConditionals(v);
  return out;
}

/**
 * The schema-reading peers, compiled now from the message's strict reading. Names are fixed (they are the
 * table's rows). typia's comes from bench/generated/typia (build-typia.ts, run before the bench).
 */
export async function schemaPeers(c: Pick<BenchCase, "provider" | "message">): Promise<Peer[]> {
  const schema = strictSchema(c);
  const peers: Peer[] = [];

  const ajvLacking = formatsLacking((f) => f in addFormats(new Ajv()).formats);
  peers.push({ name: "Ajv + ajv-formats (run time)", checks: `every rule; ${ownFormats(ajvLacking)}`, validate: strictAjv(c) });

  const safeLacking = formatsLacking(schemasafeHas);
  const safe = schemasafeValidator(schema as never, { formats: safeLacking, allowUnusedKeywords: true } as never) as (b: unknown) => boolean;
  peers.push({ name: "@exodus/schemasafe", checks: `every rule; ${ownFormats(safeLacking)}`, validate: (b) => safe(b) });

  // typebox's format registry is global: only the formats it lacks are added, and none of its own replaced.
  const typeboxLacking = formatsLacking((f) => TypeboxFormat.Has(f));
  for (const [name, check] of Object.entries(typeboxLacking)) TypeboxFormat.Set(name, check);
  const typebox = Compile(schema as never);
  peers.push({ name: "typebox 1.x Compile", checks: `every rule; ${ownFormats(typeboxLacking)}`, validate: (b) => typebox.Check(b) });

  const zod = z.fromJSONSchema(withoutConditionals(schema) as never);
  peers.push({
    name: "zod fromJSONSchema",
    checks: "its own formats (none for local-date-time, json-object); no if/then/else (it throws on them: left out)",
    validate: (b) => zod.safeParse(b).success,
  });

  // A path typescript does not resolve: bench/generated is built by `pnpm bench`, not by the type check.
  const typiaFile = path.join(typiaOutput, `${typiaModule(c.provider, c.message)}.ts`);
  if (!existsSync(typiaFile)) throw new Error(`${typiaFile} is missing: run \`tsx bench/src/build-typia.ts\` (pnpm bench does)`);
  const typia = (await import(pathToFileURL(typiaFile).href)) as { equals: (b: unknown) => boolean };
  peers.push({
    name: "typia createEquals",
    checks: `every rule but if/then/else (no TypeScript type); its own format tags, ours as custom tags for ${Object.keys(formatsLacking(typiaHas)).join(", ")} (it has none)`,
    validate: (b) => typia.equals(b),
  });
  peers.push({
    name: OURS_IN_AJV,
    checks: "every rule; our format functions for every format: Ajv's compiled code with our formats, not a peer as its users get it",
    validate: strictAjv(c, { ours: true }),
    borrowsOurFormats: true,
  });
  return peers;
}

export interface BrokenPayload {
  /** What is wrong, and where, e.g. "impossible date-time (2025-02-30) at /payload/createdAt". */
  label: string;
  /** The same in a few words, e.g. "2025-02-30", for the marks beside a figure. */
  short: string;
  body: unknown;
}

const clone = <T>(v: T): T => structuredClone(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

interface Site {
  path: (string | number)[];
  schema: Schema;
  value: unknown;
}

/**
 * `schema` with the members of its allOf folded in (the strict readings keep enums, formats and inferred
 * `required` lists there): `required` lists joined, `properties` merged, other keywords the node's own first.
 * Members with if/then/else stay in allOf: they are conditions, not facets.
 */
export function foldAllOf(schema: Schema): Schema {
  const all = Array.isArray(schema.allOf) ? (schema.allOf as unknown[]).filter(isObject) : [];
  const members = all.filter((m) => !("if" in m));
  const conditions = all.filter((m) => "if" in m);
  const out: Schema = { ...schema };
  delete out.allOf;
  if (conditions.length) out.allOf = conditions;
  for (const m of members) {
    for (const [k, v] of Object.entries(m)) {
      if (k === "required" && Array.isArray(v)) out.required = [...new Set([...((out.required as string[] | undefined) ?? []), ...(v as string[])])];
      else if (k === "properties" && isObject(v)) out.properties = { ...(out.properties as Schema | undefined), ...v };
      else if (!(k in out)) out[k] = v;
    }
  }
  return out;
}
const facets = foldAllOf;

/** Every node of the payload with the schema that checks it (through properties, items and the anyOf branch of its type). */
function sites(schema: Schema, value: unknown, path: (string | number)[] = [], out: Site[] = []): Site[] {
  let s = facets(schema);
  if (Array.isArray(s.anyOf)) {
    const branch = (s.anyOf as Schema[]).find((b) => {
      const t = facets(b).type;
      const types = Array.isArray(t) ? t : [t];
      return types.some((x) =>
        x === "null"
          ? value === null
          : x === "array"
            ? Array.isArray(value)
            : x === "object"
              ? isObject(value)
              : typeof value === x || (x === "integer" && typeof value === "number"),
      );
    });
    if (branch) s = { ...s, ...facets(branch) };
  }
  out.push({ path, schema: s, value });
  if (isObject(value) && isObject(s.properties)) {
    for (const [k, sub] of Object.entries(s.properties)) if (k in value && isObject(sub)) sites(sub, value[k], [...path, k], out);
  } else if (Array.isArray(value) && isObject(s.items)) {
    value.forEach((v, i) => sites(s.items as Schema, v, [...path, i], out));
  }
  return out;
}

function setAt(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = clone(body);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (value === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

const pointer = (path: (string | number)[]) => `/${path.join("/")}`;

/**
 * A fixed set of broken payloads made from a valid one (deterministic: the first site of each kind in
 * document order): a wrong type, a missing required field, an unknown value of a closed list, an
 * impossible date (30 February) in a date-time, a bad local-date-time, a bad uuid, a bad email, a string
 * off its pattern, and an unknown property. Only those that apply to the payload are made.
 */
export function brokenPayloads(c: Pick<BenchCase, "provider" | "message" | "body">): BrokenPayload[] {
  const all = sites(strictSchema(c), c.body);
  const out: BrokenPayload[] = [];
  const first = (pred: (s: Site) => boolean) => all.find((s) => s.path.length > 0 && pred(s));
  const str = (s: Site) => typeof s.value === "string";
  const add = (site: Site | undefined, what: string, short: string, value: unknown) => {
    if (site) out.push({ label: `${what} at ${pointer(site.path)}`, short, body: setAt(c.body, site.path, value) });
  };
  add(
    first((s) => str(s) && s.schema.type === "string" && s.schema.const === undefined && s.schema.enum === undefined && s.schema.format === undefined),
    "wrong type (a number for a string)",
    "a wrong type",
    12345,
  );
  // A required field of the deepest object that has one present.
  const withRequired = all.filter(
    (s) => isObject(s.value) && Array.isArray(s.schema.required) && (s.schema.required as string[]).some((k) => k in (s.value as object)),
  );
  const deepest = withRequired.sort((a, b) => b.path.length - a.path.length)[0];
  if (deepest) {
    const key = (deepest.schema.required as string[]).find((k) => k in (deepest.value as object))!;
    out.push({
      label: `missing required ${pointer([...deepest.path, key])}`,
      short: "a missing field",
      body: setAt(c.body, [...deepest.path, key], undefined),
    });
  }
  add(
    first((s) => str(s) && Array.isArray(s.schema.enum) && (s.schema.enum as unknown[]).length > 1),
    "unknown value of a closed list",
    "an unknown enum value",
    "not_a_known_value",
  );
  const dateTime = first((s) => str(s) && s.schema.format === "date-time");
  add(dateTime, "impossible date-time (2025-02-30)", "2025-02-30", dateTime && (dateTime.value as string).replace(/^\d{4}-\d{2}-\d{2}/, "2025-02-30"));
  const local = first((s) => str(s) && s.schema.format === "local-date-time");
  add(local, "bad local-date-time (an offset)", "a local-date-time with an offset", local && `${(local.value as string).slice(0, 19)}+02:00`);
  add(
    local,
    "impossible local-date-time (2025-02-30)",
    "a local-date-time on 2025-02-30",
    local && (local.value as string).replace(/^\d{4}-\d{2}-\d{2}/, "2025-02-30"),
  );
  const uuid = first((s) => str(s) && s.schema.format === "uuid");
  add(uuid, "bad uuid", "a bad uuid", uuid && `${(uuid.value as string).slice(0, 35)}g`);
  add(
    first((s) => str(s) && s.schema.format === "email"),
    "bad email",
    "a bad email",
    "no-at-sign.example.com",
  );
  const patterned = first((s) => str(s) && typeof s.schema.pattern === "string");
  add(patterned, `string off its pattern ${patterned?.schema.pattern as string}`, "an off-pattern string", patterned && `${patterned.value as string}~`);
  // An if/then rule broken: the first condition (one property, its const or enum) that the payload meets,
  // and what its then says: a field it requires removed, or else a field it types given another type.
  const wrongType: Record<string, unknown> = { null: "x", string: 1, number: "1", integer: "1", boolean: "true", object: [], array: {} };
  ifThen: for (const site of all) {
    if (!isObject(site.value)) continue;
    const value = site.value;
    const conditions = (Array.isArray(site.schema.allOf) ? (site.schema.allOf as unknown[]) : []).filter(isObject);
    for (const m of conditions) {
      const cond = isObject(m.if) && isObject(m.if.properties) ? Object.entries(m.if.properties) : [];
      if (cond.length !== 1 || !isObject(cond[0]![1]) || !isObject(m.then)) continue;
      const [key, test] = cond[0] as [string, Schema];
      const meets = "const" in test ? value[key] === test.const : Array.isArray(test.enum) && test.enum.includes(value[key]);
      if (!meets) continue;
      const when = `${key} is ${JSON.stringify(value[key])}`;
      const required = Array.isArray(m.then.required) ? (m.then.required as string[]).find((k) => k in value) : undefined;
      if (required !== undefined) {
        out.push({
          label: `${pointer([...site.path, required])} removed though ${when} (an if/then rule)`,
          short: "an if/then rule broken",
          body: setAt(c.body, [...site.path, required], undefined),
        });
        break ifThen;
      }
      const typed = isObject(m.then.properties)
        ? Object.entries(m.then.properties).find(([k, sub]) => k in value && isObject(sub) && typeof sub.type === "string" && sub.type in wrongType)
        : undefined;
      if (typed) {
        const [field, sub] = typed as [string, Schema];
        out.push({
          label: `${pointer([...site.path, field])} not ${sub.type as string} though ${when} (an if/then rule)`,
          short: "an if/then rule broken",
          body: setAt(c.body, [...site.path, field], wrongType[sub.type as string]),
        });
        break ifThen;
      }
    }
  }
  out.push({ label: "unknown property at the root (strict)", short: "an unknown property", body: { ...(c.body as object), unexpectedProperty: true } });
  return out;
}
