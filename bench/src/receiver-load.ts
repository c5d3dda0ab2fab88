/**
 * The receiver benchmark's requests: the Ivy order_updated fixture, POSTed to /webhooks/ivy, each one a
 * distinct delivery (its own `id`, so the receiver stores it rather than answering `duplicate`) with its
 * own X-Ivy-Signature. The signatures are computed before the load starts (the load generator shares the
 * machine with the server: an HMAC per request there would be measured as the server's slowness), and
 * only the id and the signature are kept per delivery: the body is the fixture's text around the id.
 */
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fixturesDir } from "@webhook-contracts/contracts";

export const IVY_FIXTURE = "ivy/order_updated/valid/paid.json";
export const IVY_PATH = "/webhooks/ivy";
/** The one secret the receiver under load is configured with. */
export const BENCH_IVY_SECRET = "bench-ivy-signing-secret";
/** The standardwebhooks peer's secret, and the forward secret of `serve` (whsec_ + base64). */
export const BENCH_STANDARD_WEBHOOKS_SECRET = "whsec_YmVuY2gtc3RhbmRhcmQtd2ViaG9va3Mtc2VjcmV0";

export interface IvyRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * A pool of distinct signed deliveries of the fixture. `take()` hands out the next one, never the same
 * twice until the pool is spent (grow it with `ensure()` between rounds, not during one); `at(i)` reads
 * the pool round and round (for the bare server, where repeats do not matter).
 */
export class IvyDeliveries {
  readonly fixtureText: string;
  private readonly head: string;
  private readonly tail: string;
  private readonly prefix: string;
  private ids: string[] = [];
  private signatures: string[] = [];
  private next = 0;

  constructor(
    readonly secret = BENCH_IVY_SECRET,
    initial = 0,
  ) {
    this.fixtureText = readFileSync(path.join(fixturesDir, IVY_FIXTURE), "utf8");
    const id = (JSON.parse(this.fixtureText) as { id: string }).id;
    const field = `"id": ${JSON.stringify(id)}`;
    const at = this.fixtureText.indexOf(field);
    if (at < 0) throw new Error(`${IVY_FIXTURE}: no ${field} to vary`);
    this.head = this.fixtureText.slice(0, at + field.length - id.length - 1);
    this.tail = this.fixtureText.slice(at + field.length - 1);
    // A UUID (version 4 layout) per delivery: a random run prefix, then a counter; the same length as the fixture's.
    this.prefix = randomBytes(4).toString("hex");
    this.ensure(initial);
  }

  get size(): number {
    return this.ids.length;
  }

  /** How many `take()` has handed out. */
  get taken(): number {
    return this.next;
  }

