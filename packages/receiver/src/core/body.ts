/**
 * From the bytes that came to a JSON value, refusing what is not JSON before anything else sees it: bytes
 * that are not UTF-8 (RFC 8259 requires it; nothing is silently replaced), nesting deeper than the limit
 * (so no later recursion can overflow the stack), and malformed JSON (with its line and column). A UTF-8
 * byte order mark is ignored, as RFC 8259 allows; the stored bytes keep it.
 */
import { parseJson } from "./json.js";
import { unescapePointerSegment } from "./pointer.js";

/** Nesting deeper than this is refused (400): real payloads nest a handful of levels. */
export const DEFAULT_MAX_DEPTH = 64;

export type DecodedBody =
  | { ok: true; text: string; value: unknown }
  | { ok: false; error: "invalid_utf8" | "too_deep" | "malformed_json"; message: string; line?: number; column?: number; position?: number };

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeBody(bytes: Uint8Array, maxDepth = DEFAULT_MAX_DEPTH): DecodedBody {
  let text: string;
  try {
    text = strictUtf8.decode(bytes); // drops a leading BOM
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      ok: false,
      error: "invalid_utf8",
      message: `the body is not valid UTF-8 (byte ${at}: 0x${bytes[at]?.toString(16).padStart(2, "0")}); JSON must be UTF-8`,
      position: at,
    };
  }
  const deep = depthOver(text, maxDepth);
  if (deep >= 0) return { ok: false, error: "too_deep", message: `the JSON nests deeper than ${maxDepth} levels (at position ${deep})`, position: deep };
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, error: "malformed_json", ...parsed.error };
  return { ok: true, text, value: parsed.value };
}

/** The position where nesting first passes `max` (outside strings), or -1. Linear, allocates nothing. */
export function depthOver(text: string, max: number): number {
  // Nesting cannot pass `max` with no more than `max` brackets in all: indexOf (native) counts them in
  // a fraction of the time the walk below takes, and settles nearly every real payload.
  let openers = 0;
  for (let i = text.indexOf("{"); i >= 0 && openers <= max; i = text.indexOf("{", i + 1)) openers++;
  for (let i = text.indexOf("["); i >= 0 && openers <= max; i = text.indexOf("[", i + 1)) openers++;
  if (openers <= max) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection on the decoder's own verdict (a prefix may end mid-character).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      strictUtf8.decode(bytes.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  let at = lo;
  // A valid prefix that ends inside a character: step back to that character's first byte.
  while (at > 0 && (bytes[at]! & 0xc0) === 0x80) at--;
  return at;
}

/**
 * The source text of the value at a JSON Pointer in valid JSON text (the last one, when a key repeats,
 * as JSON.parse keeps), or undefined. Numbers come as written, so two ids past 2^53 that JSON.parse would
 * round to one number stay two.
 */
export function rawValueAt(text: string, pointer: string): string | undefined {
  let start = skipSpace(text, 0);
  for (const segment of segmentsOf(pointer)) {
    const found = childOf(text, start, segment);
    if (found < 0) return undefined;
    start = found;
  }
  return text.slice(start, endOfValue(text, start));
}

const segmentCache = new Map<string, string[]>();

/** A JSON Pointer's segments, unescaped; parsed once per pointer (the delivery-key pointers are few). */
function segmentsOf(pointer: string): string[] {
  let segments = segmentCache.get(pointer);
  if (!segments) {
    segments = pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointerSegment);
    if (segmentCache.size < 1000) segmentCache.set(pointer, segments);
  }
  return segments;
}

/** The value at a JSON Pointer in a parsed value, or undefined. */
export function valueAt(value: unknown, pointer: string): unknown {
  let node = value;
  for (const segment of segmentsOf(pointer)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/** Where the value of `key` (in an object) or of index `key` (in an array) starts, or -1. */
function childOf(text: string, start: number, key: string): number {
  const open = text.charCodeAt(start);
  let i = skipSpace(text, start + 1);
  if (open === 123) {
    let found = -1;
    while (text.charCodeAt(i) !== 125) {
      const keyEnd = endOfValue(text, i);
      const name = JSON.parse(text.slice(i, keyEnd)) as string;
      i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the colon
      if (name === key) found = i;
      i = skipSpace(text, endOfValue(text, i));
      if (text.charCodeAt(i) === 44) i = skipSpace(text, i + 1);
    }
    return found;
  }
  if (open === 91 && /^(0|[1-9][0-9]*)$/.test(key)) {
    for (let index = 0; text.charCodeAt(i) !== 93; index++) {
      if (index === Number(key)) return i;
      i = skipSpace(text, endOfValue(text, i));
      if (text.charCodeAt(i) === 44) i = skipSpace(text, i + 1);
    }
  }
  return -1;
}

/** The end of the value that starts at `i` (valid JSON assumed: the text parsed already). */
function endOfValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 34) {
    for (let j = i + 1; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 92) j++;
      else if (d === 34) return j + 1;
    }
    return text.length;
  }
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 34) j = endOfValue(text, j) - 1;
      else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        if (--depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13) break;
    j++;
  }
  return j;
}
