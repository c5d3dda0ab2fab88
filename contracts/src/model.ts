/**
 * Reads the source of truth (asyncapi.yaml and schemas/) into one model that every generator uses:
 * providers (one AsyncAPI channel each), their messages, each message's schema file, and the
 * discriminator that picks a message from a payload.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { parse as parseYaml } from "yaml";
import { pascalCase } from "./naming.ts";
import { asyncApiFile, repoRoot, schemasDir } from "./paths.ts";
import { pointerSegments } from "./pointer.ts";

export { pascalCase } from "./naming.ts";
export { pointerSegments } from "./pointer.ts";
export { asyncApiFile, fixturesDir, repoRoot, schemasDir } from "./paths.ts";

export type JsonSchema = { [keyword: string]: unknown };

/** The kinds of `x-provenance`: where a schema's shape comes from. */
export const provenanceKinds = ["docs", "sdk", "inferred", "unpublished", "observed"] as const;

/** Every schema's `$id` is this base plus its path under schemas/: a name, never fetched. */
export const schemaIdBase = "https://webhook-contracts.example/schemas/";

/** json-schema-ref-parser options that read `$id`-relative references from schemas/ and never go online. */
export const refParserOptions = {
  resolve: {
    http: false as const,
    schemaIds: {
      order: 1,
      canRead: (file: { url: string }) => file.url.startsWith(schemaIdBase),
      read: (file: { url: string }) => readFile(path.join(schemasDir, file.url.slice(schemaIdBase.length).split("#")[0]!)),
    },
  },
};

export interface MessageContract {
  /** The key in the channel's messages map: the id users name the message by (`order_updated`). */
  name: string;
  title: string;
  summary: string;
  /** Path of the payload schema, relative to the repository root. */
  schemaFile: string;
  schemaId: string;
  /** The message's JSON Schema title, which becomes its TypeScript type name. */
  typeName: string;
  /** Values of the provider's discriminator that select this message. */
  discriminatorValues: string[];
  /** The discriminator's list is open (`x-known-values`): any other value selects this message too. */
  openDiscriminator?: boolean;
  /** The message's own delivery key (`x-delivery-key` on the message), when the provider's does not fit it. */
  deliveryKey?: string[];
  /** The name of the provider's entry point the message is in (`x-entry-point`), when it has several. */
  entryPoint?: string;
}

/**
 * A part of a provider's messages that the generated packages also offer as an entry point of its own
 * (`x-entry-points` on the channel): Ivy's two webhook APIs, so that a team that receives one loads only
 * its validators. The provider's own entry point holds every message still.
 */
export interface EntryPointContract {
  /** Its name under the provider (`event-api`). */
  name: string;
  /** `<provider>/<name>`: the subpath a package exports it at (`@webhook-contracts/validators/ivy/event-api`). */
  path: string;
  summary: string;
  /** Its messages, in the channel's order. */
  messages: string[];
}

export interface LifecycleTransition {
  /** null: the order's creation. */
  from: string | null;
  to: string;
  /** "docs: ..." or "inferred: ...". */
  source: string;
}

/**
 * One lifecycle of a provider, checked against contracts/lifecycle.schema.json and the schemas:
 * schemas/<provider>/lifecycle.json (its orders, name "") or schemas/<provider>/lifecycle.<name>.json
 * (another kind of resource, e.g. Ivy's payouts: its statuses are not the orders').
 */
export interface LifecycleContract {
  /** "" for lifecycle.json; `<name>` for lifecycle.<name>.json (kebab-case). */
  name: string;
  /** The file, relative to the repository root. */
  file: string;
  title: string;
  description: string;
  provenance: { kind: string; sources: string[]; note?: string };
  messages: string[];
  subject: string;
  status: string;
  previousStatus?: string;
  timestamp?: string;
  initial: string[];
  final: string[];
  transitions: LifecycleTransition[];
  /** Transitions the provider documents as impossible ("*" for any status); "docs: ..." sources only. */
  impossible: LifecycleTransition[];
  /**
   * Statuses the messages carry whose place in the lifecycle no source shows: no transition leads to or
   * from them, and a delivery in one is not checked against the table.
   */
  unplaced: { status: string; source: string }[];
  /** The statuses the table places (every status the messages' schemas allow but the unplaced ones), in schema order. */
  statuses: string[];
}

