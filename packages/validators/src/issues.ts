/**
 * Turns Ajv's raw errors into issues a person can act on: a JSON Pointer to the field, what was expected,
 * what came. Alternatives (`oneOf` of a shape and null) are collapsed to the branch the data was meant for.
 */

/** One problem found in a payload: an error, or a warning in tolerant mode. */
export interface ValidationIssue {
  provider: string;
  /** The message the payload was validated as; absent when no message could be picked. */
  messageName?: string;
  /** JSON Pointer of the field ("" is the whole payload). */
  path: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `format`, ...), or `discriminator`. */
  keyword: string;
  /** One readable sentence. */
  message: string;
  expected: string;
  /** What came, as short JSON, or "nothing" for a missing field. */
  received: string;
  /**
   * Set when the rule broken is one we only inferred (the schema's `x-inferred`, a transition the
   * lifecycle does not list, a message we have no schema for): a warning in tolerant mode. An unlisted
   * value of an open list (`x-known-values`) and an unknown property are warnings without it.
   */
  inferred?: true;
}

/** The shape of an Ajv error object (standalone code emits these). */
export interface RawError {
  instancePath: string;
  /** Left out of the generated code (see generate-validators.ts); present when Ajv compiled at run time. */
  schemaPath?: string;
  keyword: string;
  params: Record<string, unknown>;
  /** Set by the `x-inferred` keyword's code on the errors of the constraints under it. */
  inferred?: boolean;
}

/** Keywords that are warnings in tolerant mode: an extra field, an unlisted value of an open code list. */
export const tolerableKeywords: ReadonlySet<string> = new Set(["additionalProperties", "x-known-values"]);

