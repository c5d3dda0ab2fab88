/**
 * The search's index: one entry per provider, message, field, status or enum value and header, written as
 * a classic script (a global the search reads) so that it loads from file:// as well as over HTTP. It is
 * loaded only when the search is first used, so no page pays for it up front.
 */

import { fieldAnchor } from "./fields.ts";

export type SearchKind = "provider" | "message" | "field" | "value" | "header";

export interface SearchEntry {
  kind: SearchKind;
  /** What was found: a field's path, a message's name, a value, a header's name. */
  title: string;
  /** The provider's title. */
  provider: string;
  /** Where in the provider: a message's name, "lifecycle", a field's place; "" for the provider itself. */
  where: string;
  text: string;
  /** From the site's root. */
  url: string;
}

const kinds: SearchKind[] = ["provider", "message", "field", "value", "header"];
const maxText = 90;

/**
 * One entry for what is the same thing in many places: a field with the same path and description in
 * several of a provider's messages, a value (a currency, a status) in several of its fields. The link goes
 * to the first place, the context names the others. Without this, Ivy's currency lists alone would make
 * the index megabytes.
 */
export function mergeEntries(entries: readonly SearchEntry[]): { kind: SearchKind; title: string; context: string; text: string; url: string }[] {
  const groups = new Map<string, SearchEntry[]>();
  for (const e of entries) {
    const key =
      e.kind === "field"
        ? `field\u0000${e.provider}\u0000${e.title}\u0000${e.text}`
        : e.kind === "value"
          ? `value\u0000${e.provider}\u0000${e.title}`
          : `${groups.size}`;
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const places = [...new Set(group.map((e) => e.where))];
    const shown = places[0] ?? "";
    const context = [first.provider, places.length > 1 ? `${shown} and ${places.length - 1} more` : shown].filter(Boolean).join(" · ");
    return { kind: first.kind, title: first.title, context, text: first.text, url: first.url };
  });
}

/**
 * Entries as arrays, `[kind, title, context, text, page, hash]` (hash 1: the field anchor of the title),
 * with each page's path once in `pages`:
 * a third of the size of objects with whole URLs. search.js reads them back.
 */
export function searchIndexScript(entries: readonly SearchEntry[]): string {
  const pages: string[] = [];
  const pageIndex = new Map<string, number>();
  const rows = mergeEntries(entries).map((e) => {
    const [page = "", hash = ""] = e.url.split("#");
    if (!pageIndex.has(page)) pageIndex.set(page, pages.push(page) - 1);
    const text = e.text.length > maxText ? `${e.text.slice(0, maxText - 1)}…` : e.text;
    // A field's anchor is its path: 1 stands for it.
    return [kinds.indexOf(e.kind), e.title, e.context, text, pageIndex.get(page)!, hash === fieldAnchor(e.title) ? 1 : hash];
  });
  return `window.webhookContractsSearchIndex=${JSON.stringify({ kinds, pages, rows }).replace(/</g, "\\u003c")};\n`;
}