/** What a signature scheme signs and how (`x-webhook-auth.signature` of a security scheme). */
export interface SignatureSpec {
  algorithm: "hmac-sha256";
  encoding: "hex" | "base64";
  /** Text before the digest in the header (`sha256=`), if any. */
  prefix?: string;
  /** Template of the signed bytes: `{body}` (the raw body), `{timestamp}` and `{id}`, with literal text between. */
  signed: string;
  /** The signed timestamp's header, and how far from now it may be. */
  timestamp?: { header: string; unit: "seconds" | "milliseconds"; toleranceSeconds: number };
  /** The signed message id's header (`{id}`); `pointer`: the payload field a sender copies into it. */
  id?: { header: string; pointer?: string };
  /** The header holds a list of signatures separated by this; only those that start with `prefix` count (others are other versions). */
  separator?: string;
  /** The secret is `prefix` + the key's bytes in base64 (Standard Webhooks' `whsec_`); without it, the secret's UTF-8 bytes are the key. */
  key?: { prefix: string; encoding: "base64" };
}

/** How a provider's deliveries authenticate: one of the alternatives of its operation's `security`. */
export type AuthScheme = {
  /** The security scheme's id in asyncapi.yaml. */
  id: string;
  description: string;
  /** The receiver setting that lists this scheme's secrets (`secrets`, `apiKeys`). */
  secrets: string;
  secretsDescription?: string;
} & ({ kind: "signature"; header: string; signature: SignatureSpec } | { kind: "apiKey"; header: string; configurableHeader: boolean } | { kind: "basic" });

export interface ProviderContract {
  /** Channel id, also the provider's name everywhere (`amplia-reg`). */
  name: string;
  title: string;
  address: string;
  /** Prefix of generated type names (`AmpliaReg`). */
  typePrefix: string;
  /** JSON Pointer of the payload field that picks the message; absent when there is one message. */
  discriminator?: string;
  /** JSON Pointers whose values together identify one delivery (the provider's event key). */
  deliveryKey: string[];
  messages: MessageContract[];
  /** Its lifecycles: lifecycle.json's first, then lifecycle.<name>.json's by name. A message is in one at most. */
  lifecycles: LifecycleContract[];
  /** The alternatives of its `receive` operation's `security`, in order: the first a request carries decides. */
  auth: AuthScheme[];
  /** The parts of its messages with an entry point of their own (`x-entry-points`); none for most providers. */
  entryPoints: EntryPointContract[];
}

interface RawMessage {
  title?: string;
  summary?: string;
  "x-delivery-key"?: string[];
  "x-entry-point"?: string;
  payload?: { schemaFormat?: string; schema?: { $ref?: string } };
}
interface RawChannel {
  title?: string;
  address?: string;
  "x-discriminator"?: string;
  "x-delivery-key"?: string[];
  "x-entry-points"?: Record<string, { summary?: string }>;
  messages?: Record<string, RawMessage>;
}

export async function readJson<T = unknown>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

let schemaFiles: Promise<Map<string, JsonSchema>> | undefined;

/**
 * Every schema file under schemas/, keyed by path relative to the repository root; read once per process
 * (the build makes an Ajv instance per group of messages from them). Callers must not change them.
 */
export function loadSchemaFiles(): Promise<Map<string, JsonSchema>> {
  schemaFiles ??= (async () => {
    const files = (await readdir(schemasDir, { recursive: true })).filter((f) => f.endsWith(".schema.json")).sort();
    const out = new Map<string, JsonSchema>();
    for (const f of files) out.set(path.posix.join("schemas", f.split(path.sep).join("/")), await readJson<JsonSchema>(path.join(schemasDir, f)));
    return out;
  })();
  return schemaFiles;
}

