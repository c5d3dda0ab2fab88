/**
 * The receiver: authenticate on the raw bytes, store the delivery durably, answer; validate it against its
 * contract and run its handler exactly once per delivery key. A delivery that fails validation, or whose
 * handler throws, stays in the inbox (quarantined) and is still answered 200, so the provider does not retry
 * into the void; replay() runs it again once the schema or the handler is fixed.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type MessageName,
  type NarrowedPayload,
  type ProviderName,
  type ValidationIssue,
  isProviderName,
  validators,
} from "@webhook-contracts/validators";
import { type Headers, type ProvidersConfig, authenticate } from "./auth.js";
import { parseJson } from "./json.js";
import type { Delivery, InboxStore } from "./store.js";

export interface ReceiverOptions {
  store: InboxStore;
  /** The providers to accept and how each authenticates; any other path answers 404. */
  providers: ProvidersConfig;
  /** Bodies over this are refused with 413 without being read in full (default 1 MiB). */
  maxBodyBytes?: number;
  /** Clock for signature timestamps (tests). */
  now?: () => number;
}

export interface HandlerContext {
  delivery: Pick<Delivery, "id" | "provider" | "deliveryKey" | "receivedAt">;
  /** Tolerant-mode warnings: unknown new fields, unlisted code-list values. */
  warnings: ValidationIssue[];
}

// Handlers see the provider's narrowed union (Amplia Reg: previousStatus narrowed by status).
type Handler<P extends ProviderName, M extends MessageName<P>> = (event: NarrowedPayload<P, M>, context: HandlerContext) => unknown;
type AnyHandler<P extends ProviderName> = (event: NarrowedPayload<P>, message: MessageName<P>, context: HandlerContext) => unknown;

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

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const PATH = /^\/webhooks\/([a-z0-9-]+)\/?$/;

