/**
 * `drift --propose`: the schema edits that would make what the traffic shows valid, written into the
 * working tree for a person to review, each marked `x-provenance` kind `observed` with its evidence:
 *   - an unknown field becomes an optional field of the object that holds it, typed as its values were
 *     (JSON types; a format every value matched, as inferred: under `x-inferred`), in the schema file that defines that object;
 *   - an unlisted value of an open list (`x-known-values`) joins the list;
 *   - a discriminator value that names no message (an event type or status the provider added) becomes a
 *     new message (newMessage below): its schema, its entries in asyncapi.yaml and a fixture;
 *   - a fixture per new shape, `fixtures/<p>/<m>/valid/observed-<field>.json`: one delivery's body,
 *     redacted (redact.ts: every value of a field that may hold personal data replaced by a deterministic
 *     fake of the same format).
 * A new status of a lifecycle is listed, not proposed: where it comes from and goes to nobody observed.
 *   tsx contracts/src/propose.ts <proposal.json>   (what `webhook-contracts drift --propose` writes)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Document, parseDocument } from "yaml";
import { isEntryPoint } from "./entry-point.ts";
import {
  type JsonSchema,
  type ProviderContract,
  asyncApiFile,
  conditionalShapes,
  dereferenceSchema,
  lifecycleOf,
  loadContracts,
  loadSchemaFiles,
  schemaIdBase,
} from "./model.ts";
import { pascalCase } from "./naming.ts";
import { redactPersonal } from "./redact.ts";
import { pointerSegments } from "./pointer.ts";
import { fixturesDir, repoRoot } from "./paths.ts";

/**
 * A drift entry (see the receiver's driftReport) with the bodies of the deliveries that showed it, as they
 * came: the first one's, or for a message we have no schema for a sample (up to 50) to infer its shape from.
 */
export interface ObservedShape {
  provider: string;
  message: string | null;
  unknownMessage: boolean;
  pointer: string;
  keyword: string;
  severity: "warning" | "error";
  count: number;
  firstSeen: string;
  lastSeen: string;
  shape: { types: string[]; formats: string[]; values?: unknown[] };
  examples?: unknown[];
}

interface Located {
  /** The schema file that defines the node (edited in place in `files`). */
  file: string;
  node: JsonSchema;
}

/** Schema files as read, edited in place and written once at the end. */
const files = new Map<string, JsonSchema>();
function readSchema(file: string): JsonSchema {
  let json = files.get(file);
  if (!json) files.set(file, (json = JSON.parse(readFileSync(path.join(repoRoot, file), "utf8")) as JsonSchema));
  return json;
}

/** The schema node at `segments` of a payload, and the file that defines it (following $refs between files). */
function locate(schemaFile: string, segments: string[]): Located {
  let file = schemaFile;
  let node = readSchema(file);
  const follow = () => {
    for (let guard = 0; guard < 20; guard++) {
      if (typeof node.$ref === "string") {
        if (node.$ref.startsWith("#")) throw new Error(`${file}: a local $ref (${node.$ref}) is not followed by the proposer`);
        file = path.posix.normalize(path.posix.join(path.posix.dirname(file), node.$ref));
        node = readSchema(file);
      } else if (Array.isArray(node.anyOf)) {
        const shape = (node.anyOf as JsonSchema[]).find((a) => a.type !== "null");
        if (!shape) return;
        node = shape;
      } else return;
    }
  };
  follow();
  for (const segment of segments) {
    const next = segment === "-" ? (node.items as JsonSchema | undefined) : (node.properties as Record<string, JsonSchema> | undefined)?.[segment];
    if (!next) throw new Error(`${file}: no field "${segment}" in the schema`);
    node = next;
    follow();
  }
  return { file, node };
}

const evidence = (s: ObservedShape) => `observed in ${s.count} deliveries from ${s.firstSeen} to ${s.lastSeen} (webhook-contracts drift)`;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

const validDay = (y: string, m: string, d: string) => new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).getUTCDate() === Number(d);
/**
 * The formats a value may be given, each checked as strictly as the validators check it (src/formats.ts of
 * the validators; a value these take, they take), in the order they are tried.
 */
