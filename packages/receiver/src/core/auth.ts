/**
 * Who sent it: each provider's authentication, run from its declaration in asyncapi.yaml (the generated
 * authSchemes), so that a provider is data and the verifier and the signer cannot disagree. What can be
 * checked on the headers alone (API keys, Basic, a missing signature, a stale timestamp) is checked before
 * a byte of the body is read; signatures are checked on the raw body bytes before anything parses them.
 * Comparisons are timing-safe, and every configured secret is tried (no early exit), so that a secret
 * can be rotated.
 */
import { authSchemes } from "../generated/auth-schemes.js";
import type { AuthScheme, SecretSource, SignatureSpec } from "./auth-scheme.js";
import { type Crypto, fromBase64, fromHex, timingSafeEqual, toBase64, toHex, utf8 } from "./crypto.js";
import { valueAt } from "./body.js";

export type { AuthScheme, SecretSource, SignatureSpec } from "./auth-scheme.js";
export type * from "../generated/auth-schemes.js";
export { authSchemes } from "../generated/auth-schemes.js";

/** A provider's settings as configured: its secrets (under the setting its schemes name), `header`, `toleranceSeconds`. */
export type ProviderAuthSettings = { readonly [setting: string]: readonly SecretSource[] | string | number | undefined };
/** A provider's settings with every secret read: what the receiver runs on (never stored, never logged). */
export type ResolvedAuth = { readonly [setting: string]: readonly string[] | string | number | undefined };
export type ResolvedProviders = { readonly [provider: string]: ResolvedAuth | undefined };

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

/** The headers a signature scheme reads: the signature, and the signed timestamp and id, if any. */
const signedHeaderNames = (spec: SignatureSpec, header: string): string[] => [
  header,
  ...(spec.timestamp ? [spec.timestamp.header] : []),
  ...(spec.id ? [spec.id.header] : []),
];

/** Signature, signed-timestamp and signed-id headers (HMACs of the body: no secret can be read from them), kept so a delivery can be checked again. */
function signatureHeaders(schemes: readonly AuthScheme[]): string[] {
  return schemes.flatMap((s) => (s.kind === "signature" ? signedHeaderNames(s.signature, s.header).map((h) => h.toLowerCase()) : []));
}
/** Every header any provider's delivery may keep: what a store migrating old rows keeps of their headers. */
export const KEPT_HEADERS: readonly string[] = [...COMMON_KEPT_HEADERS, ...Object.values(authSchemes).flatMap(signatureHeaders)];

/** The digest's text: 64 hex digits or 44 base64 characters for HMAC-SHA256. */
const DIGEST_TEXT = { hex: /^[0-9a-fA-F]{64}$/, base64: /^[A-Za-z0-9+/]{43}=$/ } as const;
const DIGEST_NAME = { hex: "a hex HMAC-SHA256 (64 hex digits)", base64: "a base64 HMAC-SHA256 (44 characters)" } as const;

function sameText(expected: string, given: string): boolean {
  let diff = expected.length ^ given.length;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}
const encode = (digest: Uint8Array, encoding: SignatureSpec["encoding"]) => (encoding === "hex" ? toHex(digest) : toBase64(digest));

type Placeholder = "{body}" | "{timestamp}" | "{id}";
/** A signature template split once: its literal text as bytes, and where the body, the timestamp and the id go. */
const templates = new Map<string, (Uint8Array | Placeholder)[]>();
function template(signed: string) {
  let parts = templates.get(signed);
  if (!parts) {
    parts = signed
      .split(/(\{body\}|\{timestamp\}|\{id\})/)
      .filter((part) => part !== "")
      .map((part) => (part === "{body}" || part === "{timestamp}" || part === "{id}" ? part : utf8(part)));
    templates.set(signed, parts);
  }
  return parts;
}

/** The values of a request's signed headers that a template names. */
export interface Signed {
  timestamp?: string | undefined;
  id?: string | undefined;
}

