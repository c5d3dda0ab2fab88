/**
 * HMAC-SHA256 and SHA-256 for the core, which imports no Node built-in so that it bundles for browsers,
 * workers and edge runtimes. Web Crypto is the portable path; on Node, `process.getBuiltinModule` (a
 * lookup at run time, not an import a bundler follows) gives node:crypto, whose synchronous HMAC costs
 * about 6 µs where Web Crypto's costs about 45 µs per call on Node 20 (a thread-pool round trip).
 */

interface NodeCrypto {
  createHmac(algorithm: string, key: Uint8Array): { update(data: Uint8Array): unknown; digest(): Uint8Array };
  createHash(algorithm: string): { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

export type CryptoBackend = "node" | "webcrypto";

const encoder = new TextEncoder();

function nodeCrypto(): NodeCrypto | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return process?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
}

export interface Crypto {
  readonly backend: CryptoBackend;
  /** HMAC-SHA256 of the parts, concatenated, keyed with `key`'s bytes (a string's UTF-8). */
  hmacSha256(key: string | Uint8Array, parts: readonly Uint8Array[]): Promise<Uint8Array>;
  sha256(data: Uint8Array): Promise<Uint8Array>;
}

/** The fastest backend this runtime has, or the one asked for (tests use both). */
export function createCrypto(prefer?: CryptoBackend): Crypto {
  const node = prefer === "webcrypto" ? undefined : nodeCrypto();
  if (node) {
    // A secret's bytes, encoded once: secrets are few and long-lived, deliveries many.
    const keys = new Map<string, Uint8Array>();
    const keyBytes = (secret: string | Uint8Array) => {
      if (typeof secret !== "string") return secret;
      let bytes = keys.get(secret);
      if (!bytes) keys.set(secret, (bytes = encoder.encode(secret)));
      return bytes;
    };
    return {
      backend: "node",
      async hmacSha256(key, parts) {
        const mac = node.createHmac("sha256", keyBytes(key));
        for (const part of parts) mac.update(part);
        return new Uint8Array(mac.digest());
      },
      async sha256(data) {
        const hash = node.createHash("sha256");
        hash.update(data);
        return new Uint8Array(hash.digest());
      },
    };
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error("no Web Crypto (crypto.subtle) in this runtime: the receiver needs HMAC-SHA256");
  // Importing a key costs as much as a signature; secrets are few and long-lived, so keep their keys.
  type Key = Awaited<ReturnType<typeof subtle.importKey>>;
  const keys = new Map<string, Promise<Key>>();
  const byteKeys = new WeakMap<Uint8Array, Promise<Key>>();
  const importKey = (bytes: Uint8Array) => subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const keyFor = (secret: string | Uint8Array) => {
    let key = typeof secret === "string" ? keys.get(secret) : byteKeys.get(secret);
    if (!key) {
      if (typeof secret === "string") keys.set(secret, (key = importKey(encoder.encode(secret))));
      else byteKeys.set(secret, (key = importKey(secret)));
    }
    return key;
  };
  return {
    backend: "webcrypto",
    async hmacSha256(key, parts) {
      const data = parts.length === 1 ? parts[0]! : concat(parts);
      return new Uint8Array(await subtle.sign("HMAC", await keyFor(key), data));
    },
    async sha256(data) {
      return new Uint8Array(await subtle.digest("SHA-256", data));
    },
  };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** The bytes of hex text (either case); undefined unless it is an even number of hex digits. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(text.charCodeAt(2 * i));
    const lo = hexDigit(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const hexDigit = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/**
 * Equal byte strings, in time that depends on the length only. The lengths compared are public (a digest's),
 * or the bytes are digests themselves (see `secretMatcher` in auth.ts).
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The bytes of base64 text (the standard alphabet, padded or not); undefined unless it is base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}(==)?|[A-Za-z0-9+/]{3}=?)?$/.test(text)) return undefined;
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

export const utf8 = (text: string): Uint8Array => encoder.encode(text); // typed: the declarations must not need @types/node