export const observedFormats: [string, (s: string) => boolean][] = [
  [
    "date-time",
    (s) => {
      const m = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/.exec(s);
      return m !== null && validDay(m[1]!, m[2]!, m[3]!);
    },
  ],
  [
    "date",
    (s) => {
      const m = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.exec(s);
      return m !== null && validDay(m[1]!, m[2]!, m[3]!);
    },
  ],
  ["uuid", (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)],
  ["email", (s) => /^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(s)],
  ["uri", (s) => /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*)?(\?[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?$/.test(s)],
];

/** The first format every one of `values` (strings) has, if any. */
export function formatOf(values: readonly string[], allowed?: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  return observedFormats.find(([name, check]) => (!allowed || allowed.includes(name)) && values.every(check))?.[0];
}

/** Every value at `segments` of `body` (`-` is every item of an array). */
function valuesAt(body: unknown, segments: readonly string[]): unknown[] {
  if (segments.length === 0) return [body];
  const [head, ...rest] = segments;
  if (head === "-") return Array.isArray(body) ? body.flatMap((v) => valuesAt(v, rest)) : [];
  return isObject(body) && Object.hasOwn(body, head!) ? valuesAt(body[head!], rest) : [];
}

/**
 * How many observations a narrowing needs: a number proposed as an integer, a string as a format. Fewer,
 * and the wider type is proposed (a number; a string): one whole riskScore does not show that 12.5 never
 * comes. `drift --propose --min-observations N` sets it.
 */
export const MIN_OBSERVATIONS = 10;

/** The field's schema from what its values looked like: no type from nulls alone, a narrowing only on enough evidence. */
export function fieldSchema(s: ObservedShape, segments: readonly string[], minimum = MIN_OBSERVATIONS): JsonSchema {
  const enough = s.count >= minimum;
  const seen = s.shape.types.filter((t) => t !== "missing");
  const types = seen.map((t) => (t === "integer" && (seen.includes("number") || !enough) ? "number" : t));
  // Only nulls seen: its type is not known yet (a string may come next), so none is proposed.
  const unique = types.every((t) => t === "null") ? [] : [...new Set(types)];
  // A format the drift report saw in every value, that the example's values have as the validators check it.
  const strings = (s.examples ?? []).flatMap((e) => valuesAt(e, segments)).filter((v): v is string => typeof v === "string");
  const format = enough && unique.length === 1 && unique[0] === "string" ? formatOf(strings, s.shape.formats) : undefined;
  return {
    description: `Not documented by the provider: ${evidence(s)}. Optional; its type is what the values had${unique.length ? "" : " (only null so far: none proposed)"}.`,
    "x-provenance": { kind: "observed", sources: [evidence(s)] },
    ...(unique.length ? { type: unique.length === 1 ? unique[0] : unique } : {}),
    ...(format ? { "x-inferred": { format } } : {}),
  };
}

/**
 * The schema of the values seen at one place of a message we have no schema for: their JSON types (a
 * number is a number, whole or not: a few deliveries do not show that it is always whole), and a format all
 * strings have, as inferred (`x-inferred`: a warning when broken, as a format read off examples is); an
 * object's properties, each with how often it was there, none required (the traffic shows what was sent,
 * not what must be) and no other property (a new one is a warning, as everywhere); an array's items from
 * all of its items. `where` says what the values are, for the descriptions.
 */
export function inferSchema(values: readonly unknown[], where: string, minimum = MIN_OBSERVATIONS): JsonSchema {
  const types = new Set(values.map((v) => (typeof v === "number" ? "number" : jsonType(v))));
  const nullable = types.delete("null");
  const [only, ...others] = [...types];
  // Only nulls seen: no type proposed (the first string would otherwise be an error).
  if (only === undefined) return {};
  let schema: JsonSchema;
  if (others.length === 0 && only === "object") {
    const objects = values.filter(isObject);
    const properties: Record<string, JsonSchema> = {};
    const names = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    for (const name of names) {
      const present = objects.filter((o) => Object.hasOwn(o, name)).map((o) => o[name]);
      properties[name] = {
        description: `Not documented by the provider: seen in ${present.length} of the ${objects.length} ${where} observed.`,
        ...inferSchema(present, `${name} objects`, minimum),
      };
    }
    schema = { type: "object", additionalProperties: false, properties };
  } else if (others.length === 0 && only === "array") {
    const items = values.filter(Array.isArray).flat();
    schema = { type: "array", ...(items.length ? { items: inferSchema(items, `items of ${where.replace(/ objects$/, "")}`, minimum) } : {}) };
  } else if (types.has("object") || types.has("array")) {
    return {}; // values of several kinds, some of them objects or arrays: any JSON value
  } else {
    const strings = values.filter((v): v is string => typeof v === "string");
    const format = types.size === 1 && only === "string" && strings.length >= minimum ? formatOf(strings) : undefined;
    const list = [...types, ...(nullable ? ["null"] : [])];
    return { type: list.length === 1 ? list[0] : list, ...(format ? { "x-inferred": { format } } : {}) };
  }
  return nullable ? { anyOf: [schema, { type: "null" }] } : schema;
}

export interface Proposal {
  edited: string[];
  fixtures: string[];
  notProposed: string[];
  /** What a person still has to do for the proposal to meet the house rules (invalid fixtures, the README). */
  toDo: string[];
}

const fileName = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
const same = (values: readonly unknown[]) => values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
const withoutDescription = (schema: JsonSchema): JsonSchema => Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "description"));
/** The value most of `values` are (the first of them on a tie). */
function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].reduce<[T | undefined, number]>((best, [v, n]) => (n > best[1] ? [v, n] : best), [undefined, 0])[0];
}

