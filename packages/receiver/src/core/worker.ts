/**
 * The worker: claims due deliveries from the inbox with a lease, runs their handlers with a timeout, and
 * records the outcome: handled; a retry after an exponential backoff with jitter; or, once the attempts
 * are spent, quarantined with the last error. A delivery whose worker died (its lease ran out) is claimed
 * again by any worker; one whose runs never finish (a poison payload that kills its worker) is quarantined
 * once its attempts are spent. Many workers, in many processes, can share one store.
 */
import { groupCommit } from "./group-commit.js";
import type { Delivery, InboxStore, Lease, Outcome } from "./store.js";
import type { WorkerSettings } from "./settings.js";

/** Thrown by a run to quarantine its delivery at once, without retries (it cannot succeed as it is). */
export class Permanent extends Error {}

/** A handler that ran past its time: the attempt failed (the handler is told through its signal). */
export class HandlerTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "HandlerTimeout";
  }
}

export interface AttemptReport {
  delivery: Delivery;
  attempt: number;
  outcome: "handled" | "retry" | "quarantined" | "lost-lease";
  ms: number;
  error?: string;
}

export type Run = (delivery: Delivery, attempt: number, signal: AbortSignal) => Promise<void>;

export type ResolvedWorkerSettings = Required<WorkerSettings>;

export function workerDefaults(settings: WorkerSettings = {}): ResolvedWorkerSettings {
  const handlerTimeoutMs = settings.handlerTimeoutMs ?? 30_000;
  return {
    concurrency: settings.concurrency ?? 16,
    handlerTimeoutMs,
    maxAttempts: settings.maxAttempts ?? 8,
    backoffBaseMs: settings.backoffBaseMs ?? 1000,
    backoffMaxMs: settings.backoffMaxMs ?? 600_000,
    leaseMs: settings.leaseMs ?? handlerTimeoutMs + 30_000,
    pollIntervalMs: settings.pollIntervalMs ?? 1000,
  };
}

/** Delay before attempt `attempt + 1`: doubling from the base, capped, half of it random (no thundering herd). */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2000);