const dereferenced = new Map<string, Promise<JsonSchema>>();

/**
 * A schema with every `$ref` resolved (shared objects stay shared), read once per process: the contract
 * checks and the docs both walk the same message schemas. Callers must not change it.
 */
export function dereferenceSchema(schemaId: string): Promise<JsonSchema> {
  let schema = dereferenced.get(schemaId);
  if (!schema) {
    schema = $RefParser.dereference({ $ref: schemaId }, refParserOptions) as Promise<JsonSchema>;
    dereferenced.set(schemaId, schema);
  }
  return schema;
}

/**
 * The shapes a schema node may take: the node itself, and where it has `if`/`then`/`else`, the node with
 * its `then` branch or with its `else` branch (each expanded in turn). Each shape is the list of schemas
 * that all apply to a value of that shape (Ivy's deposit.received: the envelope with the newer event
 * API's payload when `api_version` is present, with the older service API's when it is not).
 */
export function conditionalShapes(node: JsonSchema): JsonSchema[][] {
  if (!node.if || (!node.then && !node.else)) return [[node]];
  const branch = (b: unknown) => (b && typeof b === "object" ? conditionalShapes(b as JsonSchema) : [[]]);
  return [...branch(node.then), ...branch(node.else)].map((shape) => [node, ...shape]);
}

/** What a schema says about the value at a pointer: its values, whether the list is open, where it may be absent. */
export interface PointerValues {
  values: string[];
  open: boolean;
  /** "always": required in every shape; "some": required in some shapes only (absent from, or optional in, others); "never". */
  required: "always" | "some" | "never";
  /** The first segment that is optional (or missing) in some shape, for the error message. */
  optionalSegment?: string;
}

/**
 * The values a message schema allows at `pointer` (a string `const` or `enum`, or the known values of an
 * open list, `x-known-values`), following $refs and the branches of `if`/`then`/`else`: the values are the
 * union over the shapes that have the pointer, and `required` says whether every shape requires it.
 */
async function valuesAt({ schemaFile, schemaId }: Pick<MessageContract, "schemaFile" | "schemaId">, pointer: string): Promise<PointerValues> {
  const segments = pointerSegments(pointer);
  const values: string[] = [];
  let open = false;
  let found = 0;
  let everywhere = true;
  let requiredSomewhere = false;
  let optionalSegment: string | undefined;
  const walk = (shape: JsonSchema[], depth: number, required: boolean): void => {
    if (depth === segments.length) {
      let listed = false;
      for (const node of shape) {
        const own =
          typeof node.const === "string"
            ? [node.const]
            : Array.isArray(node.enum) && node.enum.every((v) => typeof v === "string")
              ? (node.enum as string[])
              : Array.isArray(node["x-known-values"]) && (node["x-known-values"] as unknown[]).every((v) => typeof v === "string")
                ? (node["x-known-values"] as string[])
                : undefined;
        if (!own) continue;
        listed = true;
        if (!("const" in node) && !("enum" in node)) open = true;
        for (const v of own) if (!values.includes(v)) values.push(v);
      }
      if (!listed) throw new Error(`${schemaFile}: the schema at ${pointer} needs a string const, enum or x-known-values`);
      found++;
      if (required) requiredSomewhere = true;
      else everywhere = false;
      return;
    }
    const segment = segments[depth]!;
    const children = shape.map((n) => (n.properties as Record<string, JsonSchema> | undefined)?.[segment]).filter((c): c is JsonSchema => c !== undefined);
    const here = shape.some((n) => (n.required as string[] | undefined)?.includes(segment));
    if (children.length === 0 || !here) {
      everywhere = false;
      optionalSegment ??= segment;
    }
    if (children.length === 0) return;
    // Every schema of the shape applies, and each child may branch again: one shape per combination.
    let combined: JsonSchema[][] = [[]];
    for (const child of children) combined = combined.flatMap((c) => conditionalShapes(child).map((s) => [...c, ...s]));
    for (const next of combined) walk(next, depth + 1, required && here);
  };
  for (const shape of conditionalShapes(await dereferenceSchema(schemaId))) walk(shape, 0, true);
  if (found === 0) throw new Error(`${schemaFile}: ${pointer} names no property "${optionalSegment ?? segments[0]}"`);
  return { values, open, required: everywhere ? "always" : requiredSomewhere ? "some" : "never", ...(optionalSegment ? { optionalSegment } : {}) };
}

