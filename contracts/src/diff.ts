/**
 * What a change of the contracts does to the people who depend on them, classified on two axes:
 * - `acceptance`: whether a payload accepted before may now be rejected (`rejects-more`), whether some
 *   payload rejected before is now accepted (`accepts-more`), or neither (`none`). Judged as strict mode
 *   judges, where an unknown field or an unlisted value of an open list is an error; a rule under
 *   `x-inferred` never rejects (the runtime only warns about it), so moving one out of it rejects more.
 * - `types`: whether code written against the generated types may stop compiling or stop being right
 *   (`breaking`: a field removed, made optional or nullable, a union that gained a member that an
 *   exhaustive `switch` would miss), `compatible`, or `none` (the types do not change).
 * Where a change could go either way (a changed pattern, a rewritten `anyOf`), it is classified as the
 * worse of the two.
 */
import type { AuthScheme, JsonSchema } from "./model.ts";
import { pointerOf } from "./pointer.ts";

export type Acceptance = "rejects-more" | "accepts-more" | "none";
export type TypesImpact = "breaking" | "compatible" | "none";

export interface ContractChange {
  provider: string;
  /** null: a change of the provider (its authentication, its lifecycle), not of one message. */
  message: string | null;
  /** JSON Pointer into the payload (`-` stands for any item of an array); "" the whole payload. */
  pointer: string;
  change: string;
  acceptance: Acceptance;
  types: TypesImpact;
  before?: unknown;
  after?: unknown;
}

/** What `diff` compares of a provider: plain data, so that two revisions can be loaded apart and compared. */
export interface ProviderSnapshot {
  name: string;
  /** Each message's schema with every `$ref` resolved. */
  messages: Record<string, JsonSchema>;
  /** "from -> to" ("null -> created" for a creation). */
  transitions: string[];
  impossible: string[];
  /** The authentication alternatives, as declared. */
  auth: AuthScheme[];
  deliveryKey: string[];
  /** The channel's address (`/webhooks/ivy`): where senders POST. */
  address: string;
}

type Change = Omit<ContractChange, "provider" | "message">;

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const isObject = (v: unknown): v is JsonSchema => v !== null && typeof v === "object" && !Array.isArray(v);

/** A schema node as the comparison sees it: nullability and the types apart, `anyOf [shape, null]` unwrapped. */
function normalise(node: JsonSchema): { node: JsonSchema; types: Set<string> | undefined; nullable: boolean } {
  let n = node;
  let nullable = false;
  const alternatives = n.anyOf;
  if (Array.isArray(alternatives) && alternatives.length === 2) {
    const nullIndex = alternatives.findIndex((a) => isObject(a) && a.type === "null" && Object.keys(a).every((k) => k === "type" || k === "description"));
    if (nullIndex >= 0) {
      const { anyOf: _anyOf, ...rest } = n;
      n = { ...rest, ...(alternatives[1 - nullIndex] as JsonSchema) };
      nullable = true;
    }
  }
  let types: Set<string> | undefined;
  if (n.type !== undefined) {
    types = new Set(Array.isArray(n.type) ? (n.type as string[]) : [n.type as string]);
    if (types.delete("null")) nullable = true;
  }
  if (Array.isArray(n.enum) && n.enum.includes(null)) nullable = true;
  return { node: n, types, nullable };
}

const lowerBounds = ["minLength", "minItems", "minProperties"];
const upperBounds = ["maxLength", "maxItems", "maxProperties"];

/** A number's bound on one side: `minimum` and `exclusiveMinimum` (draft-07: both numbers) as one, the tighter. */
interface Bound {
  value: number;
  /** The value itself is outside (exclusive). */
  open: boolean;
}
function boundOf(node: JsonSchema, side: "lower" | "upper"): Bound | undefined {
  const inclusive = node[side === "lower" ? "minimum" : "maximum"];
  const exclusive = node[side === "lower" ? "exclusiveMinimum" : "exclusiveMaximum"];
  const bounds: Bound[] = [];
  if (typeof inclusive === "number") bounds.push({ value: inclusive, open: false });
  if (typeof exclusive === "number") bounds.push({ value: exclusive, open: true });
  // The tighter: the greater lower bound (exclusive first on a tie), the smaller upper bound.
  const inward = (x: Bound, y: Bound) => (side === "lower" ? x.value > y.value : x.value < y.value) || (x.value === y.value && x.open && !y.open);
  return bounds.reduce<Bound | undefined>((best, b) => (best === undefined || inward(b, best) ? b : best), undefined);
}
/** How the interval's end moved: "tighter" takes values out, "looser" lets values in. */
function moved(before: Bound | undefined, after: Bound | undefined, side: "lower" | "upper"): "tighter" | "looser" | undefined {
  if (!before && !after) return undefined;
  if (!before) return "tighter";
  if (!after) return "looser";
  if (before.value === after.value) return before.open === after.open ? undefined : after.open ? "tighter" : "looser";
  return (side === "lower" ? after.value > before.value : after.value < before.value) ? "tighter" : "looser";
}
const boundText = (b: Bound | undefined, side: "lower" | "upper") =>
  b === undefined ? "none" : `${side === "lower" ? (b.open ? ">" : ">=") : b.open ? "<" : "<="} ${b.value}`;
