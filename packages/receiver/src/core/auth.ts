/**
 * Who sent it: each provider's authentication, checked on the raw body bytes before anything is parsed,
 * with timing-safe comparisons and several secrets at once (so that a secret can be rotated).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface IvyAuth {
  /** Webhook signing secrets from Ivy's dashboard; any one of them may sign. */
  secrets: string[];
}
export interface ScalapayAuth {
  /** Merchant API keys (Scalapay signs with the API key); any one of them may sign. */
  apiKeys: string[];
  /** How far x-scalapay-timestamp may be from now, in seconds, against replays (default 300). */
  toleranceSeconds?: number;
}
export interface AmpliaRegAuth {
  /** API keys of the application webhook. */
  apiKeys: string[];
  /** Header that carries it; Amplia Reg does not publish its name (default X-Api-Key). */
  header?: string;
}
export interface RetornaAuth {
  /**
   * Shared secrets agreed with Retorna, which publishes no scheme: sent in `header`, or, when no header
   * is configured, as HTTP Basic credentials "user:password".
   */
  secrets: string[];
  header?: string;
}

export interface ProvidersConfig {
  ivy?: IvyAuth;
  scalapay?: ScalapayAuth;
  "amplia-reg"?: AmpliaRegAuth;
  retorna?: RetornaAuth;
}

export type Headers = Readonly<Record<string, string | undefined>>;

export type AuthResult = { ok: true } | { ok: false; reason: string };

/** Equal strings, in time that depends on the length only. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Compare digests, so that neither the comparison nor an early length check tells how much matched.
  const dx = createHmac("sha256", "compare").update(x).digest();
  const dy = createHmac("sha256", "compare").update(y).digest();
  return timingSafeEqual(dx, dy) && x.length === y.length;
}

const hmacHex = (key: string, ...parts: (string | Uint8Array)[]) => {
  const mac = createHmac("sha256", key);
  for (const p of parts) mac.update(p);
  return mac.digest("hex");
};

const anyMatch = (candidates: string[], expected: (secret: string) => string, given: string) => {
  let match = false;
  for (const secret of candidates) match = safeEqual(expected(secret), given) || match; // no early exit
  return match;
};

/** Checks a delivery's authentication. Header names are lower-case (Node's and fetch's convention). */
export function authenticate(provider: string, config: ProvidersConfig, headers: Headers, body: Uint8Array, nowMs: number): AuthResult {
  switch (provider) {
    case "ivy": {
      const signature = headers["x-ivy-signature"]?.trim().toLowerCase();
      if (!signature) return { ok: false, reason: "missing X-Ivy-Signature header" };
      return anyMatch(config.ivy!.secrets, (s) => hmacHex(s, body), signature)
        ? { ok: true }
        : { ok: false, reason: "X-Ivy-Signature does not match the body (HMAC-SHA256 with no configured secret)" };
    }
    case "scalapay": {
      const signature = headers["x-scalapay-hmac-v1"]?.trim().toLowerCase();
      const timestamp = headers["x-scalapay-timestamp"]?.trim();
      if (!signature || !timestamp) return { ok: false, reason: "missing x-scalapay-hmac-v1 or x-scalapay-timestamp header" };
      if (!/^\d{10,13}$/.test(timestamp)) return { ok: false, reason: "x-scalapay-timestamp is not epoch seconds or milliseconds" };
      const sentMs = timestamp.length === 13 ? Number(timestamp) : Number(timestamp) * 1000;
      const tolerance = (config.scalapay!.toleranceSeconds ?? 300) * 1000;
      if (Math.abs(nowMs - sentMs) > tolerance) return { ok: false, reason: `x-scalapay-timestamp is more than ${tolerance / 1000} s from now (a replay?)` };
      return anyMatch(config.scalapay!.apiKeys, (k) => hmacHex(k, `V1:${timestamp}:`, body), signature)
        ? { ok: true }
        : { ok: false, reason: "x-scalapay-hmac-v1 does not match V1:{timestamp}:{body} (HMAC-SHA256 with no configured API key)" };
    }
    case "amplia-reg": {
      const header = (config["amplia-reg"]!.header ?? "X-Api-Key").toLowerCase();
      const key = headers[header];
      if (!key) return { ok: false, reason: `missing ${header} header` };
      return anyMatch(config["amplia-reg"]!.apiKeys, (k) => k, key) ? { ok: true } : { ok: false, reason: `${header} is not a configured API key` };
    }
    case "retorna": {
      const { header, secrets } = config.retorna!;
      if (header) {
        const given = headers[header.toLowerCase()];
        if (!given) return { ok: false, reason: `missing ${header} header` };
        return anyMatch(secrets, (s) => s, given) ? { ok: true } : { ok: false, reason: `${header} is not a configured secret` };
      }
      const authorization = headers.authorization;
      if (!authorization?.startsWith("Basic ")) return { ok: false, reason: "missing HTTP Basic credentials" };
      const credentials = Buffer.from(authorization.slice(6), "base64").toString("utf8");
      return anyMatch(secrets, (s) => s, credentials) ? { ok: true } : { ok: false, reason: "HTTP Basic credentials do not match" };
    }
    default:
      return { ok: false, reason: `no authentication for ${provider}` };
  }
}

/** The headers a provider would send with `body`, signed with `secret`: what `webhook-contracts send` uses. */
export function signedHeaders(provider: string, body: string, secret: string, options: { header?: string; nowMs?: number } = {}): Record<string, string> {
  switch (provider) {
    case "ivy":
      return { "X-Ivy-Signature": hmacHex(secret, body) };
    case "scalapay": {
      const timestamp = String(options.nowMs ?? Date.now());
      return { "x-scalapay-timestamp": timestamp, "x-scalapay-hmac-v1": hmacHex(secret, `V1:${timestamp}:`, body) };
    }
    case "amplia-reg":
      return { [options.header ?? "X-Api-Key"]: secret };
    case "retorna":
      return options.header ? { [options.header]: secret } : { Authorization: `Basic ${Buffer.from(secret).toString("base64")}` };
    default:
      throw new TypeError(`unknown provider "${provider}"`);
  }
}