export function createReceiver(options: ReceiverOptions) {
  const { store, providers } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? Date.now;
  const handlers = new Map<string, (event: unknown, context: HandlerContext) => unknown>();
  const anyHandlers = new Map<string, (event: unknown, message: string, context: HandlerContext) => unknown>();

  /** Which configured provider a path is for, or an answer that says why none. */
  function route(method: string, path: string): { provider: ProviderName } | Answer {
    const match = PATH.exec(path.split("?")[0]!);
    const provider = match?.[1];
    if (!provider || !isProviderName(provider) || !providers[provider]) {
      return { status: 404, body: { error: "not_found", message: `no webhook endpoint at ${path}: expected /webhooks/<${Object.keys(providers).join("|")}>` } };
    }
    if (method !== "POST") return { status: 405, headers: { allow: "POST" }, body: { error: "method_not_allowed", message: `${method} is not accepted: webhooks are POSTed` } };
    return { provider };
  }

  /** Validates a stored delivery and runs its handlers; records the outcome. */
  async function process(delivery: Delivery, value: unknown): Promise<Answer> {
    const provider = delivery.provider as ProviderName;
    const result = validators[provider].validate(value);
    const message = result.message ?? null;
    if (!result.ok) {
      const reason = `invalid ${provider} payload: ${result.errors.map((e) => `${e.path || "(root)"} ${e.message}`).join("; ")}`;
      await store.update(delivery.id, { status: "quarantined", reason, message });
      return { status: 200, body: { status: "quarantined", id: delivery.id, reason } };
    }
    const context: HandlerContext = { delivery: { id: delivery.id, provider, deliveryKey: delivery.deliveryKey, receivedAt: delivery.receivedAt }, warnings: result.warnings };
    try {
      await handlers.get(`${provider}\u0000${result.message}`)?.(result.value, context);
      await anyHandlers.get(provider)?.(result.value, result.message, context);
    } catch (error) {
      const reason = `handler failed: ${error instanceof Error ? error.message : String(error)}`;
      await store.update(delivery.id, { status: "quarantined", reason, message, handled: true });
      return { status: 200, body: { status: "quarantined", id: delivery.id, reason } };
    }
    await store.update(delivery.id, { status: "handled", reason: null, message, handled: true });
    return { status: 200, body: { status: "handled", id: delivery.id, message: result.message, warnings: result.warnings.length } };
  }

  /** Everything after the bytes are in: the core of both adapters. */
  async function handle(request: RawRequest): Promise<Answer> {
    const routed = route(request.method, request.path);
    if ("status" in routed) return routed;
    const { provider } = routed;
    const contentType = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    if (contentType !== "application/json") {
      return { status: 415, body: { error: "unsupported_media_type", message: `expected Content-Type application/json, received ${contentType ?? "none"}` } };
    }
    if (request.body.byteLength > maxBodyBytes) return tooLarge(maxBodyBytes);
    const auth = authenticate(provider, providers, request.headers, request.body, now());
    if (!auth.ok) return { status: 401, body: { error: "unauthorized", message: auth.reason } };

    const text = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString("utf8");
    const headers = Object.fromEntries(Object.entries(request.headers).filter((e): e is [string, string] => typeof e[1] === "string"));
    const parsed = parseJson(text);
    if (!parsed.ok) {
      // Authenticated, so it is the provider's: kept (rejected), and the provider is told where the JSON breaks.
      const stored = await store.insert({ provider, deliveryKey: null, message: null, status: "rejected", reason: parsed.error.message, headers, body: text });
      return { status: 400, body: { error: "malformed_json", message: parsed.error.message, line: parsed.error.line, column: parsed.error.column, position: parsed.error.position, id: stored.id } };
    }
    const deliveryKey = validators[provider].deliveryKeyOf(parsed.value) ?? null;
    const stored = await store.insert({ provider, deliveryKey, message: null, status: "received", reason: null, headers, body: text });
    if (!stored.inserted) return { status: 200, body: { status: "duplicate", id: stored.id } };
    const delivery = (await store.get(stored.id))!;
    return process(delivery, parsed.value);
  }

  /** Node's http request listener; works as Express or Connect middleware too. */
  function nodeListener(req: IncomingMessage, res: ServerResponse): void {
    const send = (answer: Answer) => {
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.body));
    };
    const routed = route(req.method ?? "GET", req.url ?? "/");
    if ("status" in routed) {
      req.resume();
      return send(routed);
    }
    const declared = Number(req.headers["content-length"]);
    if (declared > maxBodyBytes) {
      // Refused on the declared length: the body is not read.
      res.setHeader("connection", "close");
      req.resume();
      return send(tooLarge(maxBodyBytes));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        res.setHeader("connection", "close");
        send(tooLarge(maxBodyBytes));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (refused) return;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
      handle({ method: req.method ?? "GET", path: req.url ?? "/", headers, body: Buffer.concat(chunks) }).then(send, (error: unknown) => {
        send({ status: 500, body: { error: "internal", message: error instanceof Error ? error.message : String(error) } });
      });
    });
  }

  /** A fetch-style handler: Bun, Deno, Hono, edge runtimes. */
  async function fetchHandler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
    const routed = route(request.method, url.pathname);
    let answer: Answer;
    if ("status" in routed) answer = routed;
    else if (Number(headers["content-length"]) > maxBodyBytes) answer = tooLarge(maxBodyBytes);
    else {
      const body = await readLimited(request, maxBodyBytes);
      answer = body ? await handle({ method: request.method, path: url.pathname, headers, body }) : tooLarge(maxBodyBytes);
    }
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json", ...answer.headers } });
  }

  /** Runs a stored delivery again (after its schema or handler was fixed). */
  async function replay(id: string): Promise<Answer> {
    const delivery = await store.get(id);
    if (!delivery) return { status: 404, body: { error: "not_found", message: `no delivery ${id}` } };
    const parsed = parseJson(delivery.body);
    if (!parsed.ok) return { status: 400, body: { error: "malformed_json", message: parsed.error.message, id } };
    return process(delivery, parsed.value);
  }

  return {
    /** Runs `handler` for every valid delivery of one message, typed by its contract. */
    on<P extends ProviderName, M extends MessageName<P>>(provider: P, message: M, handler: Handler<P, M>) {
      handlers.set(`${provider}\u0000${message}`, handler as (event: unknown, context: HandlerContext) => unknown);
      return this;
    },
    /** Runs `handler` for every valid delivery of a provider, whatever its message. */
    onAny<P extends ProviderName>(provider: P, handler: AnyHandler<P>) {
      anyHandlers.set(provider, handler as (event: unknown, message: string, context: HandlerContext) => unknown);
      return this;
    },
    handle,
    nodeListener,
    fetch: fetchHandler,
    replay,
    /** Replays every quarantined delivery; returns their ids with the new outcome. */
    async replayQuarantined(): Promise<{ id: string; answer: Answer }[]> {
      const out = [];
      for (const d of await store.list({ status: "quarantined" })) out.push({ id: d.id, answer: await replay(d.id) });
      return out;
    },
    /** Processes deliveries stored but never handled (the process stopped in between): call at start. */
    async resume(): Promise<number> {
      const pending = await store.list({ status: "received" });
      for (const d of pending) await replay(d.id);
      return pending.length;
    },
  };
}

export type Receiver = ReturnType<typeof createReceiver>;

function tooLarge(limit: number): Answer {
  return { status: 413, headers: { connection: "close" }, body: { error: "payload_too_large", message: `the body is over ${limit} bytes` } };
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