/** Rules compared as a whole: any change may reject more. Their effect on types, if any. */
const wholeRules: Record<string, TypesImpact> = {
  if: "none",
  then: "none",
  else: "none",
  not: "none",
  dependencies: "none",
  propertyNames: "none",
  allOf: "breaking",
  oneOf: "breaking",
  anyOf: "breaking",
  patternProperties: "breaking",
  multipleOf: "none",
  uniqueItems: "none",
};

function compareNode(beforeRaw: JsonSchema, afterRaw: JsonSchema, pointer: string[], inferred: boolean, out: Change[]): void {
  const at = pointerOf(pointer);
  /** A change at `pointer`, or at its field `field`. */
  const record = (where: string, change: string, acceptance: Acceptance, types: TypesImpact, before?: unknown, after?: unknown) =>
    out.push({
      pointer: where,
      change: inferred ? `${change} (inferred rule)` : change,
      // An inferred rule only warns: it never rejects a payload, and the types leave it out.
      acceptance: inferred ? "none" : acceptance,
      types: inferred ? "none" : types,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    });
  const push = (change: string, acceptance: Acceptance, types: TypesImpact, before?: unknown, after?: unknown) =>
    record(at, change, acceptance, types, before, after);
  const b = normalise(beforeRaw);
  const a = normalise(afterRaw);

  if (b.nullable !== a.nullable) {
    if (a.nullable) push("made nullable", "accepts-more", "breaking");
    else push("no longer nullable", "rejects-more", "compatible");
  }
  if (b.types || a.types) {
    const before = b.types ?? new Set(["any"]);
    const after = a.types ?? new Set(["any"]);
    // An integer is a number: number -> integer narrows, integer -> number widens.
    const covered = (t: string, by: Set<string>) => by.has(t) || (t === "integer" && by.has("number"));
    const added = [...after].filter((t) => !covered(t, before));
    const removed = [...before].filter((t) => !covered(t, after));
    if (added.length && !before.has("any")) push("type widened", "accepts-more", "breaking", [...before], [...after]);
    if (removed.length && !after.has("any")) push("type narrowed", "rejects-more", "compatible", [...before], [...after]);
  }

  // Values: const, enum (a closed list), x-known-values (an open one).
  const values = (n: JsonSchema) => ("const" in n ? [n.const] : Array.isArray(n.enum) ? (n.enum as unknown[]).filter((v) => v !== null) : undefined);
  const known = (n: JsonSchema) => (Array.isArray(n["x-known-values"]) ? (n["x-known-values"] as unknown[]) : undefined);
  const bv = values(b.node);
  const av = values(a.node);
  const bk = known(b.node);
  const ak = known(a.node);
  if (bv && av) {
    const added = av.filter((v) => !bv.some((x) => equal(x, v)));
    const removed = bv.filter((v) => !av.some((x) => equal(x, v)));
    if (added.length) push("value added", "accepts-more", "breaking", undefined, added);
    if (removed.length) push("value removed", "rejects-more", "compatible", removed, undefined);
  } else if (bv && !av) {
    if (ak) push("closed list opened (x-known-values)", "accepts-more", "breaking", bv, ak);
    else push("value list removed", "accepts-more", "breaking", bv, undefined);
  } else if (!bv && av) {
    if (bk) push("open list closed (enum)", "rejects-more", "compatible", bk, av);
    else push("value list added", "rejects-more", "compatible", undefined, av);
  }
  if (bk && ak) {
    const added = ak.filter((v) => !bk.includes(v));
    const removed = bk.filter((v) => !ak.includes(v));
    // Strict mode errs on an unlisted value of an open list; the type keeps `(string & {})` either way.
    if (added.length) push("known value added", "accepts-more", "compatible", undefined, added);
    if (removed.length) push("known value removed", "rejects-more", "compatible", removed, undefined);
  } else if (!bk && ak && !bv) push("known values listed", "rejects-more", "compatible", undefined, ak);
  else if (bk && !ak && !av) push("known values unlisted", "accepts-more", "compatible", bk, undefined);

  for (const keyword of ["format", "pattern"]) {
    const before = b.node[keyword];
    const after = a.node[keyword];
    if (equal(before, after)) continue;
    if (before === undefined) push(`${keyword} added`, "rejects-more", "none", undefined, after);
    else if (after === undefined) push(`${keyword} removed`, "accepts-more", "none", before, undefined);
    else push(`${keyword} changed`, "rejects-more", "none", before, after);
  }
  // A number's bounds as the ends of an interval, inclusive and exclusive together: exclusiveMinimum 0 ->
  // minimum 0 lets 0 in, whatever the keywords are called.
  for (const side of ["lower", "upper"] as const) {
    const before = boundOf(b.node, side);
    const after = boundOf(a.node, side);
    const how = moved(before, after, side);
    if (how)
      push(
        `${side} bound ${how === "tighter" ? "tightened" : "loosened"}`,
        how === "tighter" ? "rejects-more" : "accepts-more",
        "none",
        boundText(before, side),
        boundText(after, side),
      );
  }
  for (const keyword of [...lowerBounds, ...upperBounds]) {
    const before = b.node[keyword] as number | undefined;
    const after = a.node[keyword] as number | undefined;
    if (before === after) continue;
    const lower = lowerBounds.includes(keyword);
    const tighter = before === undefined || (after !== undefined && (lower ? after > before : after < before));
    push(
      `${keyword} ${before === undefined ? "added" : after === undefined ? "removed" : "changed"}`,
      tighter ? "rejects-more" : "accepts-more",
      "none",
      before,
      after,
    );
  }
  for (const [keyword, types] of Object.entries(wholeRules)) {
    if (!equal(b.node[keyword], a.node[keyword])) push(`${keyword} changed`, "rejects-more", types, b.node[keyword], a.node[keyword]);
  }

  // Object fields.
  const bProps = (isObject(b.node.properties) ? b.node.properties : {}) as Record<string, JsonSchema>;
  const aProps = (isObject(a.node.properties) ? a.node.properties : {}) as Record<string, JsonSchema>;
  const bRequired = new Set((b.node.required as string[] | undefined) ?? []);
  const aRequired = new Set((a.node.required as string[] | undefined) ?? []);
  const bClosed = b.node.additionalProperties === false;
  const aClosed = a.node.additionalProperties === false;
  const field = (name: string, change: string, acceptance: Acceptance, types: TypesImpact) => record(pointerOf([...pointer, name]), change, acceptance, types);
  for (const name of new Set([...Object.keys(bProps), ...Object.keys(aProps)])) {
    const before = bProps[name];
    const after = aProps[name];
    // Under x-inferred a field's entry restates the field to constrain it: its rules came or went.
    if (inferred) compareNode(before ?? {}, after ?? {}, [...pointer, name], inferred, out);
    else if (before && !after) field(name, "field removed", aClosed ? "rejects-more" : "none", "breaking");
    else if (!before && after) {
      if (aRequired.has(name)) field(name, "required field added", "rejects-more", "compatible");
      else field(name, "optional field added", bClosed ? "accepts-more" : "none", "compatible");
    } else if (before && after) {
      if (!bRequired.has(name) && aRequired.has(name)) field(name, "made required", "rejects-more", "compatible");
      if (bRequired.has(name) && !aRequired.has(name)) field(name, "made optional", "accepts-more", "breaking");
      compareNode(before, after, [...pointer, name], inferred, out);
    }
  }
  // Fields whose being required changed without a change of their entries (under x-inferred, any).
  const entriesCompared = (name: string) => !inferred && Boolean(aProps[name] || bProps[name]);
  for (const name of aRequired) if (!bRequired.has(name) && !entriesCompared(name)) field(name, "made required", "rejects-more", "compatible");
  for (const name of bRequired) if (!aRequired.has(name) && !entriesCompared(name)) field(name, "made optional", "accepts-more", "breaking");
  if (bClosed !== aClosed && (b.types?.has("object") || a.types?.has("object") || Object.keys(aProps).length > 0)) {
    if (aClosed) push("closed to unknown fields", "rejects-more", "compatible");
    else push("open to unknown fields", "accepts-more", "compatible");
  }
  if (isObject(b.node.additionalProperties) && isObject(a.node.additionalProperties))
    compareNode(b.node.additionalProperties, a.node.additionalProperties, [...pointer, "*"], inferred, out);

  // Array items.
  if (isObject(b.node.items) && isObject(a.node.items)) compareNode(b.node.items, a.node.items, [...pointer, "-"], inferred, out);
  else if (!equal(b.node.items, a.node.items)) push("items changed", "rejects-more", "breaking", b.node.items, a.node.items);

  // What we only inferred, compared apart: its changes reject nothing.
  const bInferred = isObject(b.node["x-inferred"]) ? b.node["x-inferred"] : {};
  const aInferred = isObject(a.node["x-inferred"]) ? a.node["x-inferred"] : {};
  if (!equal(bInferred, aInferred)) compareNode(bInferred, aInferred, pointer, true, out);

  for (const keyword of ["description", "title"]) {
    if (!inferred && !equal(b.node[keyword], a.node[keyword])) push(`${keyword} changed`, "none", "none");
  }
}

