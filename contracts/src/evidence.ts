/**
 * How much of a message's contract is documented and how much inferred: the numbers the coverage table
 * and the docs show. A constraint is one keyword that can fail (each `required` name counts once): those
 * under `x-inferred` are inferred (warnings in tolerant mode), the rest documented (errors in either
 * mode). The lifecycle's transitions count by their source, and the transitions it rules out as
 * documented: a listed transition allows rather than forbids, but it is what a delivery is checked
 * against. Open lists (`x-known-values`) are counted apart; `additionalProperties: false` is not counted
 * (an unknown property is a warning in tolerant mode whatever the evidence).
 */
import type { JsonSchema, LifecycleContract, MessageContract } from "./model.ts";

export interface EvidenceCount {
  documented: number;
  inferred: number;
  open: number;
}

const counted = new Set([
  "type",
  "enum",
  "const",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "multipleOf",
  "uniqueItems",
]);
const single = ["items", "additionalProperties", "not", "then", "else"];
const lists = ["anyOf", "oneOf", "allOf"];

/** The counts of a dereferenced message schema, with its lifecycle's transitions when it carries the status. */
export function countEvidence(schema: JsonSchema, message?: Pick<MessageContract, "name">, lifecycle?: LifecycleContract): EvidenceCount {
  const count: EvidenceCount = { documented: 0, inferred: 0, open: 0 };
  const visit = (node: unknown, inferred: boolean, ancestors: Set<unknown>) => {
    if (node === null || typeof node !== "object" || Array.isArray(node) || ancestors.has(node)) return;
    const s = node as JsonSchema;
    const add = (n: number) => (inferred ? (count.inferred += n) : (count.documented += n));
    for (const key of Object.keys(s)) if (counted.has(key)) add(1);
    if (Array.isArray(s.required)) add(s.required.length);
    if (Array.isArray(s["x-known-values"])) count.open += 1;
    const inner = new Set(ancestors).add(node);
    for (const sub of Object.values((s.properties ?? {}) as object)) visit(sub, inferred, inner);
    for (const key of single) visit(s[key], inferred, inner);
    for (const key of lists) if (Array.isArray(s[key])) for (const sub of s[key] as unknown[]) visit(sub, inferred, inner);
    // `if` is a condition, not a constraint: what it guards is counted under `then`.
    visit(s["x-inferred"], true, inner);
  };
  visit(schema, false, new Set());
  if (lifecycle && message && lifecycle.messages.includes(message.name)) {
    for (const t of lifecycle.transitions) t.source.startsWith("inferred:") ? count.inferred++ : count.documented++;
    count.documented += lifecycle.impossible.length;
  }
  return count;
}
