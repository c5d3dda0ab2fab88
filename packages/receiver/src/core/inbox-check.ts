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
import type { ValidationIssue } from "@webhook-contracts/validators";
import type { Delivery, InboxStore } from "./store.js";
import { type ReadOptions, revalidate, storedPages } from "./stored.js";

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

export interface InboxCheckOptions extends ReadOptions {
  maxDepth?: number;
}

const accepted = new Set<Delivery["status"]>(["queued", "processing", "handled"]);

/** One delivery, judged by today's validators (tolerant mode, as the receiver judges at the door). */
export function judge(delivery: Delivery, maxDepth?: number): InboxCheckResult {
  const base = { id: delivery.id, provider: delivery.provider, storedAs: delivery.message, status: delivery.status, receivedAt: delivery.receivedAt };
  const checked = revalidate(delivery, maxDepth);
  if (!checked) return { ...base, verdict: "unchanged" };
  const { result } = checked;
  if (!result.ok) return { ...base, verdict: accepted.has(delivery.status) ? "now-rejected" : "unchanged", errors: result.errors };
  const message = result.message;
  // Quarantined at the door (no attempt made) for its payload, and now a message we know.
  const readyToReplay = delivery.status === "quarantined" && delivery.attempts === 0 && message !== undefined;
  return { ...base, verdict: readyToReplay ? "ready-to-replay" : "unchanged", ...(message !== undefined ? { message } : {}) };
}

/** Every stored delivery (since `since`), judged, in the order they were stored. */
export async function* checkInbox(store: InboxStore, options: InboxCheckOptions = {}): AsyncGenerator<InboxCheckResult> {
  // A page at a time: one await per page, not one per delivery of an inner generator.
  for await (const page of storedPages(store, options)) for (const delivery of page) yield judge(delivery, options.maxDepth);
}