/** The bytes a signature covers: the template's literal text, the signed headers' values and the raw body, in order. */
export function signedParts(spec: SignatureSpec, body: Uint8Array, signed: Signed = {}): Uint8Array[] {
  return template(spec.signed).map((part) =>
    part === "{body}" ? body : part === "{timestamp}" ? utf8(signed.timestamp ?? "") : part === "{id}" ? utf8(signed.id ?? "") : part,
  );
}

/**
 * The key a secret stands for: its UTF-8 bytes, or, where the scheme declares a key form (Standard Webhooks'
 * `whsec_` + base64), the bytes it encodes; undefined when the secret is not of that form.
 */
export function signingKey(spec: SignatureSpec, secret: string): string | Uint8Array | undefined {
  if (!spec.key) return secret;
  return secret.startsWith(spec.key.prefix) ? fromBase64(secret.slice(spec.key.prefix.length)) : undefined;
}

/**
 * The digests a signature header offers: the header itself, or, where the scheme declares a list, each
 * entry that carries the scheme's prefix (entries of other versions are not ours to check); the prefix removed.
 */
function offered(spec: SignatureSpec, value: string): string[] {
  const prefix = spec.prefix ?? "";
  if (!spec.separator) return value.startsWith(prefix) ? [value.slice(prefix.length)] : [];
  return value
    .split(spec.separator)
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => entry.slice(prefix.length));
}

