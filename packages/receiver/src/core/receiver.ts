/**
 * The receiver's core, shared by every adapter and free of Node built-ins: authenticate on the headers
 * and then on the raw bytes, refuse what is not JSON, validate against the one message the discriminator
 * picks, store the delivery durably, and only then answer 200. Handlers run afterwards, in a worker that
 * claims deliveries from the store with a lease (this process by default; others too).
 *
 * What happens once, what may happen twice:
 * - Acceptance is exactly-once per delivery key: a delivery is stored at most once per provider and key
 *   (the store's unique index decides, also between instances); a retry or a copy is answered 200
 *   `duplicate` and never handled again. Every 200 means the delivery was committed (synced) first.
 * - Handling is at-least-once: handlers run once per delivery, unless a worker dies (or loses its lease)
 *   between starting them and recording the outcome; then they run again after the lease runs out, with
 *   the next attempt number. Failed attempts are retried with backoff. Handlers should therefore be
 *   idempotent on `context.idempotencyKey` (the delivery id, the same on every attempt).
 */
import { type MessageName, type NarrowedPayload, type ProviderName, type ValidationIssue, isProviderName, validators } from "@webhook-contracts/validators";
import { type Authenticator, type Headers, authenticators } from "./auth.js";
import { DEFAULT_MAX_DEPTH, decodeBody, rawValueAt, valueAt } from "./body.js";
import { type CryptoBackend, concat, createCrypto, toHex, utf8 } from "./crypto.js";
import { forwarder, readForwardHeaders } from "./forward.js";
import { type ConfigProblem, type Env, ReceiverConfigError, type ReceiverSettings, checkedSettings, defaultEnv } from "./settings.js";
import { type Delivery, type InboxStore, type NewDelivery, isRefusedByStore } from "./store.js";
import { type Abort, type AttemptReport, Permanent, createWorker, workerDefaults } from "./worker.js";

export interface ReceiverOptions extends ReceiverSettings {
  store: InboxStore;
  /** Where `{"env": "NAME"}` secrets are read (default process.env where there is one). */
  env?: Env;
  /** One event per request and per handling attempt: for logs and metrics. Never carries a secret. */
  onEvent?: (event: ReceiverEvent) => void;
  /** Clock (tests). */
  now?: () => number;
  /** Force a crypto backend (tests); by default node:crypto on Node, Web Crypto elsewhere. */
  crypto?: CryptoBackend;
}

export interface HandlerContext {
  delivery: Pick<Delivery, "id" | "provider" | "deliveryKey" | "receivedAt"> & { message: string };
  /** 1 on the first run; more after a failed attempt or a worker that died mid-run. */
  attempt: number;
  /** The same on every attempt of one delivery (its id): make side effects idempotent on it. */
  idempotencyKey: string;
  /** Aborted when the handler's time is up or the worker stops. */
  signal: AbortSignal;
  /** Tolerant-mode warnings: unknown new fields, unlisted values of open lists, inferred rules broken, unlisted transitions, an unknown message. */
  warnings: ValidationIssue[];
}

// Handlers see the provider's narrowed union (Amplia Reg: one variant per known status).
type Handler<P extends ProviderName, M extends MessageName<P>> = (event: NarrowedPayload<P, M>, context: HandlerContext) => unknown;
type AnyHandler<P extends ProviderName> = (event: NarrowedPayload<P>, message: MessageName<P>, context: HandlerContext) => unknown;
/** A message we have no schema for: checked only against what the provider's messages share; `name` is its discriminator's value. */
type UnknownHandler = (event: Record<string, unknown>, name: string, context: HandlerContext) => unknown;

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface RawRequest {
  method: string;
  /** Path (a query string is ignored). */
  path: string;
  /** Lower-case header names. */
  headers: Headers;
  body: Uint8Array;
}

export type RequestOutcome =
  | "accepted"
  | "duplicate"
  | "quarantined"
  | "rejected"
  | "unauthorized"
  | "not_found"
  | "method_not_allowed"
  | "unsupported_media_type"
  | "payload_too_large"
  | "timeout"
  | "unavailable"
  | "error";

export type ReceiverEvent =
  | { type: "request"; provider: string | null; message: string | null; outcome: RequestOutcome; status: number; ms: number; id?: string; reason?: string }
  | { type: "attempt"; provider: string; message: string | null; id: string; attempt: number; outcome: AttemptReport["outcome"]; ms: number; error?: string }
  | { type: "error"; where: string; message: string };