/**
 * The type name of a new message, made as most of the provider's other messages' are (`<Name>Event`,
 * `Order<Name>`): Ivy's older events are `<Name>Event`, the typed ones of its newer API `<Name>WebhookEvent`.
 */
function titleFor(provider: ProviderContract, name: string, taken: ReadonlySet<string>): string {
  const affixes = provider.messages.map((m) => {
    const title = String(readSchema(m.schemaFile).title);
    const at = title.indexOf(pascalCase(m.name));
    return at < 0 ? undefined : [title.slice(0, at), title.slice(at + pascalCase(m.name).length)];
  });
  const counts = new Map<string, number>();
  for (const a of affixes) if (a !== undefined) counts.set(JSON.stringify(a), (counts.get(JSON.stringify(a)) ?? 0) + 1);
  const [top] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  const [prefix, suffix] = top !== undefined ? (JSON.parse(top) as [string, string]) : ["", "Message"];
  let title = `${prefix}${pascalCase(name)}${suffix}`;
  if (!/^[A-Z]/.test(title)) title = `Message${title}`;
  while (taken.has(title)) title = `${title}Observed`;
  return title;
}

/**
 * A new message for a discriminator value that names none: a schema in the provider's folder whose
 * properties are, first, what all of the provider's messages have (each as they all give it, the shared
 * envelope or `$ref` included, or else inferred from the traffic), required where all of them require it;
 * the discriminator, required, as the new value; then every other field the deliveries had, optional and
 * inferred from their values. Its message in asyncapi.yaml, named by the value as the provider's others
 * are (headers as they all have them, the payload's $ref, the fixture as its example) and in the
 * provider's receive operation; a redacted fixture. Undefined, with why, when it cannot be proposed.
 */