const formatDescriptions: Record<string, string> = {
  "date-time": "an RFC 3339 date-time with an offset (e.g. 2025-03-18T15:26:11Z)",
  "iso-date-time": "an ISO 8601 date-time with a valid calendar date",
  "local-date-time": "a local date-time YYYY-MM-DDThh:mm:ss[.fraction] with a valid calendar date and no offset",
  date: "an RFC 3339 full date (YYYY-MM-DD)",
  uuid: "a UUID",
  email: "an email address",
  uri: "an absolute URI",
  "json-object": "a string holding a JSON object",
};

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A JSON Pointer's segments, unescaped ("" has none). */
export function pointerSegments(pointer: string): string[] {
  return pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * A function that reads the value at `pointer`, with the pointer parsed once: the runtime reads the
 * discriminator of every payload, so the read must not allocate.
 */
export function pointerReader(pointer: string): (data: unknown) => unknown {
  const segments = pointerSegments(pointer);
  return (data) => {
    let node = data;
    for (let i = 0; i < segments.length; i++) {
      if (node === null || typeof node !== "object") return undefined;
      node = (node as Record<string, unknown>)[segments[i]!];
    }
    return node;
  };
}

export function valueAt(data: unknown, pointer: string): unknown {
  return pointerReader(pointer)(data);
}

/**
 * What came, as short JSON for an error message. Any JavaScript value gives an answer, never an exception:
 * the walk stops once `max` characters are written, so a deep, cyclic or huge value costs no more than a
 * small one; a BigInt shows as `123n`, a cycle as `[Circular]`, a value whose properties throw as `[unreadable]`.
 */
export function preview(value: unknown, max = 80): string {
  if (value === undefined) return "nothing";
  const out: string[] = [];
  let length = 0;
  const ancestors: object[] = [];
  const write = (text: string) => {
    out.push(text);
    length += text.length;
    return length <= max;
  };
  // Returns false once the budget is spent: every caller stops at once, so the walk is bounded by `max`.
  const walk = (node: unknown): boolean => {
    switch (typeof node) {
      case "string":
        return write(JSON.stringify(node.length > max ? node.slice(0, max) : node));
      case "number":
        return write(Number.isFinite(node) ? String(node) : "null");
      case "bigint":
        return write(`${node}n`);
      case "boolean":
        return write(String(node));
      case "undefined":
      case "function":
      case "symbol":
        return write(typeof node === "undefined" ? "null" : `[${typeof node}]`);
    }
    if (node === null) return write("null");
    if (ancestors.includes(node as object)) return write('"[Circular]"');
    ancestors.push(node as object);
    try {
      if (Array.isArray(node)) {
        if (!write("[")) return false;
        for (let i = 0; i < node.length; i++) if ((i > 0 && !write(",")) || !walk(node[i])) return false;
        return write("]");
      }
      if (!write("{")) return false;
      let first = true;
      for (const key of Object.keys(node as object)) {
        const child = (node as Record<string, unknown>)[key];
        if (child === undefined || typeof child === "function" || typeof child === "symbol") continue;
        if ((!first && !write(",")) || !write(`${JSON.stringify(key.length > max ? key.slice(0, max) : key)}:`) || !walk(child)) return false;
        first = false;
      }
      return write("}");
    } catch {
      return write('"[unreadable]"');
    } finally {
      ancestors.pop();
    }
  };
  walk(value);
  const text = out.join("");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function listValues(values: unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => JSON.stringify(v));
  const more = values.length > max ? `, … (${values.length} values)` : "";
  return `one of ${shown.join(", ")}${more}`;
}

function typeList(type: unknown): string {
  return Array.isArray(type) ? type.join(" or ") : String(type);
}

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/**
 * A failed `oneOf`/`anyOf` reports every branch's errors and then its own. When one branch got past its
 * root `type` check, its errors are the ones that matter (an Agent object missing `name`, not "must be
 * null"); when none did, one `type` error lists the types that would have done.
 */
export function collapseAlternatives(errors: readonly RawError[]): RawError[] {
  const out: RawError[] = [];
  for (const error of errors) {
    // A failed if/then adds "must match then" after the errors of `then`, which say what is wrong.
    if (error.keyword === "if") continue;
    if ((error.keyword !== "oneOf" && error.keyword !== "anyOf") || error.params.passingSchemas) {
      out.push(error);
      continue;
    }
    let start = out.length;
    while (start > 0 && isUnder(out[start - 1]!.instancePath, error.instancePath)) start--;
    const branches = out.splice(start);
    const isRootType = (e: RawError) => e.instancePath === error.instancePath && e.keyword === "type";
    const specific = branches.filter((e) => !isRootType(e));
    if (specific.length > 0) {
      out.push(...specific);
    } else {
      const types = branches.filter(isRootType).map((e) => typeList(e.params.type));
      out.push({ ...error, keyword: "type", params: { type: types.join(" or ") } });
    }
  }
  return out;
}

export function describe(error: RawError, data: unknown, provider: string, messageName: string | undefined): ValidationIssue {
  const p = error.params;
  let path = error.instancePath;
  let expected: string;
  /** Said instead of "expected ..., received ..." where that reads better. */
  let summary: string | undefined;
  switch (error.keyword) {
    case "required":
      path += `/${escapePointerSegment(String(p.missingProperty))}`;
      expected = `property "${String(p.missingProperty)}"`;
      summary = `missing required property "${String(p.missingProperty)}"`;
      break;
    case "additionalProperties":
      path += `/${escapePointerSegment(String(p.additionalProperty))}`;
      expected = `no property "${String(p.additionalProperty)}" (not in the schema)`;
      break;
    case "type":
      expected = `type ${typeList(p.type)}`;
      break;
    case "enum":
      expected = listValues(p.allowedValues as unknown[]);
      break;
    case "x-known-values":
      expected = `${listValues(p.knownValues as unknown[])} (an open list: other values may be new)`;
      break;
    case "const":
      expected = JSON.stringify(p.allowedValue);
      break;
    case "format":
      expected = formatDescriptions[String(p.format)] ?? `format ${String(p.format)}`;
      break;
    case "pattern":
      expected = `a string matching /${String(p.pattern)}/`;
      break;
    case "minLength":
    case "maxLength":
      expected = `${error.keyword === "minLength" ? "at least" : "at most"} ${String(p.limit)} character${p.limit === 1 ? "" : "s"}`;
      break;
    case "minItems":
    case "maxItems":
      expected = `${error.keyword === "minItems" ? "at least" : "at most"} ${String(p.limit)} item${p.limit === 1 ? "" : "s"}`;
      break;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      expected = `a number ${String(p.comparison)} ${String(p.limit)}`;
      break;
    default:
      expected = `${error.keyword} ${JSON.stringify(p)}`;
  }
  const received = preview(valueAt(data, path));
  if (error.keyword === "additionalProperties") summary = `unknown property "${String(p.additionalProperty)}", received ${received}`;
  const message = summary ?? `expected ${expected}, received ${received}`;
  return {
    provider,
    ...(messageName === undefined ? {} : { messageName }),
    path,
    keyword: error.keyword,
    message: error.inferred ? `${message} (an inferred rule, not a documented one)` : message,
    expected,
    received,
    ...(error.inferred ? { inferred: true as const } : {}),
  };
}
