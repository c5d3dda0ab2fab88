/**
 * The inbox: every authenticated delivery, written durably before it is answered. One interface, two
 * stores: an embedded SQLite file (one receiver) and PostgreSQL (several behind a load balancer).
 */
export type DeliveryStatus = "received" | "handled" | "quarantined" | "rejected";

export interface Delivery {
  id: string;
  provider: string;
  /** The provider's own event key (JSON of the values at x-delivery-key), when the payload has it. */
  deliveryKey: string | null;
  /** The message, when one could be told. */
  message: string | null;
  /**
   * received: stored, not yet handled; handled: validated and handled; quarantined: kept because it did
   * not validate or its handler threw (replayable); rejected: kept, but not JSON at all.
   */
  status: DeliveryStatus;
  reason: string | null;
  headers: Record<string, string>;
  /** The raw body, as text. */
  body: string;
  receivedAt: string;
  handledAt: string | null;
  attempts: number;
}

export type NewDelivery = Pick<Delivery, "provider" | "deliveryKey" | "message" | "status" | "reason" | "headers" | "body">;

export interface InboxStore {
  /** Creates what the store needs (tables); safe to call every start. */
  init(): Promise<void>;
  /** Stores a delivery, unless one with the same provider and delivery key exists: then returns that one's id. */
  insert(delivery: NewDelivery): Promise<{ inserted: boolean; id: string }>;
  update(id: string, patch: Partial<Pick<Delivery, "status" | "reason" | "message">> & { handled?: boolean }): Promise<void>;
  get(id: string): Promise<Delivery | undefined>;
  list(filter?: { status?: DeliveryStatus; provider?: string }): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** A row of either store's table (SQLite keeps JSON and times as text; PostgreSQL as JSONB and timestamps). */
export interface DeliveryRow {
  id: string;
  provider: string;
  delivery_key: string | null;
  message: string | null;
  status: DeliveryStatus;
  reason: string | null;
  headers: string | Record<string, string>;
  body: string;
  received_at: string | Date;
  handled_at: string | Date | null;
  attempts: number;
}

const iso = (t: string | Date) => (typeof t === "string" ? t : t.toISOString());

export function deliveryFromRow(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    provider: r.provider,
    deliveryKey: r.delivery_key,
    message: r.message,
    status: r.status,
    reason: r.reason,
    headers: typeof r.headers === "string" ? (JSON.parse(r.headers) as Record<string, string>) : r.headers,
    body: r.body,
    receivedAt: iso(r.received_at),
    handledAt: r.handled_at === null ? null : iso(r.handled_at),
    attempts: r.attempts,
  };
}