  /** At least `count` deliveries not yet taken. */
  ensure(count: number): void {
    const target = this.next + count;
    for (let i = this.ids.length; i < target; i++) {
      const id = `${this.prefix}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
      this.ids.push(id);
      this.signatures.push(
        createHmac("sha256", this.secret)
          .update(this.head + id + this.tail)
          .digest("hex"),
      );
    }
  }

  /** The body of delivery `i` (the fixture with its id). */
  body(i: number): string {
    return this.head + this.ids[i]! + this.tail;
  }

  request(i: number): IvyRequest {
    return { body: this.body(i), headers: { "content-type": "application/json", "x-ivy-signature": this.signatures[i]! } };
  }

  /** The next delivery never handed out; throws when the pool is spent (a repeat would be a duplicate). */
  take(): IvyRequest {
    if (this.next >= this.ids.length) throw new Error(`the pool of ${this.ids.length} distinct deliveries is spent: ensure() more between rounds`);
    return this.request(this.next++);
  }

  /** Delivery `i` modulo the pool: repeats allowed. */
  at(i: number): IvyRequest {
    return this.request(i % this.ids.length);
  }

  /**
   * Delivery `i` modulo the pool as GitHub sends a webhook (the @octokit/webhooks peer): the same bytes and
   * HMAC, in X-Hub-Signature-256, with an event name and a delivery id.
   */
  github(i: number): IvyRequest {
    const at = i % this.ids.length;
    return {
      body: this.body(at),
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": this.ids[at]!,
        "x-hub-signature-256": `sha256=${this.signatures[at]!}`,
      },
    };
  }
}

/**
 * `count` deliveries signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature)
 * at the current time, by the standardwebhooks library itself: made before each round of that peer, since
 * it refuses a timestamp more than five minutes old.
 */
export async function standardWebhooksRequests(pool: IvyDeliveries, count: number, secret = BENCH_STANDARD_WEBHOOKS_SECRET): Promise<IvyRequest[]> {
  const { Webhook } = await import("standardwebhooks");
  const webhook = new Webhook(secret);
  const now = new Date();
  return Array.from({ length: count }, (_, i) => {
    const { body } = pool.at(i);
    const id = `msg_${i}`;
    return {
      body,
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": webhook.sign(id, now, body),
      },
    };
  });
}

/** One timed round of load against one server. */
export interface Round {
  target: string;
  connections: number;
  seconds: number;
  /** 2xx answers per second. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Latency of the 2xx answers, in ms (recorded here, to the microsecond). */
  p50: number;
  p99: number;
  max: number;
  /**
   * The server process's CPU time (every thread's) per 2xx answer in the round, in µs: what a request
   * costs, which a busy shared machine disturbs far less than the requests per second.
   */
  cpuUs?: number;
  /** Receivers: deliveries queued or in hand when the round ended, and the time their worker took to finish them. */
  backlog?: number;
  drainMs?: number;
  /** Deliveries the worker left queued, having stopped claiming (a new receiver then handled them). */
  stalled?: number;
}

export interface StoreCheck {
  /** Rows in the store once the server stopped. */
  rows: number;
  /** Rows by status. */
  byStatus: Record<string, number>;
  /** 2xx answers the load generator received (every round and warm-up of this server). */
  answered2xx: number;
  /** The server's own count of outcomes (its onEvent). */
  outcomes: Record<string, number>;
  /** Requests sent whose answer was cut off at the end of a round (at most the connections, per round). */
  cutOff: number;
  /** Times the receiver was replaced (a new createReceiver on the same store) because its worker had stopped claiming. */
  recoveries: number;
  /** `serve` with no worker of its own: the time the worker process took to handle what it stored. */
  workerMs?: number;
  pass: boolean;
}

export interface ReceiverBench {
  /** Seconds per round, rounds per connection count. */
  seconds: number;
  rounds: number;
  connections: number[];
  /**
   * Targets in the order of each round: "bare", the minimal references ("minimal-sqlite",
   * "minimal-postgres"), `webhook-contracts serve` ("serve-sqlite", "serve-postgres"), the non-durable
   * peers ("octokit", "standardwebhooks"); the receiver library on its own ("sqlite", "postgres") when asked.
   */
  targets: string[];
  /** How `serve` ran: its worker in the same process (forwarding while it receives), or none (a worker process handled the deliveries after the rounds). */
  serveWorker?: boolean;
  /** Every measured round (warm-ups left out). */
  results: Round[];
  checks: Record<string, StoreCheck>;
  /** Why PostgreSQL was not measured, when it was not. */
  postgresSkipped?: string;
  postgresSettings?: Record<string, string>;
  /** Where the CPU profiles of the SQLite receiver and of its minimal reference went (with --profile). */
  profiles?: string[];
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The reference each target is measured against: the minimal design on the same store; SQLite's for the rest. */
export const referenceOf = (target: string) => (target.endsWith("postgres") ? "minimal-postgres" : "minimal-sqlite");

/** The rounds of one target at one connection count, in order. */
export const roundsOf = (b: ReceiverBench, target: string, connections: number) =>
  b.results.filter((r) => r.target === target && r.connections === connections);

/** The median over the rounds of a target's requests per second divided by the bare server's in the same round. */
export function rpsRatio(b: ReceiverBench, target: string, connections: number): number {
  return ratioTo(b, target, "bare", connections, "rps");
}

/** The median over the rounds of a target's figure divided by another target's in the same round. */
export function ratioTo(b: ReceiverBench, target: string, reference: string, connections: number, figure: "rps" | "p99" | "p50" | "cpuUs"): number {
  const of = roundsOf(b, reference, connections);
  return median(
    roundsOf(b, target, connections)
      .map((r, i) => (of[i] ? (r[figure] ?? Number.NaN) / (of[i][figure] ?? Number.NaN) : Number.NaN))
      .filter((x) => !Number.isNaN(x)),
  );
}