function newMessage(
  provider: ProviderContract,
  s: ObservedShape,
  doc: Document,
  out: Proposal,
  taken: Set<string>,
  dereferenced: readonly JsonSchema[],
  minimum: number,
): string | undefined {
  const name = s.message ?? "";
  const key = pointerSegments(provider.discriminator ?? "");
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return `its name ${JSON.stringify(name)} is not one a message can have`;
  if (provider.messages.some((m) => m.name === name)) return `a message named ${JSON.stringify(name)} exists, for another value`;
  if (key.length !== 1 || provider.messages.some((m) => m.openDiscriminator))
    return `${provider.name}'s discriminator (${provider.discriminator ?? "none"}) is not a top-level field naming closed messages`;
  const bodies = (s.examples ?? []).filter(isObject);
  if (bodies.length === 0) return "no delivery's body to infer its shape from";
  const discriminator = key[0]!;
  const siblings = provider.messages.map((m) => readSchema(m.schemaFile));
  const propertiesOf = (schema: JsonSchema) => (schema.properties ?? {}) as Record<string, JsonSchema>;
  const shared = Object.keys(propertiesOf(siblings[0]!)).filter((p) => siblings.every((m) => Object.hasOwn(propertiesOf(m), p)));
  const required = shared.filter((p) => p === discriminator || siblings.every((m) => ((m.required ?? []) as string[]).includes(p)));
  if (!required.includes(discriminator)) required.push(discriminator);
  const seen = (field: string) => bodies.filter((b) => Object.hasOwn(b, field)).map((b) => b[field]);
  const inferred = (field: string): JsonSchema => ({
    description: `Not documented by the provider: seen in ${seen(field).length} of the ${bodies.length} deliveries observed.`,
    ...inferSchema(seen(field), `${field} objects`, minimum),
  });
  const properties: Record<string, JsonSchema> = {};
  for (const p of shared) {
    const variants = siblings.map((m) => propertiesOf(m)[p]!);
    if (p === discriminator) {
      const descriptions = variants.map((v) => v.description);
      properties[p] = { description: mostCommon(descriptions) ?? "Names the message.", type: "string", const: name };
    } else if (same(variants.map(withoutDescription))) {
      // The same rule in every message, told in words that may differ (Ivy's older events and the typed
      // ones of its newer API say where they know it from): the words most of them use.
      properties[p] = { ...structuredClone(variants[0]!), description: mostCommon(variants.map((v) => v.description)) };
      if (properties[p].description === undefined) delete properties[p].description;
    } else properties[p] = inferred(p);
  }
  for (const field of new Set(bodies.flatMap((b) => Object.keys(b)))) if (!Object.hasOwn(properties, field)) properties[field] = inferred(field);

  const file = `schemas/${provider.name}/${fileName(name)}.schema.json`;
  if (taken.has(file)) return `${file} exists already`;
  const sample = bodies.length < s.count ? `the first ${bodies.length} of them` : "them";
  const schema: JsonSchema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: `${schemaIdBase}${file.replace(/^schemas\//, "")}`,
    title: titleFor(provider, name, taken),
    description: `${provider.title}: a message we had no schema for, named by ${provider.discriminator} ${JSON.stringify(name)}: its shape as ${evidence(s)}, inferred from ${sample}. Not documented by the provider: check it against the provider's docs before relying on it; only what all ${provider.title} messages require is required.`,
    "x-provenance": { kind: "observed", sources: [evidence(s)], note: `Shape inferred from ${bodies.length} deliveries' bodies by drift --propose.` },
    type: "object",
    additionalProperties: false,
    required,
    properties,
  };
  files.set(file, schema);
  taken.add(String(schema.title)).add(file);
  out.edited.push(file);

  const fixture = `fixtures/${provider.name}/${name}/valid/observed-${fileName(name)}.json`;
  mkdirSync(path.dirname(path.join(repoRoot, fixture)), { recursive: true });
  writeFileSync(path.join(repoRoot, fixture), `${JSON.stringify(redactPersonal(bodies[0]), null, 2)}\n`);
  out.fixtures.push(fixture);

  // A provider with several APIs (x-entry-points): the new message goes with the API whose messages its
  // deliveries look most like, and takes the headers that API's messages declare.
  const part = provider.entryPoints.length ? closestEntryPoint(provider, bodies, dereferenced) : undefined;
  const kin = part ? provider.messages.filter((m) => m.entryPoint === part.name) : provider.messages;
  const channel = (doc.toJS() as { channels: Record<string, { messages: Record<string, { headers?: unknown }> }> }).channels[provider.name]!;
  const headers = kin.map((m) => channel.messages[m.name]?.headers);
  const withHeaders = headers.every((h) => h !== undefined) && same(headers);
  const words = name.replace(/[._-]+/g, " ");
  doc.setIn(["channels", provider.name, "messages", name], {
    name,
    title: words[0]!.toUpperCase() + words.slice(1),
    summary: `Seen in traffic, with no schema until now (webhook-contracts drift --propose).`,
    contentType: "application/json",
    ...(part ? { "x-entry-point": part.name } : {}),
    ...(withHeaders ? { headers: headers[0] } : {}),
    payload: { schemaFormat: "application/schema+json;version=draft-07", schema: { $ref: `./${file}` } },
    examples: [{ name: `observed-${fileName(name)}`, summary: "A delivery seen in traffic, redacted", payload: { $ref: `./${fixture}` } }],
  });
  const operations = doc.get("operations", true) as { items: { key: unknown; value: unknown }[] } | undefined;
  const operation = operations?.items.find((o) => doc.getIn(["operations", String(o.key), "channel", "$ref"]) === `#/channels/${provider.name}`);
  if (operation) doc.addIn(["operations", String(operation.key), "messages"], { $ref: `#/channels/${provider.name}/messages/${name}` });
  if (!out.edited.includes("asyncapi.yaml")) out.edited.push("asyncapi.yaml");
  out.toDo.push(
    `${provider.name} ${name}: ${file} is inferred from traffic; name what it is in its description, write its invalid fixtures (fixtures/${provider.name}/${name}/invalid/, three at least), and run pnpm readme`,
  );
  if (part)
    out.toDo.push(
      `${provider.name} ${name}: put in the entry point ${part.name} (${part.why}); if it is the other API's, change its x-entry-point${withHeaders ? " and headers" : ""} in asyncapi.yaml`,
    );
  const lifecycle = provider.lifecycles.find((l) => l.status === provider.discriminator);
  if (lifecycle)
    out.notProposed.push(
      `${provider.name} ${name}: also a status of ${provider.name}'s lifecycle: add it to ${lifecycle.file} with its transitions (none observed)`,
    );
  return undefined;
}

