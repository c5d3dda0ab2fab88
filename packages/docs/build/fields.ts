/** The field table of a message: every property of its payload schema, flattened, as a reader needs it. */
import type { JsonSchema } from "@webhook-contracts/contracts";

export interface FieldRow {
  /** Dotted path as people say it: `payload.price.total`, `lineItems[].name`. */
  path: string;
  /** JSON Pointer pattern (`/payload/lineItems/*\/name`): what validation errors name. */
  pointer: string;
  depth: number;
  type: string;
  required: boolean;
  nullable: boolean;
  /** Closed list of allowed values, a const, or an open code list (known values). */
  values?: { kind: "enum" | "const" | "open"; list: unknown[] };
  format?: string;
  description: string;
  /**
   * The rules on this field we only inferred (from `x-inferred` around it): warnings in tolerant mode.
   * Empty when everything the row says is documented.
   */
  inferred: string[];
}

type Schema = JsonSchema & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
};

/** A nullable alternative (`oneOf: [X, {type: null}]`) is X, nullable. */
function unwrapNullable(schema: Schema): { schema: Schema; nullable: boolean } {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches && branches.length === 2) {
    const nonNull = branches.filter((b) => b.type !== "null");
    if (nonNull.length === 1) return { schema: { ...nonNull[0]!, description: schema.description ?? nonNull[0]!.description }, nullable: true };
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return { schema, nullable: types.includes("null") };
}

function typeLabel(schema: Schema): string {
  if (schema.const !== undefined) return typeof schema.const;
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t && t !== "null") as string[];
  if (types.includes("array")) return `array of ${schema.items && Object.keys(schema.items).length ? typeLabel(unwrapNullable(schema.items).schema) : "any"}`;
  if (types.includes("object") && schema.title) return `object (${schema.title})`;
  if (types.length === 0) return "any";
  return types.join(" | ");
}

/** `status is "PROCESSED"`: an `if` over sibling values, as people say it. */
function conditionText(condition: Schema | undefined): string {
  const parts = Object.entries(condition?.properties ?? {}).map(([name, s]) =>
    s.const !== undefined
      ? `${name} is ${JSON.stringify(s.const)}`
      : Array.isArray(s.enum)
        ? `${name} is one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`
        : name,
  );
  return parts.join(" and ");
}

/**
 * What `x-inferred` says about a property, readably: the one beside the object's properties (always
 * sent, a type when a sibling has some value) and the property's own (a format, a pattern).
 */
function inferredRules(node: Schema, name: string, own: Schema | undefined): string[] {
  const inferred = node["x-inferred"] as (Schema & { if?: Schema; then?: Schema }) | undefined;
  const rules: string[] = [];
  const describeRule = (s: Schema | undefined, when: string) => {
    if (!s) return;
    if (s.type !== undefined) rules.push(`${s.type === "null" ? "null" : `type ${Array.isArray(s.type) ? s.type.join(" | ") : s.type}`}${when}`);
    for (const key of ["format", "pattern", "enum", "const"] as const) if (s[key] !== undefined) rules.push(`${key} ${JSON.stringify(s[key])}${when}`);
  };
  describeRule(own, "");
  if (!inferred) return rules;
  if (inferred.required?.includes(name)) rules.unshift("always sent");
  describeRule(inferred.properties?.[name], "");
  if (inferred.then) {
    const when = ` when ${conditionText(inferred.if)}`;
    if (inferred.then.required?.includes(name)) rules.push(`always sent${when}`);
    describeRule(inferred.then.properties?.[name], when);
  }
  return rules;
}

/** The id of a field's row on its message page, which links and the search point at: `field-payload.price.total`. */
export const fieldAnchor = (path: string): string => `field-${path}`;

export function fieldRows(schema: JsonSchema): FieldRow[] {
  const rows: FieldRow[] = [];
  const visit = (node: Schema, path: string, pointer: string, depth: number) => {
    const required = new Set(node.required ?? []);
    for (const [name, raw] of Object.entries(node.properties ?? {})) {
      const { schema: sub, nullable } = unwrapNullable(raw);
      const rowPath = path ? `${path}.${name}` : name;
      const rowPointer = `${pointer}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      const row: FieldRow = {
        path: rowPath,
        pointer: rowPointer,
        depth,
        type: typeLabel(sub),
        required: required.has(name),
        nullable,
        description: sub.description ?? "",
        inferred: inferredRules(node, name, sub["x-inferred"] as Schema | undefined),
      };
      if (sub.const !== undefined) row.values = { kind: "const", list: [sub.const] };
      else if (Array.isArray(sub.enum)) row.values = { kind: "enum", list: sub.enum.filter((v) => v !== null) };
      else if (Array.isArray(sub["x-known-values"])) row.values = { kind: "open", list: sub["x-known-values"] as unknown[] };
      const own = (sub["x-inferred"] ?? {}) as Schema;
      const format = [
        sub.format,
        sub.pattern ? `pattern ${sub.pattern}` : undefined,
        own.format ? `${own.format} (inferred)` : undefined,
        own.pattern ? `pattern ${own.pattern} (inferred)` : undefined,
      ]
        .filter(Boolean)
        .join(", ");
      if (format) row.format = format;
      rows.push(row);
      if (sub.properties) visit(sub, rowPath, rowPointer, depth + 1);
      const items = sub.items ? unwrapNullable(sub.items).schema : undefined;
      if (items?.properties) visit(items, `${rowPath}[]`, `${rowPointer}/*`, depth + 1);
    }
  };
  visit(schema as Schema, "", "", 0);
  return rows;
}
