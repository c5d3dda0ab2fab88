/**
 * The worker: claims due deliveries from the inbox with a lease, runs their handlers with a timeout, and
 * records the outcome: handled; a retry after an exponential backoff with jitter; or, once the attempts
 * are spent, quarantined with the last error. The default schedule retries for a day or more, as the
 * gateways senders know do (Svix about a day, Stripe three): an outage of the target for minutes or hours
 * loses nothing and needs no replay. A retry is stored with its due time and claimed only then, so a
 * backlog that keeps failing costs one attempt per delivery per step of its schedule, never a busy loop.
 * A delivery whose worker died (its lease ran out) is claimed again by any worker once the lease runs
 * out; one whose runs never finish (a poison payload that kills its worker) is quarantined once its
 * attempts are spent: paced by the lease, not the backoff, that takes maxAttempts leases (20 minutes by
 * default), not the day. Many workers, in many processes, can share one store.
 */
import { groupCommit } from "./group-commit.js";
import { toHex } from "./crypto.js";
import { withoutUserinfo } from "./forward.js";
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

/**
 * What tells a handler to give up (its time is up, the worker stops): an AbortSignal, made only when a
 * handler asks for it (most never do, and one per attempt would cost every delivery).
 */
export class Abort {
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/** Runs a delivery's handlers; `prepared` is what the receiving process already made of it (handed over in memory). */
export type Run = (delivery: Delivery, attempt: number, abort: Abort, prepared?: unknown) => Promise<void>;

export type ResolvedWorkerSettings = Required<WorkerSettings>;

/**
 * The default retry schedule: 20 attempts, the delays doubling from 5 s up to 4 h (5 s, 10 s, 20 s, ...,
 * 2 h 50 min, then 4 h each), so the last attempt comes 25 to 34 hours after the first (see backoffMs for
 * the jitter). An outage of a day is absorbed; what is still failing then is quarantined for a replay.
 */
export const DEFAULT_MAX_ATTEMPTS = 20;
export const DEFAULT_BACKOFF_BASE_MS = 5_000;
export const DEFAULT_BACKOFF_MAX_MS = 4 * 3600_000;

export function workerDefaults(settings: WorkerSettings = {}): ResolvedWorkerSettings {
  const handlerTimeoutMs = settings.handlerTimeoutMs ?? 30_000;
  return {
    concurrency: settings.concurrency ?? 16,
    handlerTimeoutMs,
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    backoffBaseMs: settings.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS,
    backoffMaxMs: settings.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS,
    leaseMs: settings.leaseMs ?? handlerTimeoutMs + 30_000,
    pollIntervalMs: settings.pollIntervalMs ?? 1000,
  };
}

/**
 * Delay before attempt `attempt + 1`: doubling from the base up to the cap, then between three quarters
 * of that and all of it, at random. The jitter spreads deliveries that failed together (at a 4 h step, over
 * an hour) and stays narrow enough that the schedule's span is known: with the defaults, at least a day.
 */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 40));
  return Math.round(ceiling * (0.75 + 0.25 * random()));
}

/** How many deliveries per slot the receiving process may hand over at once (the rest wait in memory). */
const PREFETCH = 4;

/** An error as the inbox keeps it (last_error, reason): bounded, and without the password of any URL in it. */
const message = (error: unknown) => withoutUserinfo(error instanceof Error ? error.message : String(error)).slice(0, 2000);

