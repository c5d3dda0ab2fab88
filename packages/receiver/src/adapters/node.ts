/**
 * The receiver on Node's http server, and as Express or Connect middleware: `(req, res, next?)`. Paths
 * that are not a configured provider's go to `next()` (or get 404 without it). The body is read here,
 * after the headers passed the receiver's checks, with the size limit and the time limit; a body some
 * parser read already is used when its raw bytes were kept (express.raw, or a `rawBody` Buffer), and
 * refused with a clear error when only a parsed copy is left (signatures are on the raw bytes).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Answer, type Receiver, notFound } from "../core/receiver.js";

type Next = (error?: unknown) => void;

/** What body parsers leave on a request. */
interface ParsedRequest extends IncomingMessage {
  body?: unknown;
  rawBody?: unknown;
  _body?: boolean;
}

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: Next) => void;

/**
 * Room for the bytes of one request's body, held before its signature is checked (a signature covers the
 * whole body, so the body is buffered first): what bounds the memory a stranger with a well-formed but
 * false signature can take. The gateway keeps one budget per source address and one in all.
 */
export interface BodyBudget {
  /** Room for `bytes` more: undefined when granted, else the answer that refuses the request (it is then closed, unread). */
  take(bytes: number): Answer | undefined;
  /** Gives back all this request took; called once, when its answer is sent or its connection closes. */
  release(): void;
}

export interface NodeMiddlewareOptions {
  /** A budget for each request that passed the checks on its headers, before its body is read (default: none, bounded by maxBodyBytes only). */
  bodyBudget?: (req: IncomingMessage) => BodyBudget;
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

const asBytes = (value: unknown): Uint8Array | undefined => (value instanceof Uint8Array ? value : undefined);

export function createNodeMiddleware(receiver: Receiver, options: NodeMiddlewareOptions = {}): NodeMiddleware {
  return (req, res, next) => {
    const request = req as ParsedRequest;
    const headers = flatHeaders(req);
    const url = req.url ?? "/";
    receiver.admit(req.method ?? "GET", url, headers).then((admitted) => {
      if ("notOurs" in admitted) {
        if (next) return next();
        req.resume();
        return send(res, notFound(url, receiver.providers));
      }
      if ("answer" in admitted) {
        // Refused before the body: it is not read (a large one is not even waited for).
        if (admitted.answer.headers?.connection === "close") res.once("finish", () => req.destroy());
        req.resume();
        return send(res, admitted.answer);
      }
      const kept = asBytes(request.rawBody) ?? asBytes(request.body);
      if (kept) return void receiver.receive(admitted, headers, kept).then((a) => send(res, a), fail);
      if (request._body || req.readableEnded || (request.body !== undefined && typeof request.body === "object")) {
        return send(res, {
          status: 500,
          body: {
            error: "body_already_read",
            message:
              'the request body was read by another middleware (express.json()?) and its raw bytes were not kept; signatures are checked on the raw bytes: mount the receiver before body parsers, or use express.raw({ type: "application/json" }) on its paths',
          },
        });
      }
      const budget = options.bodyBudget?.(req);
      if (budget) {
        res.once("close", () => budget.release());
        // The declared length is taken before a byte is read: over the budget, the body is never buffered.
        const refusal = budget.take(Number(headers["content-length"]) || 0);
        if (refusal) {
          res.once("finish", () => req.destroy());
          return send(res, refusal);
        }
      }
      readBody(req, receiver.maxBodyBytes, receiver.bodyTimeoutMs, budget).then((body) => {
        if (body instanceof Uint8Array) return receiver.receive(admitted, headers, body).then((a) => send(res, a));
        res.once("finish", () => req.destroy());
        return send(res, typeof body === "string" ? receiver.refused(admitted, body) : body.refused);
      }, fail);
    }, fail);

    function fail(error: unknown) {
      send(res, { status: 500, body: { error: "internal", message: error instanceof Error ? error.message : String(error) } });
    }
  };
}

type BodyRead = Uint8Array | "payload_too_large" | "timeout" | { refused: Answer };

/**
 * The body, or why not: over the limit (refused as soon as the stream passes it), not in full in time, or
 * over the budget (a body longer than it declared, or sent without a length, takes its room as it comes).
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number, budget: BodyBudget | undefined): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let room = Number(req.headers["content-length"]) || 0;
    const done = (result: BodyRead) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError);
      if (!(result instanceof Uint8Array)) req.pause();
      resolve(result);
    };
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done("payload_too_large");
      if (budget && size > room) {
        const refused = budget.take(size - room);
        if (refused) return done({ refused });
        room = size;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}
