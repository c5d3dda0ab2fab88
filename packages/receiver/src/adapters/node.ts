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

export function createNodeMiddleware(receiver: Receiver): NodeMiddleware {
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
      readBody(req, receiver.maxBodyBytes, receiver.bodyTimeoutMs).then((body) => {
        if (typeof body === "string") {
          res.once("finish", () => req.destroy());
          return send(res, receiver.refused(admitted, body));
        }
        return receiver.receive(admitted, headers, body).then((a) => send(res, a));
      }, fail);
    }, fail);

    function fail(error: unknown) {
      send(res, { status: 500, body: { error: "internal", message: error instanceof Error ? error.message : String(error) } });
    }
  };
}

/** The body, or why not: over the limit (refused as soon as the stream passes it), or not in full in time. */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Uint8Array | "payload_too_large" | "timeout"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Uint8Array | "payload_too_large" | "timeout") => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError);
      if (typeof result === "string") req.pause();
      resolve(result);
    };
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done("payload_too_large");
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
