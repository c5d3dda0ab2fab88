/**
 * The replay gate: every stored delivery run through today's validators, to see what a change of the
 * contracts would do to the traffic already received, before it is released. Deliveries are read a page
 * at a time, in the order they were stored, so an inbox of any size is checked in bounded memory.
 *   - `now-rejected`: accepted when it came (queued, in hand or handled), invalid now;
 *   - `ready-to-replay`: quarantined when it came for its payload (invalid, or a message we did not know)
 *     and valid now as a message we know: `inbox replay` would hand it to the handlers;
 *   - `unchanged`: everything else (a payload quarantined because its handlers kept failing, a body that
 *     is not JSON, a delivery whose answer is the same).
 */
import { type ValidationIssue, isProviderName, validators } from "@webhook-contracts/validators";
import { DEFAULT_MAX_DEPTH, decodeBody } from "./body.js";
import type { Delivery, InboxStore } from "./store.js";

export type InboxVerdict = "now-rejected" | "ready-to-replay" | "unchanged";

export interface InboxCheckResult {
  id: string;
  provider: string;
  /** The message it was stored as (null: none could be told). */
  storedAs: string | null;
  status: Delivery["status"];
  receivedAt: string;
  verdict: InboxVerdict;
  /** The message today's validators take it for (undefined: an unknown one, or invalid). */
  message?: string;
  /** Why it is rejected now: provider, message, pointer, expected and received, as the validators say. */
  errors?: readonly ValidationIssue[];
}

export interface InboxCheckOptions {
  /** Only deliveries received at or after this time (ISO 8601). */
  since?: string;
  /** Deliveries read at once (default 500). */
  pageSize?: number;
  maxDepth?: number;
}

const accepted = new Set<Delivery["status"]>(["queued", "processing", "handled"]);

/** One delivery, judged by today's validators (tolerant mode, as the receiver judges at the door). */
export function judge(delivery: Delivery, maxDepth = DEFAULT_MAX_DEPTH): InboxCheckResult {
  const base = { id: delivery.id, provider: delivery.provider, storedAs: delivery.message, status: delivery.status, receivedAt: delivery.receivedAt };
  if (delivery.status === "rejected" || !isProviderName(delivery.provider)) return { ...base, verdict: "unchanged" };
  const decoded = decodeBody(delivery.body, maxDepth);
  if (!decoded.ok) return { ...base, verdict: "unchanged" };
  const result = validators[delivery.provider].validate(decoded.value);
  if (!result.ok) return { ...base, verdict: accepted.has(delivery.status) ? "now-rejected" : "unchanged", errors: result.errors };
  const message = result.message;
  // Quarantined at the door (no attempt made) for its payload, and now a message we know.
  const readyToReplay = delivery.status === "quarantined" && delivery.attempts === 0 && message !== undefined;
  return { ...base, verdict: readyToReplay ? "ready-to-replay" : "unchanged", ...(message !== undefined ? { message } : {}) };
}

/** Every stored delivery (since `since`), judged, in the order they were stored. */
export async function* checkInbox(store: InboxStore, options: InboxCheckOptions = {}): AsyncGenerator<InboxCheckResult> {
  const limit = options.pageSize ?? 500;
  const since = options.since ? { since: options.since } : {};
  // The next page is read while this one is judged: the store (SQLite on a thread of its own, PostgreSQL
  // over the network) and the validators work side by side.
  let next = store.list({ limit, ...since });
  for (;;) {
    const page = await next;
    const full = page.length === limit;
    if (full) next = store.list({ limit, after: page[page.length - 1]!.id, ...since });
    for (const delivery of page) yield judge(delivery, options.maxDepth);
    if (!full) return;
  }
}