function randomId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function createWorker(store: InboxStore, settings: ResolvedWorkerSettings, run: Run, report: (r: AttemptReport) => void, now: () => number) {
  /** This worker's name on its leases; a new one per process, so a restarted process does not own its old leases. */
  const owner = `w-${randomId()}`;
  let running = false;
  let inFlight = 0;
  let started = 0;
  /** The leases being run, by lease key, with what aborts their handlers. */
  const inHand = new Map<string, { lease: Lease; controller: AbortController }>();
  let poll: ReturnType<typeof setInterval> | undefined;
  let pumping: Promise<void> | undefined;
  let again = false;
  const idle: (() => void)[] = [];
  // Outcomes recorded together: one write (one sync) for the attempts that ended in the same turn.
  const leaseKey = (lease: Lease) => `${lease.id}\u0000${lease.attempt}`;
  const record = groupCommit(async (items: (Lease & { outcome: Outcome })[]) => {
    const kept = new Set((await store.finish(owner, items)).map(leaseKey));
    return items.map((i) => kept.has(leaseKey(i)));
  });
  const finishOne = (delivery: Delivery, outcome: Outcome) => record({ id: delivery.id, attempt: delivery.attempts, outcome });

  async function execute(delivery: Delivery): Promise<void> {
    const attempt = delivery.attempts;
    const started = now();
    const done = (outcome: AttemptReport["outcome"], error?: string) =>
      report({ delivery, attempt, outcome, ms: now() - started, ...(error === undefined ? {} : { error }) });
    if (attempt > settings.maxAttempts) {
      // Every attempt so far was claimed and none recorded an end: its worker died each time.
      const reason = `abandoned after ${attempt - 1} attempts that never finished (the worker stopped each time: a payload that crashes its handler?)${delivery.lastError ? `; last error: ${delivery.lastError}` : ""}`;
      const kept = await finishOne(delivery, { status: "quarantined", reason });
      return done(kept ? "quarantined" : "lost-lease", reason);
    }
    const controller = new AbortController();
    const key = leaseKey({ id: delivery.id, attempt });
    inHand.set(key, { lease: { id: delivery.id, attempt }, controller });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let outcome: Outcome;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new HandlerTimeout(settings.handlerTimeoutMs);
          controller.abort(error);
          reject(error);
        }, settings.handlerTimeoutMs);
      });
      await Promise.race([run(delivery, attempt, controller.signal), timeout]);
      outcome = { status: "handled" };
    } catch (error) {
      const text = message(error);
      if (error instanceof Permanent) outcome = { status: "quarantined", reason: text };
      else if (attempt >= settings.maxAttempts) outcome = { status: "quarantined", reason: `handler failed ${attempt} times; last: ${text}`, error: text };
      else outcome = { status: "retry", delayMs: backoffMs(attempt, settings.backoffBaseMs, settings.backoffMaxMs), error: text };
    } finally {
      clearTimeout(timer);
      inHand.delete(key);
    }
    let kept: boolean;
    try {
      kept = await finishOne(delivery, outcome);
    } catch (error) {
      // The store is away: the lease runs out and the delivery is claimed again (at least once).
      return done("lost-lease", `could not record the outcome: ${message(error)}`);
    }
    if (!kept) return done("lost-lease", "the lease ran out before the outcome was recorded; another worker runs it again");
    done(outcome.status, outcome.status === "handled" ? undefined : outcome.status === "retry" ? outcome.error : outcome.reason);
  }

  function start(delivery: Delivery) {
    started++;
    inFlight++;
    void execute(delivery)
      .catch(() => undefined)
      .finally(() => {
        inFlight--;
        if (inFlight === 0) for (const resolve of idle.splice(0)) resolve();
        if (running) void pump();
      });
  }

  /** Claims while there is room and something is due. Coalesced: a call while one runs makes it go round again. */
  function pump(force = false): Promise<void> {
    if (!running && !force) return Promise.resolve();
    if (pumping) {
      again = true;
      return pumping;
    }
    const claiming = async () => {
      do {
        again = false;
        while ((running || force) && inFlight < settings.concurrency) {
          const claimed = await store.claim(owner, settings.concurrency - inFlight, settings.leaseMs);
          for (const d of claimed) start(d);
          if (claimed.length === 0) break;
        }
      } while (again && (running || force));
    };
    // Cleared in a callback, never inside `claiming` itself: that may finish before it returns (no room
    // to claim), and clearing before the assignment below would leave a settled promise there for good.
    const current: Promise<void> = claiming().finally(() => {
      pumping = undefined;
      // A wake-up that came after the last round's check is not lost.
      if (again && (running || force)) void pump(force).catch(() => undefined);
    });
    pumping = current;
    return current;
  }

  const whenIdle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)));

  return {
    owner,
    get inFlight() {
      return inFlight;
    },
    start() {
      if (running) return;
      running = true;
      poll = setInterval(() => void pump().catch(() => undefined), settings.pollIntervalMs);
      (poll as { unref?: () => void }).unref?.();
      void pump().catch(() => undefined);
    },
    /** A delivery was stored: look now rather than at the next poll. */
    notify() {
      if (running) void pump().catch(() => undefined);
    },
    /** Claims and handles what is due until nothing is (also when the worker is not started: cron, tests). */
    async runDue(): Promise<void> {
      let seen = -1;
      while (seen !== started) {
        seen = started;
        await pump(true);
        await whenIdle();
        await record.flush();
      }
    },
    /**
     * Stops claiming, lets the deliveries in hand finish (up to `graceMs`), records their outcomes, and
     * gives back the leases of any still running: another worker takes them at once.
     */
    async stop(graceMs = settings.handlerTimeoutMs): Promise<void> {
      running = false;
      clearInterval(poll);
      await pumping?.catch(() => undefined);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      for (const { controller } of inHand.values()) controller.abort(new Error("the worker is stopping"));
      await record.flush();
      const left = [...inHand.values()].map((h) => h.lease);
      if (left.length > 0) await store.release(owner, left);
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