/** Where a request stands once its headers are in: ours (and authenticated so far), answered already, or not ours. */
export type Admission = { provider: ProviderName; started: number } | { answer: Answer; started: number } | { notOurs: true };

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

const PATH = /^\/webhooks\/([a-z0-9-]+)\/?$/;

const invalidReason = (provider: string, errors: readonly ValidationIssue[]) =>
  `invalid ${provider} payload: ${errors.map((e) => `${e.path || "(root)"} ${e.message}`).join("; ")}`.slice(0, 4000);

/** Why a valid delivery of a message we do not know waits in quarantine. */
const unhandledUnknown = (provider: string, name: string) =>
  `unknown ${provider} message "${name}" (new at the provider?): it has what all ${provider} messages share, but no handler asks for unknown messages (receiver.onUnknown); kept for replay`;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Text with what a store may refuse written as escapes (`\u0000`): a NUL (PostgreSQL's TEXT and JSONB
 * cannot hold one) and a lone surrogate (JSONB refuses its escape). Everything else is left as it is.
 */
const storable = (text: string) =>
  text.replace(/\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const storableValue = (value: unknown): unknown =>
  typeof value === "string"
    ? storable(value)
    : Array.isArray(value)
      ? value.map(storableValue)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storableValue(v)]))
        : value;

type Stored = Awaited<ReturnType<InboxStore["accept"]>>;