/** The changes between two versions of one message's schema. */
export function diffSchemas(before: JsonSchema, after: JsonSchema): Change[] {
  const out: Change[] = [];
  compareNode(before, after, [], false, out);
  return out;
}

/**
 * What changed in a provider's authentication, alternative by alternative (matched by id): one added
 * lets more senders in, one removed keeps its senders out; within one, a change of what is signed or
 * how (kind, header, algorithm, encoding, prefix, template, id, separator, key form) or of the setting
 * its secrets are read from refuses what it accepted, a wider timestamp tolerance accepts more and a
 * narrower one rejects more, and its descriptions change nothing. A new order of the alternatives may
 * change which one checks a request that carries two, so it is judged conservatively, and says so.
 */
export function diffAuth(before: readonly AuthScheme[], after: readonly AuthScheme[]): Change[] {
  const out: Change[] = [];
  const push = (change: string, acceptance: Acceptance, b?: unknown, a?: unknown) =>
    out.push({ pointer: "", change, acceptance, types: "none", ...(b === undefined ? {} : { before: b }), ...(a === undefined ? {} : { after: a }) });
  const ids = (list: readonly AuthScheme[]) => list.map((s) => s.id);
  for (const a of after) if (!before.some((b) => b.id === a.id)) push(`authentication alternative ${a.id} added`, "accepts-more", undefined, a);
  for (const b of before) if (!after.some((a) => a.id === b.id)) push(`authentication alternative ${b.id} removed`, "rejects-more", b);
  const kept = ids(before).filter((id) => ids(after).includes(id));
  if (
    !equal(
      kept,
      ids(after).filter((id) => kept.includes(id)),
    )
  )
    push("authentication alternatives reordered (not exact: a request that carries two is checked by another first)", "rejects-more", ids(before), ids(after));
  for (const b of before) {
    const a = after.find((x) => x.id === b.id);
    if (!a) continue;
    const what = `authentication ${b.id}`;
    for (const key of ["description", "secretsDescription"] as const) if (b[key] !== a[key]) push(`${what}: ${key} changed`, "none");
    if (b.secrets !== a.secrets)
      push(`${what}: its secrets are read from another setting (the old one is no longer read)`, "rejects-more", b.secrets, a.secrets);
    if (b.kind !== a.kind || ("header" in b && "header" in a && b.header.toLowerCase() !== a.header.toLowerCase())) {
      push(
        `${what}: its kind or header changed`,
        "rejects-more",
        { kind: b.kind, header: "header" in b ? b.header : undefined },
        { kind: a.kind, header: "header" in a ? a.header : undefined },
      );
      continue;
    }
    if (b.kind === "apiKey" && a.kind === "apiKey" && b.configurableHeader !== a.configurableHeader)
      push(
        `${what}: its header ${a.configurableHeader ? "may now be" : "may no longer be"} configured`,
        a.configurableHeader ? "accepts-more" : "rejects-more",
      );
    if (b.kind !== "signature" || a.kind !== "signature") continue;
    const { timestamp: bt, ...bSig } = b.signature;
    const { timestamp: at, ...aSig } = a.signature;
    for (const key of new Set([...Object.keys(bSig), ...Object.keys(aSig)]) as Set<keyof typeof bSig>)
      if (!equal(bSig[key], aSig[key])) push(`${what}: signature ${key} changed`, "rejects-more", bSig[key], aSig[key]);
    if (!bt || !at) {
      if (bt || at) push(`${what}: signed timestamp ${at ? "required" : "no longer required"}`, at ? "rejects-more" : "accepts-more", bt, at);
      continue;
    }
    if (bt.header.toLowerCase() !== at.header.toLowerCase() || bt.unit !== at.unit)
      push(`${what}: signed timestamp's header or unit changed`, "rejects-more", bt, at);
    if (bt.toleranceSeconds !== at.toleranceSeconds)
      push(
        `${what}: timestamp tolerance ${at.toleranceSeconds > bt.toleranceSeconds ? "widened" : "narrowed"}`,
        at.toleranceSeconds > bt.toleranceSeconds ? "accepts-more" : "rejects-more",
        bt.toleranceSeconds,
        at.toleranceSeconds,
      );
  }
  return out;
}