/** True when any key's HMAC of `parts` equals any of `given`; every key and every digest is tried, so timing tells nothing. */
async function anyHmacMatches(
  crypto: Crypto,
  spec: SignatureSpec,
  keys: readonly (string | Uint8Array)[],
  parts: readonly Uint8Array[],
  given: readonly string[],
): Promise<boolean> {
  // Hex is compared as bytes (either case is the same digest); the header's form was checked with its headers.
  const givenBytes = spec.encoding === "hex" ? given.map(fromHex) : undefined;
  let match = false;
  for (const key of keys) {
    const digest = await crypto.hmacSha256(key, parts);
    const text = givenBytes ? undefined : toBase64(digest);
    for (let i = 0; i < given.length; i++) {
      const bytes = givenBytes?.[i];
      match = (bytes ? timingSafeEqual(digest, bytes) : text !== undefined && sameText(text, given[i]!)) || match;
    }
  }
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

/** One alternative, ready to run: whether a request carries its credentials, and its checks. */
interface Check {
  /** "X-Ivy-Signature header", "HTTP Basic credentials": for the message when no alternative is carried. */
  what: string;
  carried(headers: Headers): boolean;
  headers(headers: Headers, nowMs: number): Promise<AuthResult>;
  body(headers: Headers, body: Uint8Array): Promise<AuthResult>;
}

const BASIC = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i;

function check(scheme: AuthScheme, settings: ResolvedAuth, crypto: Crypto, processKey: string): Check {
  const secrets = (settings[scheme.secrets] ?? []) as readonly string[];
  if (scheme.kind === "basic") {
    const isSecret = secretMatcher(crypto, secrets, processKey);
    return {
      what: "HTTP Basic credentials",
      // RFC 7235: the scheme name is case-insensitive ("basic" is Basic).
      carried: (headers) => /^basic\s/i.test(headers.authorization ?? ""),
      async headers(headers) {
        const match = BASIC.exec(headers.authorization ?? "");
        if (!match) return fail("missing HTTP Basic credentials");
        let credentials: string;
        try {
          credentials = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
        } catch {
          return fail("HTTP Basic credentials are not base64 of UTF-8 text");
        }
        return (await isSecret(credentials)) ? OK : fail("HTTP Basic credentials match no configured secret");
      },
      body: async () => OK,
    };
  }
  if (scheme.kind === "apiKey") {
    const header = (scheme.configurableHeader && typeof settings.header === "string" ? settings.header : undefined) ?? scheme.header;
    const name = header.toLowerCase();
    const isSecret = secretMatcher(crypto, secrets, processKey);
    return {
      what: `${header} header`,
      carried: (headers) => Boolean(headers[name]),
      async headers(headers) {
        const given = headers[name];
        if (!given) return fail(`missing ${header} header`);
        return (await isSecret(given)) ? OK : fail(`${header} is not a configured ${scheme.secrets === "apiKeys" ? "API key" : "secret"}`);
      },
      body: async () => OK,
    };
  }
  const { header, signature: spec } = scheme;
  const name = header.toLowerCase();
  const ts = spec.timestamp;
  const idHeader = spec.id?.header.toLowerCase();
  const tolerance = typeof settings.toleranceSeconds === "number" ? settings.toleranceSeconds : (ts?.toleranceSeconds ?? 0);
  // Keys decoded once; a secret not of the scheme's form (the config check refuses one) verifies nothing.
  const keys = secrets.map((secret) => signingKey(spec, secret)).filter((key) => key !== undefined);
  const required = signedHeaderNames(spec, header);
  const well = (digest: string) => DIGEST_TEXT[spec.encoding].test(digest);
  const signedOf = (headers: Headers): Signed => ({
    timestamp: ts ? headers[ts.header.toLowerCase()]?.trim() : undefined,
    id: idHeader ? headers[idHeader]?.trim() : undefined,
  });
  return {
    what: `${header} header`,
    carried: (headers) => Boolean(headers[name]),
    async headers(headers, nowMs) {
      const signature = headers[name]?.trim();
      const { timestamp, id } = signedOf(headers);
      if (!signature || (ts && !timestamp) || (idHeader && !id)) return fail(`missing ${required.join(" or ")} header`);
      if (ts) {
        if (!/^\d{10,13}$/.test(timestamp!)) return fail(`${ts.header} is not epoch seconds or milliseconds`);
        const sentMs = timestamp!.length === 13 ? Number(timestamp) : Number(timestamp) * 1000;
        if (Math.abs(nowMs - sentMs) > tolerance * 1000) return fail(`${ts.header} is more than ${tolerance} s from now (a replay?)`);
      }
      const digests = offered(spec, signature);
      if (digests.length === 0)
        return fail(
          spec.separator ? `${header} holds no signature of version ${spec.prefix} (only other versions)` : `${header} does not start with ${spec.prefix}`,
        );
      return digests.some(well) ? OK : fail(`${header} is not ${DIGEST_NAME[spec.encoding]}${spec.prefix ? ` after ${spec.prefix}` : ""}`);
    },
    async body(headers, body) {
      const parts = signedParts(spec, body, signedOf(headers));
      return (await anyHmacMatches(crypto, spec, keys, parts, offered(spec, headers[name]!.trim()).filter(well)))
        ? OK
        : fail(
            `${header} matches no configured ${scheme.secrets === "apiKeys" ? "API key" : spec.key ? `key (${scheme.secrets})` : "secret"} (HMAC-SHA256 of ${spec.signed})`,
          );
    },
  };
}

/** The authenticator of each configured provider, from its declared alternatives. */
export function authenticators(
  providers: ResolvedProviders,
  crypto: Crypto,
  processKey: string,
  schemes: Readonly<Record<string, readonly AuthScheme[]>> = authSchemes,
): Record<string, Authenticator> {
  const out: Record<string, Authenticator> = {};
  for (const [provider, settings] of Object.entries(providers)) {
    const declared = schemes[provider];
    if (!settings || !declared) continue;
    const checks = declared.map((s) => check(s, settings, crypto, processKey));
    const pick = (headers: Headers) => checks.find((c) => c.carried(headers)) ?? checks[0]!;
    const secretHeaders = new Set(
      declared.flatMap((s) =>
        s.kind === "apiKey"
          ? [s.header.toLowerCase(), ...(s.configurableHeader && typeof settings.header === "string" ? [settings.header.toLowerCase()] : [])]
          : [],
      ),
    );
    const missing = checks.length > 1 ? `missing ${checks.map((c) => c.what).join(" or ")}` : undefined;
    out[provider] = {
      // A key is never kept, whatever its header; signatures are.
      keptHeaders: [...COMMON_KEPT_HEADERS.filter((h) => !secretHeaders.has(h)), ...signatureHeaders(declared)],
      checkHeaders(headers, nowMs) {
        if (missing && !checks.some((c) => c.carried(headers))) return Promise.resolve(fail(missing));
        return pick(headers).headers(headers, nowMs);
      },
      checkBody: (headers, body) => pick(headers).body(headers, body),
    };
  }
  return out;
}

/** What signedHeaders may be told: a configurable header's name, the time, the alternative, the signed id. */
export interface SignOptions {
  header?: string;
  nowMs?: number;
  /** The security scheme's id (e.g. `ivyStandardWebhooks`); by default the first whose secret form `secret` has. */
  scheme?: string;
  /** The signed message id (`{id}`); by default the payload's value at the scheme's `id.pointer`, else a new one. */
  id?: string;
}

/** The alternative a secret signs with: the one asked for, else the first whose key form it has, else the first with no key form. */
function signingScheme(provider: string, declared: readonly AuthScheme[], secret: string, asked: string | undefined): AuthScheme {
  if (asked !== undefined) {
    const scheme = declared.find((s) => s.id === asked);
    if (!scheme) throw new TypeError(`${provider} has no authentication scheme "${asked}": expected one of ${declared.map((s) => s.id).join(", ")}`);
    return scheme;
  }
  const keyed = (s: AuthScheme) => s.kind === "signature" && s.signature.key !== undefined;
  // Of the key's form as the configuration takes it: the prefix, then the base64 of 24 bytes or more.
  const ofForm = (s: AuthScheme) => s.kind === "signature" && ((signingKey(s.signature, secret) as Uint8Array | undefined)?.length ?? 0) >= 24;
  return declared.find((s) => keyed(s) && ofForm(s)) ?? declared.find((s) => !keyed(s)) ?? declared[0]!;
}

/** The payload's string or number at `pointer`, if the body is JSON and has one there. */
function idIn(body: Uint8Array, pointer: string): string | undefined {
  let value: unknown;
  try {
    value = valueAt(JSON.parse(new TextDecoder().decode(body)), pointer);
  } catch {
    return undefined;
  }
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/**
 * The headers a provider would send with `body`, signed with `secret`: what `webhook-contracts send`, the
 * docs' checker and the tests use, made from the same declaration the receiver verifies with.
 */
export async function signedHeaders(
  crypto: Crypto,
  provider: string,
  body: string | Uint8Array,
  secret: string,
  options: SignOptions = {},
  schemes: Readonly<Record<string, readonly AuthScheme[]>> = authSchemes,
): Promise<Record<string, string>> {
  const declared = schemes[provider];
  if (!declared?.length) throw new TypeError(`unknown provider "${provider}": expected one of ${Object.keys(schemes).join(", ")}`);
  const scheme = signingScheme(provider, declared, secret, options.scheme);
  const bytes = typeof body === "string" ? utf8(body) : body;
  switch (scheme.kind) {
    case "basic":
      return { Authorization: `Basic ${toBase64(utf8(secret))}` };
    case "apiKey":
      return { [(scheme.configurableHeader ? options.header : undefined) ?? scheme.header]: secret };
    case "signature": {
      const { signature: spec } = scheme;
      const key = signingKey(spec, secret);
      if (key === undefined) throw new TypeError(`${scheme.id} signs with a key of the form ${spec.key!.prefix} and base64`);
      const nowMs = options.nowMs ?? Date.now();
      const timestamp = spec.timestamp ? String(spec.timestamp.unit === "seconds" ? Math.floor(nowMs / 1000) : nowMs) : undefined;
      const id = spec.id
        ? (options.id ?? (spec.id.pointer !== undefined ? idIn(bytes, spec.id.pointer) : undefined) ?? `msg_${globalThis.crypto.randomUUID()}`)
        : undefined;
      const digest = await crypto.hmacSha256(key, signedParts(spec, bytes, { timestamp, id }));
      return {
        ...(spec.id ? { [spec.id.header]: id! } : {}),
        ...(spec.timestamp ? { [spec.timestamp.header]: timestamp! } : {}),
        [scheme.header]: `${spec.prefix ?? ""}${encode(digest, spec.encoding)}`,
      };
    }
  }
}