/** The field names a value has, and those of its objects' fields one level down (`payload/amount`). */
function fieldPaths(body: Record<string, unknown>): string[] {
  return Object.entries(body).flatMap(([k, v]) => [k, ...(isObject(v) ? Object.keys(v).map((sub) => `${k}/${sub}`) : [])]);
}

/** The same of each shape a message schema allows (its if/then/else branches apart), with the fields it requires. */
function schemaShapes(schema: JsonSchema): { paths: Set<string>; required: string[] }[] {
  const propertiesOf = (nodes: JsonSchema[]) =>
    Object.assign({}, ...nodes.map((n) => (n.properties ?? {}) as Record<string, JsonSchema>)) as Record<string, JsonSchema>;
  return conditionalShapes(schema).map((shape) => {
    const paths = new Set<string>();
    for (const [k, sub] of Object.entries(propertiesOf(shape))) {
      paths.add(k);
      for (const nested of conditionalShapes(sub)) for (const name of Object.keys(propertiesOf(nested))) paths.add(`${k}/${name}`);
    }
    return { paths, required: shape.flatMap((n) => (n.required ?? []) as string[]) };
  });
}

/**
 * The entry point of the message the deliveries are closest to: of the message shapes whose required
 * fields every delivery has, the greatest share of field names (top level and one level down: Ivy's event
 * API's payloads are snake_case, its merchant API's camelCase) that the deliveries and the shape both have.
 * The first declared on a tie, which the reason says.
 */
export function closestEntryPoint(
  provider: Pick<ProviderContract, "entryPoints" | "messages">,
  bodies: readonly Record<string, unknown>[],
  dereferenced: readonly JsonSchema[],
): { name: string; why: string } {
  const fields = new Set(bodies.flatMap(fieldPaths));
  const closeness = (schema: JsonSchema) =>
    Math.max(
      ...schemaShapes(schema).map(({ paths, required }) => {
        const both = [...paths].filter((n) => fields.has(n)).length;
        const fits = required.every((r) => bodies.every((b) => Object.hasOwn(b, r)));
        // A shape the deliveries lack a required field of comes after every one they could be.
        return both / (paths.size + fields.size - both || 1) - (fits ? 0 : 1);
      }),
    );
  const scored = provider.entryPoints.map((e) => ({
    name: e.name,
    score: Math.max(...provider.messages.flatMap((m, i) => (m.entryPoint === e.name ? [closeness(dereferenced[i]!)] : []))),
  }));
  const best = scored.reduce((a, b) => (b.score > a.score ? b : a));
  const tied = scored.filter((s) => s.score === best.score).length > 1;
  const share = (n: number) => (n < 0 ? "none whose required fields they have" : `${Math.round(n * 100)}%`);
  return {
    name: best.name,
    why: tied
      ? `its deliveries' fields are as close to a message of each (${share(best.score)}): the first declared`
      : `its deliveries' fields are closest to a message of that API's: ${scored.map((s) => `${s.name} ${share(s.score)}`).join(", ")}`,
  };
}

