/**
 * The inbox: every authenticated delivery, written durably before it is answered, and the queue its
 * handlers are run from. One interface, two stores: an embedded SQLite file (one machine) and PostgreSQL
 * (several receivers and workers). Workers claim deliveries with a lease; a delivery whose worker died is
 * claimed again once its lease runs out.
 */
import type { ValidationIssue } from "@webhook-contracts/validators";

/**
 * - queued: stored and valid, waiting for a worker (now, or at `dueAt` after a failed attempt);
 * - processing: a worker holds its lease until `dueAt`;
 * - handled: every handler finished without an error;
 * - quarantined: it did not validate, or its handlers failed every attempt, or it could not be processed:
 *   kept with the reason until someone replays it;
 * - rejected: not JSON at all (not UTF-8, too deep, malformed), or holding a value the store cannot keep
 *   (a NUL in a field name, for PostgreSQL's JSONB): kept as it came, never handled.
 */
export type DeliveryStatus = "queued" | "processing" | "handled" | "quarantined" | "rejected";

export const deliveryStatuses: readonly DeliveryStatus[] = ["queued", "processing", "handled", "quarantined", "rejected"];

export interface Delivery {
  id: string;
  provider: string;
  /**
   * What identifies the delivery: the provider's own event key (the JSON of the values at its message's
   * `x-delivery-key`, read from the raw text), or `sha256:<hex>` of the body when it has none. Unique per
   * provider: a second delivery with the same key is a duplicate.
   */
  deliveryKey: string;
  /** The message, when one could be told. */
  message: string | null;
  status: DeliveryStatus;
  /** Why it is quarantined or rejected. */
  reason: string | null;
  /** Tolerant-mode warnings of the payload (unknown fields, unlisted values), as the validators reported them. */
  warnings: ValidationIssue[];
  /** The request headers that hold no secret (the authenticator's allow-list). */
  headers: Record<string, string>;
  /** The body, exactly the bytes that came (and were authenticated). */
  body: Uint8Array;
  receivedAt: string;
  /** queued: when it may run; processing: when its lease runs out. */
  dueAt: string | null;
  /** Handler runs started (a run whose worker died counts). */
  attempts: number;
  /** The error of the last failed attempt. */
  lastError: string | null;
  /** When its handling finished (handled or quarantined by a worker). */
  handledAt: string | null;
}

export interface NewDelivery {
  provider: string;
  deliveryKey: string;
  message: string | null;
  status: "queued" | "quarantined" | "rejected";
  reason: string | null;
  warnings: ValidationIssue[];
  headers: Record<string, string>;
  body: Uint8Array;
  /**
   * Store it already claimed by this owner, for this long (attempt 1): the receiving process's own worker
   * takes it from memory, with no claim to write. Only for a queued delivery.
   */
  lease?: { owner: string; ms: number };
}

/** What a worker records after running a delivery's handlers. */
export type Outcome = { status: "handled" } | { status: "retry"; delayMs: number; error: string } | { status: "quarantined"; reason: string; error?: string };

/**
 * One claim of a delivery: its id and the attempt it was claimed for. A delivery claimed again (its lease
 * ran out) is a new lease, so the late outcome of an older attempt can never be recorded over a newer one.
 */
export interface ListFilter {
  status?: DeliveryStatus;
  provider?: string;
  limit?: number;
  /** Only deliveries stored after this one (its id): the next page. */
  after?: string;
  /** Only deliveries received at or after this time (ISO 8601). */
  since?: string;
}

export interface Lease {
  id: string;
  attempt: number;
}

/**
 * What a store throws for one delivery it will not keep as it is (a value it cannot hold: a NUL in a
 * JSONB key or a TEXT column, a value over a size limit, a constraint), while it stores the others: the
 * receiver then keeps it in a form the store accepts, as rejected, and never answers it 503. A store of
 * your own may throw this, or any error with `refused: true`.
 */
export class RefusedByStore extends Error {
  readonly refused = true;
  /** The store's own code for it (SQLSTATE, SQLITE_...). */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = "RefusedByStore";
    this.code = code;
  }
}

/** True for an error by which a store refused one delivery (as opposed to being unavailable). */
export const isRefusedByStore = (error: unknown): boolean => typeof error === "object" && error !== null && (error as { refused?: unknown }).refused === true;