/** lifecycle.json (name "") and lifecycle.<name>.json: the files a provider's lifecycles are read from. */
const LIFECYCLE_FILE = /^lifecycle(?:\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*))?\.json$/;

/** The lifecycle that carries a message's status, if any. */
export function lifecycleOf(provider: Pick<ProviderContract, "lifecycles">, message: string): LifecycleContract | undefined {
  return provider.lifecycles.find((l) => l.messages.includes(message));
}

async function loadLifecycles(provider: ProviderContract): Promise<LifecycleContract[]> {
  const dir = path.join(schemasDir, provider.name);
  const files = (await readdir(dir)).filter((f) => f.startsWith("lifecycle.") && f.endsWith(".json")).sort();
  const lifecycles: LifecycleContract[] = [];
  for (const file of files) {
    const match = LIFECYCLE_FILE.exec(file);
    if (!match) throw new Error(`schemas/${provider.name}/${file}: a lifecycle file is lifecycle.json or lifecycle.<name>.json, <name> in kebab-case`);
    lifecycles.push(await loadLifecycle(provider, file, match[1] ?? ""));
  }
  // lifecycle.json first: the provider's orders, which the validators' `lifecycle` and `lifecycles` name.
  lifecycles.sort((a, b) => (a.name === "" ? -1 : b.name === "" ? 1 : a.name.localeCompare(b.name)));
  const owner = new Map<string, string>();
  for (const l of lifecycles)
    for (const m of l.messages) {
      const other = owner.get(m);
      if (other !== undefined) throw new Error(`${l.file}: message ${m} is in the lifecycle of ${other} too (a message carries one status)`);
      owner.set(m, l.file);
    }
  const reporting = lifecycles.filter((l) => l.previousStatus !== undefined);
  if (reporting.length > 1)
    throw new Error(
      `schemas/${provider.name}: ${reporting.map((l) => l.file).join(" and ")} both name a previousStatus; the validators check one reported transition per provider`,
    );
  return lifecycles;
}

