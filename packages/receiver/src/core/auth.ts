/**
 * Who sent it: each provider's authentication. What can be checked on the headers alone (API keys, Basic,
 * a missing signature, a stale timestamp) is checked before a byte of the body is read; signatures are
 * checked on the raw body bytes before anything parses them. Comparisons are timing-safe, and every
 * configured secret is tried (no early exit), so that a secret can be rotated.
 */
import { type Crypto, timingSafeEqual, toHex, utf8 } from "./crypto.js";

/** A secret, or the name of the environment variable that holds it (`optional`: skipped when unset). */
export type SecretSource = string | { env: string; optional?: boolean };

export interface IvyAuth {
  /** Webhook signing secrets from Ivy's dashboard; any one of them may sign. */
  secrets: SecretSource[];
}
export interface ScalapayAuth {
  /** Merchant API keys (Scalapay signs with the API key); any one of them may sign. */
  apiKeys: SecretSource[];
  /** How far x-scalapay-timestamp may be from now, in seconds, against replays (default 300). */
  toleranceSeconds?: number;
}
export interface AmpliaRegAuth {
  /** API keys of the application webhook. */
  apiKeys: SecretSource[];
  /** Header that carries it; Amplia Reg does not publish its name (default X-Api-Key). */
  header?: string;
}
export interface RetornaAuth {
  /**
   * Shared secrets agreed with Retorna, which publishes no scheme: sent in `header`, or, when no header
   * is configured, as HTTP Basic credentials "user:password".
   */
  secrets: SecretSource[];
  header?: string;
}

export interface ProvidersConfig {
  ivy?: IvyAuth;
  scalapay?: ScalapayAuth;
  "amplia-reg"?: AmpliaRegAuth;
  retorna?: RetornaAuth;
}

/** A provider's settings with every secret read: what the receiver runs on (never stored, never logged). */
export type ResolvedAuth<A> = { [K in keyof A]: A[K] extends SecretSource[] ? string[] : A[K] };
export type ResolvedProviders = { [P in keyof ProvidersConfig]?: ResolvedAuth<NonNullable<ProvidersConfig[P]>> };

export type Headers = Readonly<Record<string, string | undefined>>;

export type AuthResult = { ok: true } | { ok: false; reason: string };

export interface Authenticator {
  /** On the headers alone, before the body is read. */
  checkHeaders(headers: Headers, nowMs: number): Promise<AuthResult>;
  /** On the raw body bytes (signature schemes only). */
  checkBody(headers: Headers, body: Uint8Array): Promise<AuthResult>;
  /**
   * The request headers kept with a delivery: they say how it came and let a signature be checked again
   * later, and hold no secret. Everything else (Authorization, API-key and secret headers) is dropped.
   */
  keptHeaders: readonly string[];
}

const OK: AuthResult = { ok: true };
const fail = (reason: string): AuthResult => ({ ok: false, reason });

/** Headers kept for every provider: none of them authenticates anything. */
export const COMMON_KEPT_HEADERS = ["content-type", "content-length", "content-encoding", "user-agent", "x-request-id", "date"] as const;
/** Signatures (HMACs of the body: no secret can be read from them), kept so a delivery can be checked again. */
const SIGNATURE_HEADERS = { ivy: ["x-ivy-signature"], scalapay: ["x-scalapay-hmac-v1", "x-scalapay-timestamp"] } as const;
/** Every header any provider's delivery may keep: what a store migrating old rows keeps of their headers. */
export const KEPT_HEADERS: readonly string[] = [...COMMON_KEPT_HEADERS, ...Object.values(SIGNATURE_HEADERS).flat()];

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Equal hex digests (the given one in any case), in time that depends on the length only. */
function sameHex(expected: string, given: string): boolean {
  let diff = expected.length ^ given.length;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ (given.charCodeAt(i) | 0x20);
  return diff === 0;
}

/** True when any secret's HMAC of `parts` equals `given` (hex); every secret is tried, so timing tells nothing. */
async function anyHmacMatches(crypto: Crypto, secrets: readonly string[], parts: readonly Uint8Array[], given: string): Promise<boolean> {
  const digests = await Promise.all(secrets.map((s) => crypto.hmacSha256(s, parts)));
  let match = false;
  for (const digest of digests) match = sameHex(toHex(digest), given) || match;
  return match;
}

/**
 * Whether a key or secret sent in a header is one of `secrets`. Strings are compared by their HMACs under
 * a key of this process, so that not even the length leaks; the secrets' HMACs are made once.
 */
function secretMatcher(crypto: Crypto, secrets: readonly string[], processKey: string): (given: string) => Promise<boolean> {
  const digestOf = (text: string) => crypto.hmacSha256(processKey, [utf8(text)]);
  let expected: Promise<Uint8Array[]> | undefined;
  return async (given) => {
    const [digests, digest] = await Promise.all([(expected ??= Promise.all(secrets.map(digestOf))), digestOf(given)]);
    let match = false;
    for (const d of digests) match = timingSafeEqual(d, digest) || match;
    return match;
  };
}

