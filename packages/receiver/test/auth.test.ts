/**
 * Authentication from its declaration: for every provider of the contract model and every alternative it
 * declares, the signer's headers pass the verifier, a changed body, a wrong secret or a stale timestamp
 * does not, and each signature equals an HMAC computed here with node:crypto from the declared template
 * (the test vectors). A table of small declarations covers what no provider uses today.
 */
import { createHmac } from "node:crypto";
import { type AuthScheme as DeclaredScheme, loadContracts } from "@webhook-contracts/contracts";
import { describe, expect, it } from "vitest";
import { type AuthScheme, authSchemes, authenticators, signedHeaders } from "../src/core/auth.js";
import { createCrypto } from "../src/core/crypto.js";

const crypto = createCrypto();
const now = 1_750_000_000_000;
const body = new TextEncoder().encode('{"id":"evt_1","amount":12.5,"name":"Zoë"}');
const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

async function verify(
  schemes: Record<string, readonly AuthScheme[]>,
  provider: string,
  settings: Record<string, unknown>,
  headers: Record<string, string>,
  bytes = body,
  at = now,
) {
  const auth = authenticators({ [provider]: settings as never }, crypto, "process-key", schemes)[provider]!;
  const h = lower(headers);
  const first = await auth.checkHeaders(h, at);
  return first.ok ? auth.checkBody(h, bytes) : first;
}

/** What the declaration says the header holds, computed without the receiver's code. */
function expectedSignature(scheme: Extract<DeclaredScheme, { kind: "signature" }>, secret: string, timestamp: string | undefined): string {
  const signed = Buffer.concat(
    scheme.signature.signed
      .split(/(\{body\}|\{timestamp\})/)
      .map((p) => (p === "{body}" ? Buffer.from(body) : Buffer.from(p === "{timestamp}" ? timestamp! : p))),
  );
  return (scheme.signature.prefix ?? "") + createHmac("sha256", secret).update(signed).digest(scheme.signature.encoding);
}

describe("why a request is refused, in words that say what happened", () => {
  it.each([
    [
      "a signature no configured secret made",
      "ivy",
      { "X-Ivy-Signature": "0".repeat(64) },
      "X-Ivy-Signature matches no configured secret (HMAC-SHA256 of {body})",
    ],
    [
      "Basic credentials of no configured secret",
      "retorna",
      { authorization: `Basic ${btoa("retorna:wrong-password")}` },
      "HTTP Basic credentials match no configured secret",
    ],
    ["a key that is not configured", "retorna", { "X-Webhook-Secret": "wrong-secret-0001" }, "X-Webhook-Secret is not a configured secret"],
  ])("%s", async (_name, provider, headers, reason) => {
    expect(await verify(authSchemes, provider, { secrets: ["configured-secret-0001"] }, headers)).toEqual({ ok: false, reason });
  });
});

describe("every declared alternative of every provider", async () => {
  const providers = await loadContracts();
  const cases = providers.flatMap((p) => p.auth.map((scheme, index) => [`${p.name} ${scheme.id}`, p.name, scheme, index] as const));

  it("the generated declarations are the model's", () => {
    expect(Object.keys(authSchemes)).toEqual(providers.map((p) => p.name));
    for (const p of providers) expect(authSchemes[p.name]!.map((s) => [s.id, s.kind, s.secrets])).toEqual(p.auth.map((s) => [s.id, s.kind, s.secrets]));
  });

  it.each(cases)("%s: accepted when right, refused when anything differs", async (_label, provider, scheme, index) => {
    const secret = scheme.kind === "basic" ? "user:pa55" : "s3cret-Ü";
    const settings = { [scheme.secrets]: ["another-secret", secret] };
    let headers: Record<string, string>;
    if (index === 0) {
      headers = await signedHeaders(crypto, provider, body, secret, { nowMs: now });
    } else {
      headers =
        scheme.kind === "basic" ? { Authorization: `Basic ${Buffer.from(secret).toString("base64")}` } : { [(scheme as { header: string }).header]: secret };
    }
    expect(await verify(authSchemes, provider, settings, headers)).toEqual({ ok: true });
    expect((await verify(authSchemes, provider, { [scheme.secrets]: ["another-secret"] }, headers)).ok).toBe(false);
    expect((await verify(authSchemes, provider, settings, {})).ok).toBe(false);
    if (scheme.kind === "signature") {
      const ts = scheme.signature.timestamp;
      const timestamp = ts ? headers[ts.header] : undefined;
      expect(headers[scheme.header]).toBe(expectedSignature(scheme, secret, timestamp));
      if (ts) expect(timestamp).toBe(String(ts.unit === "seconds" ? Math.floor(now / 1000) : now));
      const changed = body.slice();
      changed[changed.length - 2] = changed[changed.length - 2]! ^ 1;
      expect((await verify(authSchemes, provider, settings, headers, changed)).ok).toBe(false);
      if (ts) {
        const late = now + (ts.toleranceSeconds + 1) * 1000;
        expect(await verify(authSchemes, provider, settings, headers, body, late)).toEqual({
          ok: false,
          reason: `${ts.header} is more than ${ts.toleranceSeconds} s from now (a replay?)`,
        });
      }
    }
  });
});

describe("declarations no provider uses today", () => {
  const base64: AuthScheme = {
    id: "b64",
    secrets: "secrets",
    kind: "signature",
    header: "X-Sig",
    signature: {
      algorithm: "hmac-sha256",
      encoding: "base64",
      prefix: "v1,",
      signed: "{timestamp}.{body}",
      timestamp: { header: "X-Ts", unit: "seconds", toleranceSeconds: 60 },
    },
  };
  const schemes = { acme: [base64] };

  it.each<[string, Record<string, string>, boolean | string]>([
    ["signed by the signer", {}, true],
    ["without the prefix", { "X-Sig": "drop-prefix" }, "X-Sig does not start with v1,"],
    ["hex where base64 is declared", { "X-Sig": `v1,${"ab".repeat(32)}` }, "X-Sig is not a base64 HMAC-SHA256 (44 characters)"],
    ["a timestamp that is no number", { "X-Ts": "soon" }, "X-Ts is not epoch seconds or milliseconds"],
  ])("%s", async (_label, override, expected) => {
    const signed = await signedHeaders(crypto, "acme", body, "k", { nowMs: now }, schemes);
    expect(signed["X-Ts"]).toBe(String(now / 1000));
    expect(signed["X-Sig"]).toBe(
      `v1,${createHmac("sha256", "k")
        .update(`${now / 1000}.`)
        .update(body)
        .digest("base64")}`,
    );
    const headers = { ...signed, ...override };
    if (override["X-Sig"] === "drop-prefix") headers["X-Sig"] = signed["X-Sig"]!.slice(3);
    const result = await verify(schemes, "acme", { secrets: ["k"] }, headers);
    expect(result).toEqual(expected === true ? { ok: true } : { ok: false, reason: expected });
  });

  it("keeps signature and timestamp headers, never a key header, whatever its configured name", () => {
    const keyed: AuthScheme = { id: "key", secrets: "apiKeys", kind: "apiKey", header: "X-Key", configurableHeader: true };
    const auth = authenticators({ acme: { secrets: ["k"] }, other: { apiKeys: ["k"], header: "User-Agent" } }, crypto, "p", { acme: [base64], other: [keyed] });
    expect(auth.acme!.keptHeaders).toEqual(expect.arrayContaining(["x-sig", "x-ts"]));
    expect(auth.other!.keptHeaders).not.toContain("user-agent");
    expect(auth.other!.keptHeaders).not.toContain("x-key");
  });
});
