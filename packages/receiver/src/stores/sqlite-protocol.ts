/**
 * What crosses between the SQLite store (sqlite.ts, on the event loop's thread) and its thread
 * (sqlite-thread.ts): requests, replies, and deliveries in a flat form. No driver is loaded here.
 */
import type { DeliveryRow, NewDelivery } from "../core/store.js";

/** A call of the engine's method `op` (sqlite-thread.ts checks that `op` is one; see SqliteEngine). */
export interface Request<Op extends string = string> {
  id: number;
  op: Op;
  args: unknown[];
}
/** `refused`: SQLite refused the values of this one request (a constraint, a value too big); the others stand. */
export type Reply =
  | { id: number; ok: true; value: unknown }
  /** `thrown`: the error itself (it crosses threads as a structured clone: its class, message and stack), for whoever debugs it. */
  | { id: number; ok: false; error: { message: string; code?: string; refused?: true; thrown?: Error } };

/**
 * A delivery to store, as the engine takes it: flat, its JSON already written, because a structured clone
 * of nested objects (to the SQLite thread) costs the receiving thread more than JSON.stringify does.
 */
export type Accepting = [
  provider: string,
  deliveryKey: string,
  message: string | null,
  status: NewDelivery["status"],
  reason: string | null,
  warnings: string | null,
  headers: string,
  /**
   * The body's bytes; to the SQLite thread as a "binary" (Latin-1) string, one character a byte: a string
   * crosses threads far cheaper than bytes.
   */
  body: Uint8Array | string,
  leaseOwner: string | null,
  leaseMs: number,
];

export function accepting(d: NewDelivery, crossing: boolean): Accepting {
  const warnings = d.warnings.length ? JSON.stringify(d.warnings) : null;
  const body = crossing ? Buffer.from(d.body.buffer, d.body.byteOffset, d.body.byteLength).toString("latin1") : d.body;
  return [d.provider, d.deliveryKey, d.message, d.status, d.reason, warnings, JSON.stringify(d.headers), body, d.lease?.owner ?? null, d.lease?.ms ?? 0];
}

/**
 * Deliveries read back (list, claim, get), as they cross from the thread: every body in one buffer, which
 * is transferred, not copied. A structured clone of a Buffer per row cost both threads about 20 µs a
 * delivery, more than reading it; the replay gate reads tens of thousands at a time.
 */
export interface PackedRows {
  rows: (Omit<DeliveryRow, "body"> & { body: [offset: number, length: number] })[];
  bodies: ArrayBuffer;
}

export function packRows(rows: readonly DeliveryRow[]): PackedRows {
  let total = 0;
  for (const r of rows) total += r.body.length;
  const bodies = new ArrayBuffer(total);
  const into = new Uint8Array(bodies);
  let at = 0;
  const packed = rows.map((r) => {
    const bytes = typeof r.body === "string" ? Buffer.from(r.body, "latin1") : r.body;
    into.set(bytes, at);
    at += bytes.length;
    return { ...r, body: [at - bytes.length, bytes.length] as [number, number] };
  });
  return { rows: packed, bodies };
}

export function unpackRows({ rows, bodies }: PackedRows): DeliveryRow[] {
  return rows.map((r) => ({ ...r, body: new Uint8Array(bodies, r.body[0], r.body[1]) }));
}

/** What a batch of replies hands over rather than copies: the bodies of the rows in it. */
export const transferred = (replies: readonly Reply[]): ArrayBuffer[] =>
  replies.flatMap((r) =>
    r.ok && r.value !== null && typeof r.value === "object" && (r.value as Partial<PackedRows>).bodies instanceof ArrayBuffer
      ? [(r.value as PackedRows).bodies]
      : [],
  );

/**
 * Error codes by which SQLite refuses the values of one row, the others of the transaction unaffected:
 * a constraint (CHECK, NOT NULL, a trigger's RAISE) or a value over its length limit. Anything else (a
 * full disk, an I/O error, a lock) is the store being unavailable.
 */
export const refusedByEngine = (error: unknown) => /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/.test(String((error as { code?: unknown }).code ?? ""));
