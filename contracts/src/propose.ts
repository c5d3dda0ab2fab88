/**
 * `drift --propose`: the schema edits that would make what the traffic shows valid, written into the
 * working tree for a person to review, each marked `x-provenance` kind `observed` with its evidence:
 *   - an unknown field becomes an optional field of the object that holds it, typed as its values were
 *     (JSON types, a format every value matched), in the schema file that defines that object;
 *   - an unlisted value of an open list (`x-known-values`) joins the list;
 *   - a fixture per new shape, `fixtures/<p>/<m>/valid/observed-<field>.json`: one delivery's body,
 *     redacted (redact.ts: every value of a field that may hold personal data replaced by a deterministic
 *     fake of the same format).
 * A message we have no schema for is listed, not proposed: its shape needs a person to name it.
 *   tsx contracts/src/propose.ts <proposal.json>   (what `webhook-contracts drift --propose` writes)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isEntryPoint } from "./entry-point.ts";
import { type JsonSchema, loadContracts } from "./model.ts";
import { redactPersonal } from "./redact.ts";
import { pointerSegments } from "./pointer.ts";
import { fixturesDir, repoRoot } from "./paths.ts";

/** A drift entry (see the receiver's driftReport) with the body of one delivery that showed it, as it came. */
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
  example?: unknown;
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

/** The field's schema from what its values looked like. */
function fieldSchema(s: ObservedShape): JsonSchema {
  const types = s.shape.types.filter((t) => t !== "missing").map((t) => (t === "integer" && s.shape.types.includes("number") ? "number" : t));
  const unique = [...new Set(types)];
  return {
    description: `Not documented by the provider: ${evidence(s)}. Optional; its type is what the values had.`,
    "x-provenance": { kind: "observed", sources: [evidence(s)] },
    ...(unique.length ? { type: unique.length === 1 ? unique[0] : unique } : {}),
    ...(s.shape.formats.length === 1 && unique.length === 1 && unique[0] === "string" ? { format: s.shape.formats[0] } : {}),
  };
}

export interface Proposal {
  edited: string[];
  fixtures: string[];
  notProposed: string[];
}

export async function propose(shapes: readonly ObservedShape[]): Promise<Proposal> {
  const providers = await loadContracts();
  const out: Proposal = { edited: [], fixtures: [], notProposed: [] };
  for (const s of shapes) {
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
      properties[field] = fieldSchema(s);
      if (!out.edited.includes(parent.file)) out.edited.push(parent.file);
    } else if (s.keyword === "x-known-values" && provider.lifecycle?.status === s.pointer && provider.lifecycle.messages.includes(message.name)) {
      // A status is a step of the lifecycle too: where it comes from and goes to is for a person to say.
      out.notProposed.push(
        `${s.provider} ${s.message} ${s.pointer}: status ${JSON.stringify(s.shape.values ?? [])} (${s.count} deliveries): add it to the schema and to schemas/${s.provider}/lifecycle.json with its transitions`,
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
    if (s.example !== undefined) {
      const name = `observed-${(segments.at(-1) ?? "payload").replace(/[^A-Za-z0-9_-]+/g, "-")}.json`;
      const file = path.join(fixturesDir, s.provider, message.name, "valid", name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(redactPersonal(s.example), null, 2)}\n`);
      out.fixtures.push(path.relative(repoRoot, file));
    }
  }
  for (const file of out.edited) writeFileSync(path.join(repoRoot, file), `${JSON.stringify(files.get(file), null, 2)}\n`);
  return out;
}

if (isEntryPoint(import.meta.url)) {
  const shapes = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as ObservedShape[];
  const result = await propose(shapes);
  for (const f of result.edited) process.stdout.write(`edited ${f}\n`);
  for (const f of result.fixtures) process.stdout.write(`wrote ${f}\n`);
  for (const n of result.notProposed) process.stdout.write(`not proposed: ${n}\n`);
}
