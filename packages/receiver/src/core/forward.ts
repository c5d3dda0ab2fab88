/**
 * The gateway's handler: each valid delivery POSTed to an internal URL, signed with the Standard Webhooks
 * scheme (webhook-id, webhook-timestamp, webhook-signature), so that the service behind verifies it with
 * any Standard Webhooks library. Signing is the `standardwebhooks` reference library's own, so sign and
 * verify cannot disagree. A 2xx answer means handled; anything else (or no answer in time) fails the
 * attempt, which the worker retries.
 */
import type { ValidationIssue } from "@webhook-contracts/validators";
import { Webhook } from "standardwebhooks";
import type { Delivery } from "./store.js";

export interface ForwardTarget {
  url: string;
  /** `whsec_` + base64, read already. */
  secret: string;
  timeoutMs?: number;
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
  return async (f: Forwarded): Promise<void> => {
    const body = forwardBody(f);
    const timestamp = new Date(now());
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "webhook-contracts",
        "webhook-id": f.delivery.id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": webhook.sign(f.delivery.id, timestamp, body),
      },
      body,
      signal: AbortSignal.any([f.signal, AbortSignal.timeout(timeoutMs)]),
    }).catch((error: unknown) => {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = (error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new Error(`forward to ${target.url} failed: ${why}`);
    });
    const text = await response.text().catch(() => "");
    if (!response.ok) throw new Error(`forward to ${target.url} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}`);
  };
}