export function createWorker(store: InboxStore, settings: ResolvedWorkerSettings, run: Run, report: (r: AttemptReport) => void, now: () => number) {
  /** This worker's name on its leases; a new one per process, so a restarted process does not own its old leases. */
  const owner = `w-${toHex(globalThis.crypto.getRandomValues(new Uint8Array(12)))}`;
  let running = false;
  let inFlight = 0;
  /** Slots promised to deliveries being stored as already claimed by this worker (see reserve). */
  let reserved = 0;
  /**
   * Deliveries handed over while every slot was busy, waiting in memory for one (their leases run). The
   * receiving process may store up to PREFETCH times the concurrency claimed by this worker.
   */
  const waiting: { delivery: Delivery; prepared: unknown; claimedAt: number }[] = [];
  let started = 0;
  /** The leases being run, by lease key, with what aborts their handlers. */
  const inHand = new Map<string, { lease: Lease; controller: Abort }>();
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

  /**
   * Runs one attempt. `free` is called once the handlers are done, before the outcome is written: the
   * slot serves the next delivery while the lease keeps this one from any other worker.
   */
  async function execute(delivery: Delivery, prepared: unknown, free: () => void): Promise<void> {
    const attempt = delivery.attempts;
    const started = now();
    const done = (outcome: AttemptReport["outcome"], error?: string) =>
      report({ delivery, attempt, outcome, ms: now() - started, ...(error === undefined ? {} : { error }) });
    if (attempt > settings.maxAttempts) {
      free();
      // Every attempt so far was claimed and none recorded an end: its worker died each time.
      const reason = `abandoned after ${attempt - 1} attempts that never finished (the worker stopped each time: a payload that crashes its handler?)${delivery.lastError ? `; last error: ${delivery.lastError}` : ""}`;
      const kept = await finishOne(delivery, { status: "quarantined", reason });
      return done(kept ? "quarantined" : "lost-lease", reason);
    }
    const controller = new Abort();
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
      await Promise.race([run(delivery, attempt, controller, prepared), timeout]);
      outcome = { status: "handled" };
    } catch (error) {
      const text = message(error);
      if (error instanceof Permanent) outcome = { status: "quarantined", reason: text };
      else if (attempt >= settings.maxAttempts) outcome = { status: "quarantined", reason: `handler failed ${attempt} times; last: ${text}`, error: text };
      else outcome = { status: "retry", delayMs: backoffMs(attempt, settings.backoffBaseMs, settings.backoffMaxMs), error: text };
    } finally {
      clearTimeout(timer);
      inHand.delete(key);
      free();
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

  /** Outcomes being written: runDue and stop wait for them too. */
  let recording = 0;

  function start(delivery: Delivery, prepared?: unknown) {
    started++;
    inFlight++;
    recording++;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      inFlight--;
      startWaiting();
      // A freed slot looks in the store only when it may hold something: otherwise every handled
      // delivery would cost a claim that finds nothing.
      if (running && backlog) void pump();
    };
    void execute(delivery, prepared, free)
      .catch(() => undefined)
      .finally(() => {
        free();
        recording--;
        if (inFlight === 0 && recording === 0) for (const resolve of idle.splice(0)) resolve();
      });
  }

  /** Runs handed-over deliveries that waited for a slot, as long as their leases leave a handler its time. */
  function startWaiting() {
    while (inFlight < settings.concurrency && waiting.length > 0) {
      const next = waiting.shift()!;
      if (running && now() - next.claimedAt + settings.handlerTimeoutMs < settings.leaseMs) start(next.delivery, next.prepared);
      // Too late (or stopping): give the lease back rather than risk two runs at once.
      else void store.release(owner, [{ id: next.delivery.id, attempt: next.delivery.attempts }]).catch(() => undefined);
    }
  }

  /**
   * Whether the store may hold due deliveries this worker has not claimed: set by a delivery stored
   * queued (notify), each poll, and a claim that filled all the room it had; cleared by one that did not.
   */
  let backlog = true;

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
        while ((running || force) && inFlight + reserved + waiting.length < settings.concurrency) {
          const room = settings.concurrency - inFlight - reserved - waiting.length;
          const claimed = await store.claim(owner, room, settings.leaseMs);
          for (const d of claimed) start(d);
          backlog = claimed.length === room; // a full claim may have left more behind
          if (!backlog) break;
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

  const whenIdle = () => (inFlight === 0 && recording === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)));

  return {
    owner,
    get inFlight() {
      return inFlight;
    },
    start() {
      if (running) return;
      running = true;
      poll = setInterval(() => {
        backlog = true;
        void pump().catch(() => undefined);
      }, settings.pollIntervalMs);
      (poll as { unref?: () => void }).unref?.();
      void pump().catch(() => undefined);
    },
    /** A delivery was stored: look now rather than at the next poll. */
    notify() {
      backlog = true;
      if (running) void pump().catch(() => undefined);
    },
    /**
     * A slot for a delivery about to be stored as already claimed by this worker (NewDelivery.lease), or
     * false when the worker is stopped or full (then it is stored queued, for any worker to claim).
     */
    reserve(): boolean {
      if (!running || inFlight + reserved + waiting.length >= settings.concurrency * PREFETCH) return false;
      reserved++;
      return true;
    },
    /** The reserved slot's delivery was not stored after all (a duplicate, a store error). */
    unreserve(): void {
      reserved--;
    },
    /** Runs a delivery stored as claimed by this worker, from memory: no claim to write, nothing to parse again. */
    handOver(delivery: Delivery, prepared?: unknown): void {
      reserved--;
      // Stopped meanwhile: give the lease back, for another worker (or this one, restarted) to claim.
      if (!running) void store.release(owner, [{ id: delivery.id, attempt: delivery.attempts }]).catch(() => undefined);
      else if (inFlight < settings.concurrency) start(delivery, prepared);
      else waiting.push({ delivery, prepared, claimedAt: now() });
    },
    leaseMs: settings.leaseMs,
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
      for (const w of waiting.splice(0)) left.push({ id: w.delivery.id, attempt: w.delivery.attempts });
      if (left.length > 0) await store.release(owner, left);
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
