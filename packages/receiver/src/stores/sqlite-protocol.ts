/**
 * What crosses between the SQLite store (sqlite.ts, on the event loop's thread) and its thread
 * (sqlite-thread.ts): requests, replies, and deliveries in a flat form. No driver is loaded here.
 */
import type { NewDelivery } from "../core/store.js";

/** A call of the engine's method `op` (sqlite-thread.ts checks that `op` is one; see SqliteEngine). */
export interface Request<Op extends string = string> {
  id: number;
  op: Op;
  args: unknown[];
}
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { message: string; code?: string } };

/**
 * A delivery to store, as it crosses to the SQLite thread: flat, its JSON already written, because a
 * structured clone of nested objects costs the receiving thread more than JSON.stringify does.
 */
export type Accepting = [
  provider: string,
  deliveryKey: string,
  message: string | null,
  status: NewDelivery["status"],
  reason: string | null,
  warnings: string | null,
  headers: string,
  /** The body's bytes as a "binary" (Latin-1) string, one character a byte: a string crosses threads far cheaper than bytes. */
  body: string,
  leaseOwner: string | null,
  leaseMs: number,
];

export function accepting(d: NewDelivery): Accepting {
  const warnings = d.warnings.length ? JSON.stringify(d.warnings) : null;
  const body = Buffer.from(d.body.buffer, d.body.byteOffset, d.body.byteLength).toString("latin1");
  return [d.provider, d.deliveryKey, d.message, d.status, d.reason, warnings, JSON.stringify(d.headers), body, d.lease?.owner ?? null, d.lease?.ms ?? 0];
}