export function createReceiver(options: ReceiverOptions) {
  // What the settings schema checks: everything but the store and the hooks (unknown keys included, to be named).
  const { store, env: _env, onEvent: _onEvent, now: _now, crypto: _crypto, ...settings } = options;
  const problems: ConfigProblem[] = [];
  // Every secret read first, so that a value from the environment gets the checks its literal would.
  const { providers, forwardSecret } = checkedSettings(settings, options.env ?? defaultEnv(), problems);
  if (!store || typeof store.accept !== "function")
    problems.push({ path: "/store", message: "expected an inbox store (sqliteStore, postgresStore or your own InboxStore)" });
  const forwardHeaders =
    options.forward?.headers && problems.length === 0 ? readForwardHeaders(options.forward.headers, options.env ?? defaultEnv(), problems) : undefined;
  if (problems.length > 0) throw new ReceiverConfigError(problems);

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const crypto = createCrypto(options.crypto);
  // A key of this process, never stored: API keys are compared by their HMACs under it (no length leaks).
  const processKey = toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  const auth = authenticators(providers, crypto, processKey) as Partial<Record<ProviderName, Authenticator>>;
  const forward =
    options.forward && forwardSecret
      ? forwarder(
          {
            url: options.forward.url,
            secret: forwardSecret,
            ...(options.forward.timeoutMs ? { timeoutMs: options.forward.timeoutMs } : {}),
            ...(forwardHeaders ? { headers: forwardHeaders } : {}),
          },
          now,
        )
      : undefined;
  const handlers = new Map<string, ((event: unknown, context: HandlerContext) => unknown)[]>();
  const anyHandlers = new Map<string, ((event: unknown, message: string, context: HandlerContext) => unknown)[]>();
  const unknownHandlers = new Map<string, UnknownHandler[]>();
  /** Whether anything asks for a provider's unknown messages: a handler for them, or a forward target. */
  const takesUnknown = (provider: string) => unknownHandlers.has(provider) || forward !== undefined;

  const emit = (event: ReceiverEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A failing log line must not fail a delivery.
    }
  };

  /** What the receiving process made of a delivery, handed to its own worker so that nothing is done twice. */
  interface Prepared {
    text: string;
    result: ReturnType<(typeof validators)[ProviderName]["validate"]>;
  }

  /** Runs a delivery's handlers: what the worker calls, once per attempt. */
  async function run(delivery: Delivery, attempt: number, abort: Abort, prepared?: unknown): Promise<void> {
    let text: string;
    let result: Prepared["result"];
    if (prepared) ({ text, result } = prepared as Prepared);
    else {
      const decoded = decodeBody(delivery.body, maxDepth);
      if (!decoded.ok) throw new Permanent(`the stored body is not JSON: ${decoded.message}`);
      if (!isProviderName(delivery.provider)) throw new Permanent(`no validators for provider "${delivery.provider}"`);
      text = decoded.text;
      result = validators[delivery.provider].validate(decoded.value);
    }
    if (!result.ok) throw new Permanent(invalidReason(delivery.provider, result.errors));
    if (result.message === undefined && !takesUnknown(delivery.provider)) throw new Permanent(unhandledUnknown(delivery.provider, result.unknownMessage));
    const context: HandlerContext = {
      delivery: {
        id: delivery.id,
        provider: delivery.provider,
        message: result.message ?? result.unknownMessage,
        deliveryKey: delivery.deliveryKey,
        receivedAt: delivery.receivedAt,
      },
      attempt,
      idempotencyKey: delivery.id,
      get signal() {
        return abort.signal;
      },
      warnings: result.warnings,
    };
    if (result.message === undefined) {
      // Only the handlers that asked for unknown messages (the others are typed by messages we know), and
      // the forward target, which relays whatever the provider sends, flagged as unknown.
      for (const handler of unknownHandlers.get(delivery.provider) ?? []) await handler(result.value, result.unknownMessage, context);
      if (forward)
        await forward({ delivery, message: result.unknownMessage, unknown: true, payloadText: text, warnings: result.warnings, attempt, signal: abort.signal });
      return;
    }
    for (const handler of handlers.get(`${delivery.provider}\u0000${result.message}`) ?? []) await handler(result.value, context);
    for (const handler of anyHandlers.get(delivery.provider) ?? []) await handler(result.value, result.message, context);
    if (forward) await forward({ delivery, message: result.message, payloadText: text, warnings: result.warnings, attempt, signal: abort.signal });
  }

  const worker = createWorker(
    store,
    workerDefaults(typeof options.worker === "object" ? options.worker : {}),
    run,
    (r) =>
      emit({
        type: "attempt",
        provider: r.delivery.provider,
        message: r.delivery.message,
        id: r.delivery.id,
        attempt: r.attempt,
        outcome: r.outcome,
        ms: r.ms,
        ...(r.error ? { error: r.error } : {}),
      }),
    now,
  );
  const workerEnabled = options.worker !== false;

  let ready: Promise<void> | undefined;
  /** Once the store is initialised: a request then goes on without waiting a turn for a settled promise. */
  let isReady = false;
  /** Store initialised (and the worker started, unless disabled): on start(), or lazily on the first request. */
  const whenReady = () => {
    if (!ready) {
      ready = store.init().then(() => {
        isReady = true;
        if (workerEnabled) worker.start();
      });
      ready.catch(() => (ready = undefined)); // a store that was away may answer on the next try
    }
    return ready;
  };

  const answer = (status: number, body: Record<string, unknown>, headers?: Record<string, string>): Answer =>
    headers ? { status, body, headers } : { status, body };

  function finish(admitted: { started: number }, provider: string | null, message: string | null, outcome: RequestOutcome, result: Answer): Answer {
    const id = typeof result.body.id === "string" ? result.body.id : undefined;
    const reason =
      typeof result.body.reason === "string"
        ? result.body.reason
        : typeof result.body.message === "string" && result.status >= 400
          ? result.body.message
          : undefined;
    emit({
      type: "request",
      provider,
      message,
      outcome,
      status: result.status,
      ms: now() - admitted.started,
      ...(id ? { id } : {}),
      ...(reason ? { reason } : {}),
    });
    return result;
  }

  /**
   * The checks made on the request line and headers, before any of the body is read: the path, the
   * method, the content type, a declared length over the limit, and whatever authentication the headers
   * alone settle (API keys, Basic, a missing signature, a stale timestamp).
   */
  async function admit(method: string, path: string, headers: Headers): Promise<Admission> {
    const started = now();
    const match = PATH.exec(path.split("?")[0]!);
    const name = match?.[1];
    if (!name || !isProviderName(name) || !auth[name]) return { notOurs: true };
    const provider = name;
    const refuse = (status: number, outcome: RequestOutcome, body: Record<string, unknown>, h?: Record<string, string>) => ({
      answer: finish({ started }, provider, null, outcome, answer(status, body, h)),
      started,
    });
    if (method !== "POST")
      return refuse(405, "method_not_allowed", { error: "method_not_allowed", message: `${method} is not accepted: webhooks are POSTed` }, { allow: "POST" });
    const contentType = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    if (contentType !== "application/json") {
      return refuse(415, "unsupported_media_type", {
        error: "unsupported_media_type",
        message: `expected Content-Type application/json, received ${contentType ?? "none"}`,
      });
    }
    if (Number(headers["content-length"]) > maxBodyBytes) return refuse(413, "payload_too_large", tooLarge(maxBodyBytes).body, { connection: "close" });
    const checked = await auth[provider]!.checkHeaders(headers, now());
    if (!checked.ok) return refuse(401, "unauthorized", { error: "unauthorized", message: checked.reason });
    return { provider, started };
  }

  /** The answer for a request that is ours but never came in full (too large, too slow). */
  function refused(admitted: { provider: ProviderName; started: number }, kind: "payload_too_large" | "timeout"): Answer {
    const result =
      kind === "timeout"
        ? answer(408, { error: "request_timeout", message: `the body did not arrive within ${bodyTimeoutMs} ms` }, { connection: "close" })
        : tooLarge(maxBodyBytes);
    return finish(admitted, admitted.provider, null, kind, result);
  }

  /** A key made of the SHA-256 of some bytes: for bodies without a key of their own, and keys too long to keep. */
  const digestKey = async (bytes: Uint8Array) => `sha256:${toHex(await crypto.sha256(bytes))}`;

  /**
   * The delivery key: strings and safe integers as parsed; any other number as written in the raw text
   * (JSON.parse rounds ids past 2^53, so two of them could collide); objects hashed.
   */
  function keyOf(provider: ProviderName, message: string | undefined, value: unknown, text: string, bytes: Uint8Array): string | Promise<string> {
    // Nearly every key is strings and safe integers, settled here without a turn of the event loop.
    const parts: string[] = [];
    const pointers = validators[provider].deliveryKeyPointers(message);
    for (const pointer of pointers) {
      const part = plainPart(valueAt(value, pointer));
      if (part === undefined) return hashedKeyOf(pointers, value, text, bytes);
      parts.push(part);
    }
    return joinedKey(parts);
  }

  /** The key of a delivery some of whose key values are neither strings nor safe integers. */
  async function hashedKeyOf(pointers: readonly string[], value: unknown, text: string, bytes: Uint8Array): Promise<string> {
    const parts: string[] = [];
    for (const pointer of pointers) {
      const parsed = valueAt(value, pointer);
      const part = plainPart(parsed);
      if (part !== undefined) {
        parts.push(part);
        continue;
      }
      const raw = parsed === undefined || parsed === null ? undefined : rawValueAt(text, pointer);
      if (raw === undefined || raw === "null") return digestKey(bytes);
      const first = raw.charCodeAt(0);
      parts.push(first === 123 || first === 91 ? `"sha256:${toHex(await crypto.sha256(utf8(raw)))}"` : raw);
    }
    return joinedKey(parts);
  }

  /** A key value as it is written in the key when it needs neither its raw text nor a hash: a string or a safe integer. */
  const plainPart = (parsed: unknown) => (typeof parsed === "string" ? JSON.stringify(parsed) : Number.isSafeInteger(parsed) ? String(parsed) : undefined);
  const joinedKey = (parts: readonly string[]) => {
    const key = `[${parts.join(",")}]`;
    return key.length <= 512 ? key : digestKey(utf8(key));
  };

  /**
   * What became of a delivery given to the store: stored (or a duplicate); or refused by the store (a
   * value it cannot hold), and then kept in a form it accepts, as rejected (`stored`), unless it refused
   * that too (no `stored`: nothing of it could be kept).
   */
  type Kept = { stored: Stored; refused?: undefined } | { stored?: Stored; refused: string; message: string | null };

  /**
   * Stores a delivery. One the store refuses fails alone and never with a 503 (the provider would retry
   * it forever): it is kept as rejected, its body as it came, what the store may have refused escaped
   * (message, reason, warnings), under the same key, so that its retries are duplicates of it.
   */
  async function keep(delivery: NewDelivery): Promise<Kept> {
    let refusal: string;
    try {
      return { stored: await store.accept(delivery) };
    } catch (error) {
      if (!isRefusedByStore(error)) throw error;
      refusal = storable(errorText(error));
    }
    const was = delivery.reason === null ? "" : `; it was to be ${delivery.status}: ${storable(delivery.reason)}`;
    const refused = `the inbox could not store it as it came (${refusal}): kept with its body as it came and the text the inbox refused escaped${was}`;
    const message = delivery.message === null ? null : storable(delivery.message);
    const safe: NewDelivery = {
      provider: delivery.provider,
      deliveryKey: delivery.deliveryKey,
      message,
      status: "rejected",
      reason: refused.slice(0, 4000),
      warnings: storableValue(delivery.warnings) as NewDelivery["warnings"],
      headers: storableValue(delivery.headers) as NewDelivery["headers"],
      body: delivery.body,
    };
    try {
      return { stored: await store.accept(safe), refused, message };
    } catch (error) {
      if (!isRefusedByStore(error)) throw error;
      emit({ type: "error", where: "store", message: `a ${delivery.provider} delivery could not be stored in any form: ${errorText(error)}` });
      return { refused: `the inbox could not store it (${refusal}), nor a form of it with that text escaped (${storable(errorText(error))})`, message };
    }
  }

  /**
   * The answer for a delivery the store refused: 400, as for a body that is not JSON (it will never be
   * handled, and the provider's dashboard should say so), with the id it is kept under. A retry of one
   * whose key is stored as a delivery that was not refused is a duplicate of it, as any retry is.
   */
  function answerRefused(admitted: { provider: ProviderName; started: number }, kept: Kept & { refused: string }): Answer {
    const { provider } = admitted;
    if (kept.stored && !kept.stored.inserted && kept.stored.status !== "rejected")
      return finish(admitted, provider, kept.message, "duplicate", answer(200, { status: "duplicate", id: kept.stored.id }));
    const body = { error: "unstorable", message: kept.refused, ...(kept.stored ? { id: kept.stored.id } : {}) };
    return finish(admitted, provider, kept.message, "rejected", answer(400, body));
  }

  /** Everything after the body is in: authenticate the bytes, read them, store the delivery, answer. */
  async function receive(admitted: { provider: ProviderName; started: number }, headers: Headers, body: Uint8Array): Promise<Answer> {
    const { provider } = admitted;
    if (body.byteLength > maxBodyBytes) return refused(admitted, "payload_too_large");
    const authenticator = auth[provider]!;
    const checked = await authenticator.checkBody(headers, body);
    if (!checked.ok) return finish(admitted, provider, null, "unauthorized", answer(401, { error: "unauthorized", message: checked.reason }));

    const kept: Record<string, string> = {};
    for (const name of authenticator.keptHeaders) if (headers[name] !== undefined) kept[name] = headers[name]!;
    try {
      if (!isReady) await whenReady();
      const decoded = decodeBody(body, maxDepth);
      if (!decoded.ok) {
        // Authenticated, so it is the provider's: kept (once per distinct body), and the provider is told why.
        const { error, message: reason, ...where } = decoded;
        const key = await digestKey(body);
        const rejected = await keep({ provider, deliveryKey: key, message: null, status: "rejected", reason, warnings: [], headers: kept, body });
        if (rejected.refused !== undefined) return answerRefused(admitted, rejected);
        return finish(admitted, provider, null, "rejected", answer(400, { error, message: reason, ...where, id: rejected.stored.id }));
      }
      let delivery: NewDelivery;
      let message: string | undefined;
      let prepared: Prepared | undefined;
      try {
        const result = validators[provider].validate(decoded.value);
        message = result.message ?? validators[provider].messageOf(decoded.value);
        const key = keyOf(provider, message, decoded.value, decoded.text, body);
        const base = {
          provider,
          deliveryKey: typeof key === "string" ? key : await key,
          message: message ?? null,
          warnings: result.warnings,
          headers: kept,
          body,
        };
        delivery = !result.ok
          ? { ...base, status: "quarantined", reason: invalidReason(provider, result.errors) }
          : result.message === undefined && !takesUnknown(provider)
            ? { ...base, status: "quarantined", reason: unhandledUnknown(provider, result.unknownMessage) }
            : { ...base, status: "queued", reason: null };
        if (delivery.status === "queued") prepared = { text: decoded.text, result };
      } catch (error) {
        // Whatever goes wrong reading it, the delivery is kept, with the reason, for a person to look at.
        const key = await digestKey(body);
        delivery = {
          provider,
          deliveryKey: key,
          message: message ?? null,
          status: "quarantined",
          reason: `could not be processed: ${errorText(error)}`,
          warnings: [],
          headers: kept,
          body,
        };
      }
      // With room in this process's worker, the delivery is stored already claimed by it and handed over
      // in memory: one write per delivery instead of an insert and then a claim.
      const owned = delivery.status === "queued" && store.leasesOnAccept === true && worker.reserve();
      if (owned) delivery.lease = { owner: worker.owner, ms: worker.leaseMs };
      let outcome: Kept;
      try {
        outcome = await keep(delivery);
      } catch (error) {
        if (owned) worker.unreserve();
        throw error;
      }
      if (outcome.refused !== undefined) {
        if (owned) worker.unreserve();
        return answerRefused(admitted, outcome);
      }
      const { stored } = outcome;
      if (!stored.inserted) {
        if (owned) worker.unreserve();
        return finish(admitted, provider, delivery.message, "duplicate", answer(200, { status: "duplicate", id: stored.id }));
      }
      if (delivery.status === "queued") {
        if (owned) worker.handOver(claimedDelivery(delivery, stored.id, stored.receivedAt), prepared);
        else worker.notify();
        return finish(
          admitted,
          provider,
          delivery.message,
          "accepted",
          answer(200, { status: "accepted", id: stored.id, message: delivery.message, warnings: delivery.warnings.length }),
        );
      }
      return finish(
        admitted,
        provider,
        delivery.message,
        "quarantined",
        answer(200, { status: "quarantined", id: stored.id, message: delivery.message, reason: delivery.reason }),
      );
    } catch (error) {
      // The store is away: nothing was acknowledged, so the provider's retry will bring it again.
      emit({ type: "error", where: "store", message: errorText(error) });
      return finish(
        admitted,
        provider,
        null,
        "unavailable",
        answer(503, { error: "unavailable", message: "the inbox is not reachable; retry later" }, { "retry-after": "5" }),
      );
    }
  }

  /** The whole request at once (adapters that have the body already, tests). */
  async function handle(request: RawRequest): Promise<Answer> {
    const admitted = await admit(request.method, request.path, request.headers);
    if ("notOurs" in admitted) return notFound(request.path, Object.keys(auth));
    if ("answer" in admitted) return admitted.answer;
    return receive(admitted, request.headers, request.body);
  }

  /** A fetch-style handler: Bun, Deno, Hono, Cloudflare-style workers. */
  async function fetchHandler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
    const admitted = await admit(request.method, url.pathname, headers);
    let result: Answer;
    if ("notOurs" in admitted) result = notFound(url.pathname, Object.keys(auth));
    else if ("answer" in admitted) result = admitted.answer;
    else {
      const body = await readLimited(request, maxBodyBytes, bodyTimeoutMs);
      result = typeof body === "string" ? refused(admitted, body) : await receive(admitted, headers, body);
    }
    return new Response(JSON.stringify(result.body), { status: result.status, headers: { "content-type": "application/json", ...result.headers } });
  }

  /**
   * Queues a stored delivery again, once its schema or handler is fixed: it is validated now, and queued
   * only if valid (a still-invalid one stays quarantined with the new reason). A handled delivery is
   * queued again only with `force` (its handlers then run again); a rejected one never (it is not JSON, or
   * holds a value the inbox could not keep).
   * It never marks anything handled: the worker does, after running the handlers.
   */
  async function replay(id: string, { force = false }: { force?: boolean } = {}): Promise<Answer> {
    await whenReady();
    const delivery = await store.get(id);
    if (!delivery) return answer(404, { error: "not_found", message: `no delivery ${id}` });
    const conflict = (message: string) => answer(409, { error: "conflict", id, status: delivery.status, message });
    switch (delivery.status) {
      case "rejected":
        // Not JSON, or holding what the inbox could not keep: its reason says which.
        return conflict(`not replayable: it was rejected (${delivery.reason})`);
      case "queued":
      case "processing":
        return conflict(`already ${delivery.status}: a worker will run it`);
      case "handled":
        if (!force) return conflict("already handled; replay with force to run its handlers again");
    }
    const decoded = decodeBody(delivery.body, maxDepth);
    const result = decoded.ok && isProviderName(delivery.provider) ? validators[delivery.provider].validate(decoded.value) : undefined;
    if (!result?.ok || (result.message === undefined && !takesUnknown(delivery.provider))) {
      const reason = !decoded.ok
        ? decoded.message
        : !result
          ? `no validators for provider "${delivery.provider}"`
          : !result.ok
            ? invalidReason(delivery.provider, result.errors)
            : unhandledUnknown(delivery.provider, result.unknownMessage);
      await store.requarantine(id, reason, result?.message ?? delivery.message);
      return answer(200, { status: "quarantined", id, reason });
    }
    // The message today's contract names: one unknown when the delivery came may be known now.
    const message = result.message ?? validators[delivery.provider as ProviderName].messageOf(decoded.ok ? decoded.value : undefined) ?? null;
    if (!(await store.requeue(id, force ? ["quarantined", "handled"] : ["quarantined"], message))) return conflict("its status changed meanwhile");
    worker.notify();
    return answer(200, { status: "queued", id, message: result.message });
  }

  return {
    /** Runs `handler` for every valid delivery of one message, typed by its contract. */
    on<P extends ProviderName, M extends MessageName<P>>(provider: P, message: M, handler: Handler<P, M>) {
      const key = `${provider}\u0000${message}`;
      handlers.set(key, [...(handlers.get(key) ?? []), handler as (event: unknown, context: HandlerContext) => unknown]);
      return this;
    },
    /** Runs `handler` for every valid delivery of a provider, whatever its message (of those we know). */
    onAny<P extends ProviderName>(provider: P, handler: AnyHandler<P>) {
      anyHandlers.set(provider, [...(anyHandlers.get(provider) ?? []), handler as (event: unknown, message: string, context: HandlerContext) => unknown]);
      return this;
    },
    /**
     * Runs `handler` for every delivery of a message we have no schema for (a status or event type the
     * provider added since), once it has what all of the provider's messages share. No other handler
     * sees such a delivery (a forward target relays it, flagged `"unknownMessage": true`); without a
     * handler here or a forward target it stays quarantined, to be replayed.
     */
    onUnknown(provider: ProviderName, handler: UnknownHandler) {
      unknownHandlers.set(provider, [...(unknownHandlers.get(provider) ?? []), handler]);
      return this;
    },
    /** The configured providers, by their paths' names. */
    providers: Object.keys(auth) as ProviderName[],
    maxBodyBytes,
    bodyTimeoutMs,
    admit,
    receive,
    refused,
    handle,
    fetch: fetchHandler,
    replay,
    /** Replays every quarantined delivery (see replay); returns their ids with the new outcome. */
    async replayQuarantined(): Promise<{ id: string; answer: Answer }[]> {
      await whenReady();
      const out = [];
      for (const d of await store.list({ status: "quarantined" })) out.push({ id: d.id, answer: await replay(d.id) });
      return out;
    },
    /** Initialises the store (migrations) and starts the worker, unless `worker: false`. */
    start: whenReady,
    /** Claims and handles every due delivery until none is left (a cron job where no worker runs; tests). */
    async runDue(): Promise<void> {
      await store.init();
      await worker.runDue();
    },
    /**
     * Stops the worker: no new claims, the deliveries in hand finish (up to `graceMs`, default the handler
     * timeout), then the leases of any still running are given back. The store stays open (it is yours).
     */
    async stop(graceMs?: number): Promise<void> {
      await worker.stop(graceMs);
    },
    /** This process's worker: its lease owner name and how many deliveries it has in hand. */
    worker: {
      get owner() {
        return worker.owner;
      },
      get inFlight() {
        return worker.inFlight;
      },
    },
    store,
  };
}

