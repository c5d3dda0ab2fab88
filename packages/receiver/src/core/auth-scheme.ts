/**
 * The shape of a provider's authentication as the receiver runs it: the data generated from asyncapi.yaml's
 * security schemes (src/generated/auth-schemes.ts) has this type, so the declaration and the code that
 * verifies and signs with it cannot drift apart.
 */

/** A secret, or the name of the environment variable that holds it (`optional`: skipped when unset). */
export type SecretSource = string | { env: string; optional?: boolean };

export interface SignatureSpec {
  algorithm: "hmac-sha256";
  encoding: "hex" | "base64";
  /** Text before the digest in the header (`sha256=`), if any. */
  prefix?: string;
  /** Template of the signed bytes: `{body}` (the raw body), `{timestamp}` and `{id}`, with literal text between. */
  signed: string;
  /** The signed timestamp's header, and how far from now it may be (a signer sends `unit`; 10 or 13 digits are read). */
  timestamp?: { header: string; unit: "seconds" | "milliseconds"; toleranceSeconds: number };
  /** The signed message id's header (`{id}`); `pointer`: the payload field a sender copies into it. */
  id?: { header: string; pointer?: string };
  /** The header holds a list of signatures separated by this; only those that start with `prefix` count (others are other versions). */
  separator?: string;
  /** The secret is `prefix` + the key's bytes in base64 (Standard Webhooks' `whsec_`); without it, the secret's UTF-8 bytes are the key. */
  key?: { prefix: string; encoding: "base64" };
}

export type AuthScheme = {
  /** The security scheme's id in asyncapi.yaml. */
  id: string;
  /** The provider setting that lists the secrets. */
  secrets: string;
} & ({ kind: "signature"; header: string; signature: SignatureSpec } | { kind: "apiKey"; header: string; configurableHeader: boolean } | { kind: "basic" });