/** Every change between two snapshots of the contracts, by provider, message and pointer. */
export function diffContracts(before: ProviderSnapshot[], after: ProviderSnapshot[]): ContractChange[] {
  const out: ContractChange[] = [];
  const byName = (list: ProviderSnapshot[]) => new Map(list.map((p) => [p.name, p]));
  const b = byName(before);
  const a = byName(after);
  for (const name of new Set([...b.keys(), ...a.keys()])) {
    const bp = b.get(name);
    const ap = a.get(name);
    const add = (message: string | null, change: Change) => out.push({ provider: name, message, ...change });
    if (!ap) {
      add(null, { pointer: "", change: "provider removed", acceptance: "rejects-more", types: "breaking" });
      continue;
    }
    if (!bp) {
      add(null, { pointer: "", change: "provider added", acceptance: "accepts-more", types: "compatible" });
      continue;
    }
    for (const change of diffAuth(bp.auth, ap.auth)) add(null, change);
    // Senders POST to the old address: 404 until they are told.
    if (bp.address !== ap.address)
      add(null, { pointer: "", change: "channel address changed", acceptance: "rejects-more", types: "none", before: bp.address, after: ap.address });
    if (!equal(bp.deliveryKey, ap.deliveryKey))
      add(null, { pointer: "", change: "delivery key changed", acceptance: "none", types: "none", before: bp.deliveryKey, after: ap.deliveryKey });
    for (const t of ap.transitions.filter((t) => !bp.transitions.includes(t)))
      add(null, { pointer: "", change: "transition listed", acceptance: "accepts-more", types: "none", after: t });
    for (const t of bp.transitions.filter((t) => !ap.transitions.includes(t)))
      add(null, { pointer: "", change: "transition unlisted", acceptance: "rejects-more", types: "none", before: t });
    for (const t of ap.impossible.filter((t) => !bp.impossible.includes(t)))
      add(null, { pointer: "", change: "transition ruled out", acceptance: "rejects-more", types: "none", after: t });
    for (const t of bp.impossible.filter((t) => !ap.impossible.includes(t)))
      add(null, { pointer: "", change: "transition no longer ruled out", acceptance: "accepts-more", types: "none", before: t });
    for (const message of new Set([...Object.keys(bp.messages), ...Object.keys(ap.messages)])) {
      const bs = bp.messages[message];
      const as = ap.messages[message];
      // A message nobody knew was an unknown message: tolerated at run time, an error in strict mode.
      if (!bs) add(message, { pointer: "", change: "message added", acceptance: "accepts-more", types: "breaking" });
      else if (!as) add(message, { pointer: "", change: "message removed", acceptance: "rejects-more", types: "breaking" });
      else for (const change of diffSchemas(bs, as)) add(message, change);
    }
  }
  return out;
}

const rank = { "rejects-more": 2, "accepts-more": 1, none: 0, breaking: 2, compatible: 1 } as const;
/** The strongest acceptance and types impact among `changes`. */
export function strongest(changes: readonly ContractChange[]): { acceptance: Acceptance; types: TypesImpact } {
  let acceptance: Acceptance = "none";
  let types: TypesImpact = "none";
  for (const c of changes) {
    if (rank[c.acceptance] > rank[acceptance]) acceptance = c.acceptance;
    if (rank[c.types] > rank[types]) types = c.types;
  }
  return { acceptance, types };
}