async function loadLifecycle(provider: ProviderContract, fileName: string, name: string): Promise<LifecycleContract> {
  const where = `schemas/${provider.name}/${fileName}`;
  const raw = await readJson<Record<string, unknown>>(path.join(schemasDir, provider.name, fileName));
  const { Ajv } = await import("ajv");
  const validate = new Ajv({ allErrors: true }).compile(await readJson(fileURLToPath(new URL("../lifecycle.schema.json", import.meta.url))));
  if (!validate(raw)) throw new Error(`${where}: ${JSON.stringify(validate.errors)}`);
  const lifecycle = { impossible: [], unplaced: [], ...raw } as unknown as Omit<LifecycleContract, "name" | "file" | "provenance" | "statuses">;
  const allowed: string[] = [];
  for (const message of lifecycle.messages) {
    const contract = provider.messages.find((m) => m.name === message);
    if (!contract) throw new Error(`${where}: no message "${message}" in the ${provider.name} channel`);
    // A status the message's schema has in some of its shapes only (Ivy's older service API payloads,
    // an else branch, have none or an optional one): a delivery without it is not checked.
    const at = await valuesAt(contract, lifecycle.status);
    if (at.required === "never") throw new Error(`${contract.schemaFile}: ${lifecycle.status} must be required ("${at.optionalSegment}" is optional)`);
    for (const v of at.values) if (!allowed.includes(v)) allowed.push(v);
  }
  const unplaced = new Set<string>();
  for (const { status } of lifecycle.unplaced) {
    if (!allowed.includes(status)) throw new Error(`${where}: unplaced "${status}" is not a status of ${lifecycle.messages.join(", ")}`);
    if (unplaced.has(status)) throw new Error(`${where}: unplaced "${status}" is listed twice`);
    unplaced.add(status);
  }
  const statuses = allowed.filter((s) => !unplaced.has(s));
  const named = [
    ...lifecycle.initial,
    ...lifecycle.final,
    ...[...lifecycle.transitions, ...lifecycle.impossible].flatMap((t) => (t.from === null ? [t.to] : [t.from, t.to])).filter((s) => s !== "*"),
  ];
  for (const status of named) {
    if (unplaced.has(status)) throw new Error(`${where}: "${status}" is unplaced, so no transition, initial or final status may name it`);
    if (!statuses.includes(status)) throw new Error(`${where}: "${status}" is not a status of ${lifecycle.messages.join(", ")}`);
  }
  const created = lifecycle.transitions.filter((t) => t.from === null).map((t) => t.to);
  if (created.sort().join() !== [...lifecycle.initial].sort().join()) {
    throw new Error(`${where}: "initial" must list exactly the statuses of the transitions from null (${created.join(", ")})`);
  }
  const reached = new Set(lifecycle.transitions.map((t) => t.to));
  for (const status of statuses) {
    if (!reached.has(status))
      throw new Error(`${where}: no transition leads to "${status}" (list it under "unplaced", with its source, if no source shows where it comes from)`);
  }
  const seen = new Set<string>();
  for (const t of lifecycle.transitions) {
    const key = `${t.from} -> ${t.to}`;
    if (seen.has(key)) throw new Error(`${where}: ${key} is listed twice`);
    seen.add(key);
  }
  for (const t of lifecycle.impossible) {
    if (!t.source.startsWith("docs: "))
      throw new Error(`${where}: impossible ${t.from} -> ${t.to} needs a "docs: ..." source (an inferred one would be a guess that errors)`);
    if (t.from === "*" && t.to === "*") throw new Error(`${where}: impossible * -> * would rule out every transition`);
    const covered = lifecycle.transitions.find((l) => (t.from === "*" || t.from === l.from) && (t.to === "*" || t.to === l.to));
    if (covered) throw new Error(`${where}: ${covered.from} -> ${covered.to} is both listed and impossible (${t.from} -> ${t.to})`);
  }
  return { ...lifecycle, name, file: where, provenance: raw["x-provenance"] as LifecycleContract["provenance"], statuses };
}

let cached: Promise<ProviderContract[]> | undefined;

/** The providers and messages of asyncapi.yaml, checked for what the generators rely on. */
export function loadContracts(): Promise<ProviderContract[]> {
  cached ??= readContracts();
  return cached;
}