/** The authenticator of each configured provider. */
export function authenticators(providers: ResolvedProviders, crypto: Crypto, processKey: string): Partial<Record<keyof ProvidersConfig, Authenticator>> {
  const out: Partial<Record<keyof ProvidersConfig, Authenticator>> = {};
  if (providers.ivy) {
    const { secrets } = providers.ivy;
    out.ivy = {
      keptHeaders: [...COMMON_KEPT_HEADERS, ...SIGNATURE_HEADERS.ivy],
      async checkHeaders(headers) {
        const signature = headers["x-ivy-signature"]?.trim();
        if (!signature) return fail("missing X-Ivy-Signature header");
        return HEX_SHA256.test(signature) ? OK : fail("X-Ivy-Signature is not a hex HMAC-SHA256 (64 hex digits)");
      },
      async checkBody(headers, body) {
        return (await anyHmacMatches(crypto, secrets, [body], headers["x-ivy-signature"]!.trim())) ? OK : fail("X-Ivy-Signature does not match the body (HMAC-SHA256 with no configured secret)");
      },
    };
  }
  if (providers.scalapay) {
    const { apiKeys, toleranceSeconds = 300 } = providers.scalapay;
    out.scalapay = {
      keptHeaders: [...COMMON_KEPT_HEADERS, ...SIGNATURE_HEADERS.scalapay],
      async checkHeaders(headers, nowMs) {
        const signature = headers["x-scalapay-hmac-v1"]?.trim();
        const timestamp = headers["x-scalapay-timestamp"]?.trim();
        if (!signature || !timestamp) return fail("missing x-scalapay-hmac-v1 or x-scalapay-timestamp header");
        if (!/^\d{10,13}$/.test(timestamp)) return fail("x-scalapay-timestamp is not epoch seconds or milliseconds");
        const sentMs = timestamp.length === 13 ? Number(timestamp) : Number(timestamp) * 1000;
        if (Math.abs(nowMs - sentMs) > toleranceSeconds * 1000) return fail(`x-scalapay-timestamp is more than ${toleranceSeconds} s from now (a replay?)`);
        return HEX_SHA256.test(signature) ? OK : fail("x-scalapay-hmac-v1 is not a hex HMAC-SHA256 (64 hex digits)");
      },
      async checkBody(headers, body) {
        const prefix = utf8(`V1:${headers["x-scalapay-timestamp"]!.trim()}:`);
        return (await anyHmacMatches(crypto, apiKeys, [prefix, body], headers["x-scalapay-hmac-v1"]!.trim()))
          ? OK
          : fail("x-scalapay-hmac-v1 does not match V1:{timestamp}:{body} (HMAC-SHA256 with no configured API key)");
      },
    };
  }
  if (providers["amplia-reg"]) {
    const { apiKeys, header = "X-Api-Key" } = providers["amplia-reg"];
    const name = header.toLowerCase();
    const isApiKey = secretMatcher(crypto, apiKeys, processKey);
    out["amplia-reg"] = {
      keptHeaders: COMMON_KEPT_HEADERS.filter((h) => h !== name), // a key never kept, whatever its header
      async checkHeaders(headers) {
        const key = headers[name];
        if (!key) return fail(`missing ${header} header`);
        return (await isApiKey(key)) ? OK : fail(`${header} is not a configured API key`);
      },
      checkBody: async () => OK,
    };
  }
  if (providers.retorna) {
    const { secrets, header } = providers.retorna;
    const name = header?.toLowerCase();
    const isSecret = secretMatcher(crypto, secrets, processKey);
    out.retorna = {
      keptHeaders: COMMON_KEPT_HEADERS.filter((h) => h !== name), // a key never kept, whatever its header
      async checkHeaders(headers) {
        if (name) {
          const given = headers[name];
          if (!given) return fail(`missing ${header} header`);
          return (await isSecret(given)) ? OK : fail(`${header} is not a configured secret`);
        }
        // RFC 7235: the scheme name is case-insensitive ("basic" is Basic).
        const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization ?? "");
        if (!match) return fail("missing HTTP Basic credentials");
        let credentials: string;
        try {
          credentials = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
        } catch {
          return fail("HTTP Basic credentials are not base64 of UTF-8 text");
        }
        return (await isSecret(credentials)) ? OK : fail("HTTP Basic credentials do not match");
      },
      checkBody: async () => OK,
    };
  }
  return out;
}

/** The headers a provider would send with `body`, signed with `secret`: what `webhook-contracts send` uses. */
export async function signedHeaders(
  crypto: Crypto,
  provider: string,
  body: string | Uint8Array,
  secret: string,
  options: { header?: string; nowMs?: number } = {},
): Promise<Record<string, string>> {
  const bytes = typeof body === "string" ? utf8(body) : body;
  switch (provider) {
    case "ivy":
      return { "X-Ivy-Signature": toHex(await crypto.hmacSha256(secret, [bytes])) };
    case "scalapay": {
      const timestamp = String(options.nowMs ?? Date.now());
      return { "x-scalapay-timestamp": timestamp, "x-scalapay-hmac-v1": toHex(await crypto.hmacSha256(secret, [utf8(`V1:${timestamp}:`), bytes])) };
    }
    case "amplia-reg":
      return { [options.header ?? "X-Api-Key"]: secret };
    case "retorna":
      return options.header ? { [options.header]: secret } : { Authorization: `Basic ${btoa(String.fromCharCode(...utf8(secret)))}` };
    default:
      throw new TypeError(`unknown provider "${provider}"`);
  }
}
