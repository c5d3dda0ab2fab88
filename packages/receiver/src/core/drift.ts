/**
 * Drift: what real traffic says about the contracts. Every stored delivery is validated again by today's
 * validators (tolerant mode), and each warning (an unknown field, an unlisted value of an open list, a
 * broken inferred rule, a message we have no schema for) and each error of a quarantined delivery is
 * counted by provider, message, JSON Pointer (array indices as `-`) and keyword, with when it was first
 * and last seen, a few sample values (redacted where a field may hold personal data) and what the values
 * look like: their JSON types, the formats they match, the range of their lengths and, when few, their
 * distinct values. Read a page at a time, so an inbox of any size is read in bounded memory.
 */
import type { ValidationIssue } from "@webhook-contracts/validators";
import { valueAt } from "./body.js";
import { described } from "./personal.js";
import type { InboxStore } from "./store.js";
import { type ReadOptions, revalidate, storedDeliveries } from "./stored.js";

export interface DriftEntry {
  provider: string;
  /** The message validated as, or the discriminator's value of a message we have no schema for. */
  message: string | null;
  unknownMessage: boolean;
  /** JSON Pointer, array indices written `-`. */
  pointer: string;
  keyword: string;
  /** "warning" (tolerant mode let it pass) or "error" (it quarantines the delivery). */
  severity: "warning" | "error";
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Up to three values seen, redacted where the field may hold personal data. */
  samples: unknown[];
  /** The id of the first delivery that showed it (for `drift --propose`, which writes a fixture from it). */
  exampleId: string;
  /**
   * The ids of the first deliveries that showed it, up to 50 (exampleId first): for a message we have no
   * schema for, the sample `drift --propose` infers its shape from.
   */
  exampleIds: string[];
  shape: {
    /** JSON types seen: string, number, integer, boolean, null, object, array, and "missing". */
    types: string[];
    /** Formats every string seen matches. */
    formats: string[];
    length?: { min: number; max: number };
    /** The distinct values seen, when there were no more than ten (redacted ones left out). */
    values?: unknown[];
  };
}

export interface DriftOptions extends ReadOptions {
  maxDepth?: number;
}

const MAX_DISTINCT = 10;
const MAX_EXAMPLES = 50;

const FORMATS: [string, RegExp][] = [
  ["date-time", /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/],
  ["date", /^\d{4}-\d{2}-\d{2}$/],
  ["uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
  ["email", /^[^@\s]+@[^@\s]+\.[^@\s]+$/],
  ["uri", /^[a-z][a-z0-9+.-]*:\/\/\S+$/i],
  ["decimal", /^-?\d+(\.\d+)?$/],
];

const jsonType = (v: unknown) => (v === undefined ? "missing" : v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);
const arrayless = (pointer: string) => pointer.replace(/\/\d+(?=\/|$)/g, "/-");

interface Accumulator extends DriftEntry {
  formatsLeft?: Set<string>;
  distinct?: Map<string, unknown>;
}

export async function driftReport(store: InboxStore, options: DriftOptions = {}): Promise<DriftEntry[]> {
  const entries = new Map<string, Accumulator>();
  const add = (
    provider: string,
    message: string | null,
    unknownMessage: boolean,
    issue: ValidationIssue,
    severity: DriftEntry["severity"],
    body: unknown,
    at: string,
    id: string,
  ) => {
    const pointer = arrayless(issue.path);
    const key = [provider, message, pointer, issue.keyword, severity].join("\u0000");
    let e = entries.get(key);
    if (!e) {
      e = {
        provider,
        message,
        unknownMessage,
        pointer,
        keyword: issue.keyword,
        severity,
        count: 0,
        firstSeen: at,
        lastSeen: at,
        samples: [],
        exampleId: id,
        exampleIds: [],
        shape: { types: [], formats: [] },
      };
      entries.set(key, e);
    }
    e.count++;
    if (e.exampleIds.length < MAX_EXAMPLES && e.exampleIds.at(-1) !== id) e.exampleIds.push(id);
    if (at < e.firstSeen) e.firstSeen = at;
    if (at > e.lastSeen) e.lastSeen = at;
    const value = valueAt(body, issue.path);
    const type = jsonType(value);
    if (!e.shape.types.includes(type)) e.shape.types.push(type);
    if (typeof value === "string") {
      const length = [...value].length;
      e.shape.length = e.shape.length ? { min: Math.min(e.shape.length.min, length), max: Math.max(e.shape.length.max, length) } : { min: length, max: length };
      const matching = FORMATS.filter(([, re]) => re.test(value)).map(([name]) => name);
      e.formatsLeft = e.formatsLeft ? new Set([...e.formatsLeft].filter((f) => matching.includes(f))) : new Set(matching);
    } else if (type !== "missing" && type !== "null") e.formatsLeft = new Set();
    const shown = described(
      pointer
        .split("/")
        .filter((segment) => segment !== "-")
        .at(-1) ?? "",
      value,
    );
    if (e.samples.length < 3 && type !== "missing" && !e.samples.some((s) => JSON.stringify(s) === JSON.stringify(shown))) e.samples.push(shown);
    if (type !== "object" && type !== "array" && type !== "missing" && shown === value) {
      e.distinct ??= new Map();
      if (e.distinct.size <= MAX_DISTINCT) e.distinct.set(JSON.stringify(value), value);
    }
  };

  for await (const d of storedDeliveries(store, options)) {
    const checked = revalidate(d, options.maxDepth);
    if (!checked) continue;
    const { value, result } = checked;
    if (result.ok) {
      const unknown = result.message === undefined;
      const message = unknown ? result.unknownMessage : result.message;
      for (const w of result.warnings) add(d.provider, message, unknown, w, "warning", value, d.receivedAt, d.id);
    } else {
      for (const e of result.errors) add(d.provider, e.messageName ?? d.message, false, e, "error", value, d.receivedAt, d.id);
      for (const w of result.warnings) add(d.provider, w.messageName ?? d.message, false, w, "warning", value, d.receivedAt, d.id);
    }
  }
  return [...entries.values()]
    .map(({ formatsLeft, distinct, ...e }) => ({
      ...e,
      shape: {
        ...e.shape,
        formats: [...(formatsLeft ?? [])],
        ...(distinct && distinct.size <= MAX_DISTINCT ? { values: [...distinct.values()] } : {}),
      },
    }))
    .sort((a, b) => b.count - a.count || a.provider.localeCompare(b.provider) || a.pointer.localeCompare(b.pointer));
}