interface RawSecurityScheme {
  type?: string;
  name?: string;
  in?: string;
  scheme?: string;
  description?: string;
  "x-webhook-auth"?: {
    secrets?: string;
    secretsDescription?: string;
    configurableHeader?: boolean;
    signature?: Partial<SignatureSpec> & { timestamp?: Partial<NonNullable<SignatureSpec["timestamp"]>> };
  };
}
interface RawDocument {
  channels?: Record<string, RawChannel>;
  operations?: Record<string, { action?: string; channel?: { $ref?: string }; security?: { $ref?: string }[] }>;
  components?: { securitySchemes?: Record<string, RawSecurityScheme> };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function authScheme(id: string, raw: RawSecurityScheme | undefined): AuthScheme {
  const where = `asyncapi.yaml: securitySchemes.${id}`;
  if (!raw) throw new Error(`${where} does not exist`);
  const ext = raw["x-webhook-auth"];
  if (!ext?.secrets || !/^[a-z][A-Za-z0-9]*$/.test(ext.secrets))
    throw new Error(`${where} needs x-webhook-auth.secrets, the camelCase name of the setting that lists its secrets`);
  const base = {
    id,
    description: raw.description ?? "",
    secrets: ext.secrets,
    ...(ext.secretsDescription ? { secretsDescription: ext.secretsDescription } : {}),
  };
  if (raw.type === "http" && raw.scheme === "basic") return { ...base, kind: "basic" };
  if (raw.type !== "httpApiKey" || raw.in !== "header" || !raw.name || !HEADER_NAME.test(raw.name)) {
    throw new Error(`${where}: the receiver knows httpApiKey in a header, and http basic (got ${raw.type} ${raw.in ?? raw.scheme ?? ""})`);
  }
  const sig = ext.signature;
  if (!sig) return { ...base, kind: "apiKey", header: raw.name, configurableHeader: ext.configurableHeader === true };
  if (sig.algorithm !== "hmac-sha256") throw new Error(`${where}: signature.algorithm must be hmac-sha256 (got ${sig.algorithm})`);
  if (sig.encoding !== "hex" && sig.encoding !== "base64") throw new Error(`${where}: signature.encoding must be hex or base64 (got ${sig.encoding})`);
  const signed = sig.signed ?? "";
  const placeholders = signed.match(/\{[^}]*\}/g) ?? [];
  const unknown = placeholders.filter((p) => p !== "{body}" && p !== "{timestamp}" && p !== "{id}");
  if (unknown.length > 0) throw new Error(`${where}: signature.signed may hold {body}, {timestamp} and {id}, not ${unknown.join(", ")}`);
  if (placeholders.filter((p) => p === "{body}").length !== 1) throw new Error(`${where}: signature.signed must hold {body} once`);
  if (signed.includes("{id}") !== Boolean(sig.id)) throw new Error(`${where}: signature.signed uses {id} exactly when signature.id is declared`);
  if (sig.id && (!sig.id.header || !HEADER_NAME.test(sig.id.header))) throw new Error(`${where}: signature.id.header must be a header name`);
  if (sig.id?.pointer !== undefined && !/^(\/([^~/]|~[01])*)*$/.test(sig.id.pointer)) throw new Error(`${where}: signature.id.pointer must be a JSON Pointer`);
  if (sig.separator !== undefined && (sig.separator.length !== 1 || !sig.prefix))
    throw new Error(`${where}: signature.separator must be one character, with the prefix that marks the signatures checked (e.g. "v1,")`);
  if (sig.key && (typeof sig.key.prefix !== "string" || sig.key.encoding !== "base64"))
    throw new Error(`${where}: signature.key must be {prefix, encoding: base64} (e.g. Standard Webhooks' whsec_)`);
  const ts = sig.timestamp;
  if (signed.includes("{timestamp}") !== Boolean(ts))
    throw new Error(`${where}: signature.signed uses {timestamp} exactly when signature.timestamp is declared`);
  let timestamp: SignatureSpec["timestamp"];
  if (ts) {
    if (!ts.header || !HEADER_NAME.test(ts.header)) throw new Error(`${where}: signature.timestamp.header must be a header name`);
    if (ts.unit !== "seconds" && ts.unit !== "milliseconds") throw new Error(`${where}: signature.timestamp.unit must be seconds or milliseconds`);
    if (!Number.isInteger(ts.toleranceSeconds) || ts.toleranceSeconds! < 1)
      throw new Error(`${where}: signature.timestamp.toleranceSeconds must be a positive integer`);
    timestamp = { header: ts.header, unit: ts.unit, toleranceSeconds: ts.toleranceSeconds! };
  }
  return {
    ...base,
    kind: "signature",
    header: raw.name,
    signature: {
      algorithm: sig.algorithm,
      encoding: sig.encoding,
      ...(sig.prefix ? { prefix: sig.prefix } : {}),
      signed,
      ...(timestamp ? { timestamp } : {}),
      ...(sig.id ? { id: { header: sig.id.header, ...(sig.id.pointer !== undefined ? { pointer: sig.id.pointer } : {}) } } : {}),
      ...(sig.separator ? { separator: sig.separator } : {}),
      ...(sig.key ? { key: { prefix: sig.key.prefix, encoding: sig.key.encoding } } : {}),
    },
  };
}