export async function propose(shapes: readonly ObservedShape[], { minObservations = MIN_OBSERVATIONS }: { minObservations?: number } = {}): Promise<Proposal> {
  const providers = await loadContracts();
  const out: Proposal = { edited: [], fixtures: [], notProposed: [], toDo: [] };
  let doc: Document | undefined;
  const asyncApi = () => (doc ??= parseDocument(readFileSync(asyncApiFile, "utf8")));
  // A new message first: the other findings of its deliveries are in the shape it is given.
  const newMessages = new Set<string>();
  /** Per provider, the titles its schemas use and their files: a new message's must be new. */
  const taken = new Map<string, Set<string>>();
  for (const [file, schema] of await loadSchemaFiles()) {
    const provider = file.split("/")[1]!;
    const names = taken.get(provider) ?? new Set<string>([file]);
    taken.set(provider, names.add(file));
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (isObject(node)) for (const [k, v] of Object.entries(node)) k === "title" && typeof v === "string" ? names.add(v) : walk(v);
    };
    walk(schema);
  }
  for (const s of shapes) {
    const provider = providers.find((p) => p.name === s.provider);
    if (!provider || !s.unknownMessage || s.keyword !== "discriminator" || newMessages.has(`${s.provider}\u0000${s.message}`)) continue;
    // Read whole only where a new message must pick one of the provider's entry points.
    const dereferenced = provider.entryPoints.length ? await Promise.all(provider.messages.map((m) => dereferenceSchema(m.schemaId))) : [];
    const why = newMessage(provider, s, asyncApi(), out, taken.get(provider.name) ?? new Set(), dereferenced, minObservations);
    if (why) out.notProposed.push(`${s.provider} ${s.message ?? "?"}: a message with no schema (${s.count} deliveries), not proposed: ${why}`);
    else newMessages.add(`${s.provider}\u0000${s.message}`);
  }
  for (const s of shapes) {
    if (s.unknownMessage && (s.keyword === "discriminator" || newMessages.has(`${s.provider}\u0000${s.message}`))) continue;
    const provider = providers.find((p) => p.name === s.provider);
    const message = provider?.messages.find((m) => m.name === s.message);
    if (!provider || !message || s.unknownMessage) {
      out.notProposed.push(`${s.provider} ${s.message ?? "?"}: a message with no schema (${s.count} deliveries); write its schema, then replay them`);
      continue;
    }
    const segments = pointerSegments(s.pointer);
    if (s.keyword === "additionalProperties") {
      const field = segments.at(-1)!;
      const parent = locate(message.schemaFile, segments.slice(0, -1));
      const properties = (parent.node.properties ??= {}) as Record<string, JsonSchema>;
      properties[field] = fieldSchema(s, segments, minObservations);
      if (!out.edited.includes(parent.file)) out.edited.push(parent.file);
    } else if (s.keyword === "x-known-values" && lifecycleOf(provider, message.name)?.status === s.pointer) {
      // A status is a step of the lifecycle too: where it comes from and goes to is for a person to say.
      out.notProposed.push(
        `${s.provider} ${s.message} ${s.pointer}: status ${JSON.stringify(s.shape.values ?? [])} (${s.count} deliveries): add it to the schema and to ${lifecycleOf(provider, message.name)!.file} with its transitions`,
      );
      continue;
    } else if (s.keyword === "x-known-values" && s.shape.values?.length) {
      const at = locate(message.schemaFile, segments);
      const known = at.node["x-known-values"] as unknown[];
      for (const v of s.shape.values) if (!known.includes(v)) known.push(v);
      at.node.description = `${String(at.node.description ?? "")} Values added from traffic: ${evidence(s)}.`.trim();
      if (!out.edited.includes(at.file)) out.edited.push(at.file);
    } else {
      out.notProposed.push(`${s.provider} ${s.message} ${s.pointer || "/"}: ${s.keyword} (${s.severity}, ${s.count} deliveries): a rule to look at by hand`);
      continue;
    }
    const example = s.examples?.[0];
    if (example !== undefined) {
      const name = `observed-${(segments.at(-1) ?? "payload").replace(/[^A-Za-z0-9_-]+/g, "-")}.json`;
      const file = path.join(fixturesDir, s.provider, message.name, "valid", name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(redactPersonal(example), null, 2)}\n`);
      out.fixtures.push(path.relative(repoRoot, file));
    }
  }
  for (const file of out.edited) {
    if (file === "asyncapi.yaml") writeFileSync(asyncApiFile, doc!.toString({ lineWidth: 0, flowCollectionPadding: false, singleQuote: true }));
    else writeFileSync(path.join(repoRoot, file), `${JSON.stringify(files.get(file), null, 2)}\n`);
  }
  return out;
}

if (isEntryPoint(import.meta.url)) {
  const shapes = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as ObservedShape[];
  const result = await propose(shapes, process.argv[3] === undefined ? {} : { minObservations: Number(process.argv[3]) });
  for (const f of result.edited) process.stdout.write(`edited ${f}\n`);
  for (const f of result.fixtures) process.stdout.write(`wrote ${f}\n`);
  for (const n of result.notProposed) process.stdout.write(`not proposed: ${n}\n`);
  for (const t of result.toDo) process.stdout.write(`to do: ${t}\n`);
}
