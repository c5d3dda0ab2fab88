/**
 * The gateway's handler: each valid delivery POSTed to an internal URL, signed with the Standard Webhooks
 * scheme (webhook-id, webhook-timestamp, webhook-signature), so that the service behind verifies it with
 * any Standard Webhooks library. Signing is the `standardwebhooks` reference library's own, so sign and
 * verify cannot disagree. A 2xx answer means handled; anything else fails the attempt, which the worker
 * retries: a redirect too (it is never followed: a 302 would turn the POST into a bodiless GET, and a 307
 * would re-send the signed payload wherever the target points), and no whole answer in time. Only the
 * first few KiB of an answer are read (the reason quotes them): a target cannot make us read a gigabyte.
 */
import type { ValidationIssue } from "@webhook-contracts/validators";
import { Webhook } from "standardwebhooks";
import type { SecretSource } from "./auth.js";
import { type ConfigProblem, type Env, readSecret } from "./settings.js";
import type { Delivery } from "./store.js";
import { escapePointerSegment } from "./pointer.js";

export interface ForwardTarget {
  url: string;
  /** `whsec_` + base64, read already. */
  secret: string;
  /** The whole exchange, the answer's body included, must end within this (default 10000). */
  timeoutMs?: number;
  /** Sent with every forward (the target's own authentication), read already; never logged. */
  headers?: Record<string, string>;
}

/** What the forwarder sets itself: a configured header must not replace the signature or the framing. */
const OWN_HEADERS = [
  "content-type",
  "content-length",
  "transfer-encoding",
  "connection",
  "host",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible characters, spaces and tabs inside; no line break (it would end the header), no space at either end. */
const HEADER_VALUE = /^[\x21-\x7e\x80-\xff]([\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?$/;

/**
 * The forward target's headers (forward.headers), their secrets read: each name a header the forwarder
 * does not set itself, each value one a header can carry. A problem names the header, never its value.
 */
export function readForwardHeaders(headers: Readonly<Record<string, SecretSource>>, env: Env, problems: ConfigProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(headers)) {
    const path = `/forward/headers/${escapePointerSegment(name)}`;
    if (!TOKEN.test(name)) problems.push({ path, message: "not a header name (letters, digits and !#$%&'*+.^_`|~- only)" });
    else if (OWN_HEADERS.includes(name.toLowerCase()))
      problems.push({ path, message: `set by the gateway itself (${OWN_HEADERS.join(", ")}); pick another header` });
    const value = readSecret(source, path, env, problems);
    if (value !== "" && !HEADER_VALUE.test(value))
      problems.push({ path, message: "not a header value: it holds a line break or another control character, or starts or ends with a space" });
    out[name.toLowerCase()] = value;
  }
  return out;
}

/** How much of an answer's body is read (for the reason of a failed attempt); the rest is never fetched. */
export const ANSWER_READ_BYTES = 4096;

/** `scheme://user:password@` in any text: what a URL's userinfo looks like wherever a URL is printed. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/**
 * The text with the userinfo (`user:password@`) of every URL in it removed: what errors, logs, metrics and
 * the inbox's reasons may show of a URL. A password in a URL must not reach any of them.
 */
export function withoutUserinfo(text: string): string {
  return text.replace(USERINFO, "$1");
}

/**
 * Reads a body up to `cap` bytes, then cancels the rest (the connection is closed rather than drained).
 * Rejects with the signal's reason when it aborts first.
 */
async function readCapped(body: ReadableStream<Uint8Array> | null, cap: number, signal: AbortSignal): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  // A pending read ends (done) once cancelled: the deadline stops a body that stalls as well as one that never ends.
  const stop = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener("abort", stop, { once: true });
  const decoder = new TextDecoder();
  let text = "";
  let read = 0;
  try {
    while (read < cap) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value.subarray(0, cap - read), { stream: true });
      read += value.byteLength;
    }
    if (signal.aborted) throw signal.reason;
    if (read >= cap) await reader.cancel().catch(() => undefined);
    return text + decoder.decode();
  } finally {
    signal.removeEventListener("abort", stop);
    reader.releaseLock();
  }
}

export interface Forwarded {
  delivery: Delivery;
  message: string;
  /** The message is one we have no schema for (`message` is its discriminator's value). */
  unknown?: boolean;
  /** The payload's JSON text as it came (numbers exactly as written). */
  payloadText: string;
  warnings: readonly ValidationIssue[];
  attempt: number;
  signal: AbortSignal;
}

/**
 * The forwarded body: `{"id", "provider", "message", "receivedAt", "attempt", "warnings", "payload"}`, with
 * `"unknownMessage": true` after `message` for a message we have no schema for.
 * The payload is spliced in as the provider wrote it, not re-serialised, so a big integer stays exact.
 */
export function forwardBody(f: Omit<Forwarded, "signal">): string {
  const { delivery } = f;
  const head = JSON.stringify({
    id: delivery.id,
    provider: delivery.provider,
    message: f.message,
    ...(f.unknown ? { unknownMessage: true } : {}),
    receivedAt: delivery.receivedAt,
    attempt: f.attempt,
    warnings: f.warnings,
  });
  return `${head.slice(0, -1)},"payload":${f.payloadText}}`;
}

export function forwarder(target: ForwardTarget, now: () => number = Date.now) {
  const webhook = new Webhook(target.secret);
  const timeoutMs = target.timeoutMs ?? 10_000;
  const shown = withoutUserinfo(target.url);
  const failed = (error: unknown) => {
    if ((error as Error | undefined)?.name === "TimeoutError") return `no whole answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    return withoutUserinfo(cause?.code ?? cause?.message ?? (error as Error | undefined)?.message ?? String(error));
  };
  return async (f: Forwarded): Promise<void> => {
    const body = forwardBody(f);
    const timestamp = new Date(now());
    // One deadline for the whole exchange: connecting, sending, the answer's head and the part of its body we read.
    const signal = AbortSignal.any([f.signal, AbortSignal.timeout(timeoutMs)]);
    let response: Response;
    let text: string;
    try {
      response = await fetch(target.url, {
        method: "POST",
        headers: {
          ...target.headers,
          "content-type": "application/json",
          "user-agent": "webhook-contracts",
          "webhook-id": f.delivery.id,
          "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
          "webhook-signature": webhook.sign(f.delivery.id, timestamp, body),
        },
        body,
        redirect: "manual",
        signal,
      });
      text = await readCapped(response.body, ANSWER_READ_BYTES, signal);
    } catch (error) {
      throw new Error(`forward to ${shown} failed: ${failed(error)}`);
    }
    if (response.ok) return;
    const quoted = text ? `: ${withoutUserinfo(text.slice(0, 200))}` : "";
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      const to = location === null ? "no Location" : `Location ${withoutUserinfo(location).slice(0, 500)}`;
      throw new Error(
        `forward to ${shown} answered ${response.status} (a redirect, ${to}): redirects are not followed; set forward.url to the final URL${quoted}`,
      );
    }
    throw new Error(`forward to ${shown} answered ${response.status}${quoted}`);
  };
}