/** The prefix a scheme's secrets carry (`whsec_`), if they are a key's bytes encoded. */
export const keyPrefix = (scheme: AuthScheme): string | undefined => (scheme.kind === "signature" ? scheme.signature.key?.prefix : undefined);

/** The authentication alternatives of each channel's receive operation. */
function providerAuth(doc: RawDocument, channel: string): AuthScheme[] {
  const operations = Object.values(doc.operations ?? {}).filter((o) => o.channel?.$ref === `#/channels/${channel}`);
  if (operations.length !== 1 || operations[0]!.action !== "receive") throw new Error(`asyncapi.yaml: channel ${channel} needs one receive operation`);
  const security = operations[0]!.security ?? [];
  if (security.length === 0)
    throw new Error(`asyncapi.yaml: the receive operation of ${channel} needs a security scheme (the receiver takes nothing unauthenticated)`);
  const schemes = security.map((s) => {
    const id = /^#\/components\/securitySchemes\/(.+)$/.exec(s.$ref ?? "")?.[1];
    if (!id) throw new Error(`asyncapi.yaml: ${channel}: security must $ref #/components/securitySchemes/<id>`);
    return authScheme(id, doc.components?.securitySchemes?.[id]);
  });
  // Alternatives that share a setting share its secrets, so they must take secrets of one form.
  for (const a of schemes)
    for (const b of schemes)
      if (a.secrets === b.secrets && keyPrefix(a) !== keyPrefix(b))
        throw new Error(`asyncapi.yaml: ${channel}: ${a.id} and ${b.id} share the setting ${a.secrets} but take secrets of different forms (signature.key)`);
  return schemes;
}

const entryPointName = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** A channel's `x-entry-points`, each with the messages that name it in `x-entry-point`; checked whole. */
export function channelEntryPoints(channel: string, declared: RawChannel["x-entry-points"], messages: MessageContract[]): EntryPointContract[] {
  if (declared === undefined) {
    const stray = messages.find((m) => m.entryPoint !== undefined);
    if (stray) throw new Error(`asyncapi.yaml: ${channel}/${stray.name} names x-entry-point ${stray.entryPoint}, but the channel declares no x-entry-points`);
    return [];
  }
  const names = Object.keys(declared);
  if (names.length < 2) throw new Error(`asyncapi.yaml: ${channel} x-entry-points needs two or more entry points (one is the provider's own)`);
  const parts = names.map((name): EntryPointContract => {
    if (!entryPointName.test(name)) throw new Error(`asyncapi.yaml: ${channel} x-entry-points: "${name}" must be kebab-case (it becomes an import path)`);
    const summary = declared[name]?.summary;
    if (typeof summary !== "string" || summary === "")
      throw new Error(`asyncapi.yaml: ${channel} x-entry-points.${name} needs a summary (what its messages are)`);
    return { name, path: `${channel}/${name}`, summary, messages: [] };
  });
  for (const m of messages) {
    const part = parts.find((p) => p.name === m.entryPoint);
    if (!part) {
      throw new Error(
        `asyncapi.yaml: ${channel}/${m.name} needs an x-entry-point, one of ${names.join(", ")}` +
          (m.entryPoint === undefined ? "" : ` (it names "${m.entryPoint}")`),
      );
    }
    part.messages.push(m.name);
  }
  const empty = parts.find((p) => p.messages.length === 0);
  if (empty) throw new Error(`asyncapi.yaml: ${channel} x-entry-points.${empty.name} has no message (no message names it in x-entry-point)`);
  return parts;
}

