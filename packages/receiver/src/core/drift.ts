/**
 * Drift: what real traffic says about the contracts. Every stored delivery is validated again by today's
 * validators (tolerant mode), and each warning (an unknown field, an unlisted value of an open list, a
 * broken inferred rule, a message we have no schema for) and each error of a quarantined delivery is
 * counted by provider, message, JSON Pointer (array indices as `-`) and keyword, with when it was first
 * and last seen, a few sample values (redacted where a field may hold personal data) and what the values
 * look like: their JSON types, the formats they match, the range of their lengths and, when few, their
 * distinct values. Read a page at a time, so an inbox of any size is read in bounded memory.
 */
import { type ValidationIssue, isProviderName, validators } from "@webhook-contracts/validators";
import { DEFAULT_MAX_DEPTH, decodeBody, valueAt } from "./body.js";
import type { InboxStore } from "./store.js";

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

export interface DriftOptions {
  since?: string;
  pageSize?: number;
  maxDepth?: number;
}

/** Field names whose values may identify a person or an account: never shown, only described. */
const PERSONAL = /name|mail|phone|document|doc_?number|cpf|cnpj|iban|account|card|address|birth|tax|passport|ssn|street|city|zip|postal/i;
const MAX_DISTINCT = 10;

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

/** A value to show: a personal field's value is replaced by what it looks like. */
function redacted(pointer: string, value: unknown): unknown {
  const field =
    pointer
      .split("/")
      .filter((s) => s !== "-")
      .at(-1) ?? "";
  if (!PERSONAL.test(field) || value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return `<redacted string of ${[...value].length}>`;
  return `<redacted ${jsonType(value)}>`;
}

interface Accumulator extends DriftEntry {
  formatsLeft?: Set<string>;
  distinct?: Map<string, unknown>;
}

export async function driftReport(store: InboxStore, options: DriftOptions = {}): Promise<DriftEntry[]> {
  const limit = options.pageSize ?? 500;
  const since = options.since ? { since: options.since } : {};
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
        shape: { types: [], formats: [] },
      };
      entries.set(key, e);
    }
    e.count++;
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
    const shown = redacted(pointer, value);
    if (e.samples.length < 3 && type !== "missing" && !e.samples.some((s) => JSON.stringify(s) === JSON.stringify(shown))) e.samples.push(shown);
    if (type !== "object" && type !== "array" && type !== "missing" && shown === value) {
      e.distinct ??= new Map();
      if (e.distinct.size <= MAX_DISTINCT) e.distinct.set(JSON.stringify(value), value);
    }
  };

  let next = store.list({ limit, ...since });
  for (;;) {
    const page = await next;
    const full = page.length === limit;
    if (full) next = store.list({ limit, after: page[page.length - 1]!.id, ...since });
    for (const d of page) {
      if (d.status === "rejected" || !isProviderName(d.provider)) continue;
      const decoded = decodeBody(d.body, options.maxDepth ?? DEFAULT_MAX_DEPTH);
      if (!decoded.ok) continue;
      const result = validators[d.provider].validate(decoded.value);
      if (result.ok) {
        const unknown = result.message === undefined;
        const message = unknown ? result.unknownMessage : result.message;
        for (const w of result.warnings) add(d.provider, message, unknown, w, "warning", decoded.value, d.receivedAt, d.id);
      } else {
        for (const e of result.errors) add(d.provider, e.messageName ?? d.message, false, e, "error", decoded.value, d.receivedAt, d.id);
        for (const w of result.warnings) add(d.provider, w.messageName ?? d.message, false, w, "warning", decoded.value, d.receivedAt, d.id);
      }
    }
    if (!full) break;
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