export interface StoreStats {
  /** Deliveries by status. */
  byStatus: Record<DeliveryStatus, number>;
  /**
   * When the oldest delivery of the backlog (queued or processing: not handled yet) was received, or null
   * when the backlog is empty. Its age tells how far behind the handling is (a target that has been down
   * for hours). Optional: a store of your own may leave it out.
   */
  oldestBacklogReceivedAt?: string | null;
}

export interface InboxStore {
  /**
   * True when accept() honours NewDelivery.lease (stores the delivery already claimed): the receiving
   * process's worker then runs it from memory. A store without it gets queued deliveries only.
   */
  readonly leasesOnAccept?: boolean;
  /**
   * Creates or migrates what the store needs; safe to call at every start, from many instances at once
   * (one migrates while the others wait).
   */
  init(): Promise<void>;
  /**
   * Stores deliveries durably (committed, synced) before it resolves; one with a provider and key already
   * stored is not stored again, and comes back with the stored one's id and status. Calls that arrive
   * together are committed together (one sync for many deliveries). A delivery holding a value the store
   * cannot keep fails alone, with an error whose `refused` is true (see RefusedByStore); any other error
   * means the store is unavailable.
   */
  accept(delivery: NewDelivery): Promise<{ inserted: boolean; id: string; status: DeliveryStatus; receivedAt: string }>;
  /**
   * Leases up to `limit` due deliveries to `owner` for `leaseMs`: queued ones whose time has come and
   * processing ones whose lease ran out. Each claim counts an attempt. Two owners never hold one delivery.
   * Claims, outcomes and released leases need not wait for the disk: lost by a power cut (never by a
   * crash of the process), a delivery is handled again, which at-least-once handling allows.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<Delivery[]>;
  /**
   * Records the outcomes of leases `owner` still holds; one whose lease was lost (it ran out and the
   * delivery was claimed again, by another worker or this one) is left alone. Resolves with the leases
   * whose outcomes were recorded.
   */
  finish(owner: string, outcomes: readonly (Lease & { outcome: Outcome })[]): Promise<Lease[]>;
  /** Gives back leases `owner` holds (all of them, or those listed: a worker that stops): due again at once. */
  release(owner: string, leases?: readonly Lease[]): Promise<void>;
  /**
   * Queues a delivery again (replay) if it is in one of `from` (its handlers run again, from attempt 1),
   * with the message today's contract names (one unknown when it came may be known now); false when it
   * is not there or not in one of those statuses.
   */
  requeue(id: string, from: readonly DeliveryStatus[], message: string | null): Promise<boolean>;
  /** Sets the reason (and message) of a quarantined delivery that is still invalid when replayed. */
  requarantine(id: string, reason: string, message: string | null): Promise<void>;
  get(id: string): Promise<Delivery | undefined>;
  /** In the order they were stored; `after` (a delivery's id) and `limit` page through them, `since` (ISO) skips older ones. */
  list(filter?: ListFilter): Promise<Delivery[]>;
  stats(): Promise<StoreStats>;
  /**
   * Resolves when the store can accept a write now (readiness): it writes, in a way that does not grow
   * the inbox, and rejects while writes fail (a full disk, a read-only database), until they work again.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A row of either store's table (SQLite keeps JSON and times as text or epoch ms; PostgreSQL as JSONB and timestamps). */
export interface DeliveryRow {
  id: string;
  provider: string;
  delivery_key: string;
  message: string | null;
  status: DeliveryStatus;
  reason: string | null;
  warnings: string | ValidationIssue[] | null;
  headers: string | Record<string, string>;
  body: Uint8Array | string;
  received_at: string | Date | number;
  due_at: string | Date | number | null;
  attempts: number;
  last_error: string | null;
  handled_at: string | Date | number | null;
}

const iso = (t: string | Date | number) => (typeof t === "string" ? t : new Date(t).toISOString());
const json = <T>(value: string | T): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

export function deliveryFromRow(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    provider: r.provider,
    deliveryKey: r.delivery_key,
    message: r.message,
    status: r.status,
    reason: r.reason,
    warnings: r.warnings === null ? [] : json(r.warnings),
    headers: json(r.headers),
    body: typeof r.body === "string" ? new TextEncoder().encode(r.body) : new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength),
    receivedAt: iso(r.received_at),
    dueAt: r.due_at === null ? null : iso(r.due_at),
    attempts: r.attempts,
    lastError: r.last_error,
    handledAt: r.handled_at === null ? null : iso(r.handled_at),
  };
}