/** A lifecycle's messages must be in one entry point: that entry point checks its transitions whole. */
export function checkLifecycleEntryPoints(provider: Pick<ProviderContract, "messages" | "lifecycles">): void {
  for (const lifecycle of provider.lifecycles) {
    const parts = new Set(lifecycle.messages.map((m) => provider.messages.find((x) => x.name === m)?.entryPoint));
    if (parts.size > 1) throw new Error(`${lifecycle.file}: its messages are in several entry points (${[...parts].join(", ")}); a lifecycle must be in one`);
  }
}

async function readContracts(): Promise<ProviderContract[]> {
  const doc = parseYaml(await readFile(asyncApiFile, "utf8")) as RawDocument;
  const providers: ProviderContract[] = [];
  for (const [name, channel] of Object.entries(doc.channels ?? {})) {
    const messages: MessageContract[] = [];
    for (const [messageName, raw] of Object.entries(channel.messages ?? {})) {
      const ref = raw.payload?.schema?.$ref;
      if (!ref || raw.payload?.schemaFormat !== "application/schema+json;version=draft-07") {
        throw new Error(`asyncapi.yaml: ${name}/${messageName} must have a draft-07 payload that $refs a file under schemas/`);
      }
      const schemaFile = path.posix.normalize(ref);
      const schema = await readJson<JsonSchema>(path.join(repoRoot, schemaFile));
      const ownKey = raw["x-delivery-key"];
      if (ownKey !== undefined && (!Array.isArray(ownKey) || ownKey.length === 0 || !ownKey.every((p) => p === "" || p.startsWith("/")))) {
        throw new Error(`asyncapi.yaml: ${name}/${messageName} x-delivery-key must be a list of JSON Pointers ("" for the whole payload)`);
      }
      messages.push({
        name: messageName,
        title: raw.title ?? messageName,
        summary: raw.summary ?? "",
        schemaFile,
        schemaId: String(schema.$id),
        typeName: String(schema.title),
        discriminatorValues: [],
        ...(ownKey ? { deliveryKey: ownKey } : {}),
        ...(raw["x-entry-point"] !== undefined ? { entryPoint: raw["x-entry-point"] } : {}),
      });
    }
    const discriminator = channel["x-discriminator"];
    if (!discriminator && messages.length > 1) {
      throw new Error(`asyncapi.yaml: channel ${name} has several messages, so it needs an x-discriminator`);
    }
    if (discriminator) {
      const seen = new Map<string, string>();
      for (const m of messages) {
        const { values, open, required, optionalSegment } = await valuesAt(m, discriminator);
        if (required !== "always") throw new Error(`${m.schemaFile}: ${discriminator} must be required ("${optionalSegment}" is optional)`);
        m.discriminatorValues = values;
        if (open) {
          if (messages.length > 1) throw new Error(`asyncapi.yaml: ${name}/${m.name}: an open discriminator (x-known-values) needs a channel with one message`);
          m.openDiscriminator = true;
        }
        for (const v of m.discriminatorValues) {
          const other = seen.get(v);
          if (other) throw new Error(`asyncapi.yaml: ${name} messages ${other} and ${m.name} share the discriminator value "${v}"`);
          seen.set(v, m.name);
        }
      }
    }
    const deliveryKey = channel["x-delivery-key"];
    if (!Array.isArray(deliveryKey) || deliveryKey.length === 0) {
      throw new Error(`asyncapi.yaml: channel ${name} needs an x-delivery-key (the pointers that identify a delivery)`);
    }
    const provider: ProviderContract = {
      name,
      title: channel.title ?? name,
      address: channel.address ?? `/webhooks/${name}`,
      typePrefix: pascalCase(name),
      ...(discriminator ? { discriminator } : {}),
      deliveryKey,
      messages,
      lifecycles: [],
      auth: providerAuth(doc, name),
      entryPoints: channelEntryPoints(name, channel["x-entry-points"], messages),
    };
    provider.lifecycles = await loadLifecycles(provider);
    checkLifecycleEntryPoints(provider);
    providers.push(provider);
  }
  return providers;
}