export type Receiver = ReturnType<typeof createReceiver>;

/** The delivery as the store now holds it: claimed by this process's worker, attempt 1. */
function claimedDelivery(d: NewDelivery, id: string, receivedAt: string): Delivery {
  return {
    id,
    provider: d.provider,
    deliveryKey: d.deliveryKey,
    message: d.message,
    status: "processing",
    reason: null,
    warnings: d.warnings,
    headers: d.headers,
    body: d.body,
    receivedAt,
    dueAt: null,
    attempts: 1,
    lastError: null,
    handledAt: null,
  };
}

export function notFound(path: string, providers: readonly string[]): Answer {
  return { status: 404, body: { error: "not_found", message: `no webhook endpoint at ${path.split("?")[0]}: expected /webhooks/<${providers.join("|")}>` } };
}

function tooLarge(limit: number): Answer {
  return { status: 413, headers: { connection: "close" }, body: { error: "payload_too_large", message: `the body is over ${limit} bytes` } };
}

/** The body of a fetch Request, or why not: over the limit, or not in full within the time. */
async function readLimited(request: Request, limit: number, timeoutMs: number): Promise<Uint8Array | "payload_too_large" | "timeout"> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "timeout") {
        void reader.cancel().catch(() => undefined);
        return "timeout";
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => undefined);
        return "payload_too_large";
      }
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return concat(chunks);
}
