/**
 * Authentication from its declaration: for every provider of the contract model and every alternative it
 * declares, the signer's headers pass the verifier, a changed body, a wrong secret or a stale timestamp
 * does not, and each signature equals an HMAC computed here with node:crypto from the declared template
 * (the test vectors). A table of small declarations covers what no provider uses today.
 */
import { createHmac } from "node:crypto";
import { type AuthScheme as DeclaredScheme, loadContracts } from "@webhook-contracts/contracts";
import { Webhook } from "standardwebhooks";
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
function expectedSignature(scheme: Extract<DeclaredScheme, { kind: "signature" }>, secret: string, signed: { timestamp?: string; id?: string }): string {
  const bytes = Buffer.concat(
    scheme.signature.signed
      .split(/(\{body\}|\{timestamp\}|\{id\})/)
      .map((p) => (p === "{body}" ? Buffer.from(body) : Buffer.from(p === "{timestamp}" ? signed.timestamp! : p === "{id}" ? signed.id! : p))),
  );
  const { key: form } = scheme.signature;
  const key = form ? Buffer.from(secret.slice(form.prefix.length), form.encoding) : secret;
  return (scheme.signature.prefix ?? "") + createHmac("sha256", key).update(bytes).digest(scheme.signature.encoding);
}

/** A secret of the form a scheme takes: a Standard Webhooks `whsec_` key where it declares one. */
const secretFor = (scheme: DeclaredScheme, seed: string) =>
  scheme.kind === "basic"
    ? `user:${seed}`
    : scheme.kind === "signature" && scheme.signature.key
      ? `${scheme.signature.key.prefix}${Buffer.from(seed.padEnd(32, "#")).toString("base64")}`
      : `${seed}-Ü`;

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
    const secret = secretFor(scheme, "s3cret");
    const another = secretFor(scheme, "another-secret");
    const settings = { [scheme.secrets]: [another, secret] };
    let headers: Record<string, string>;
    if (index === 0 || scheme.kind === "signature") {
      // The first alternative signs by default; a signature alternative is picked by its id.
      headers = await signedHeaders(crypto, provider, body, secret, { nowMs: now, ...(index === 0 ? {} : { scheme: scheme.id }) });
    } else {
      headers =
        scheme.kind === "basic" ? { Authorization: `Basic ${Buffer.from(secret).toString("base64")}` } : { [(scheme as { header: string }).header]: secret };
    }
    expect(await verify(authSchemes, provider, settings, headers)).toEqual({ ok: true });
    expect((await verify(authSchemes, provider, { [scheme.secrets]: [another] }, headers)).ok).toBe(false);
    expect((await verify(authSchemes, provider, settings, {})).ok).toBe(false);
    if (scheme.kind === "signature") {
      const ts = scheme.signature.timestamp;
      const timestamp = ts ? headers[ts.header] : undefined;
      const id = scheme.signature.id ? headers[scheme.signature.id.header] : undefined;
      // The signed id is the payload's where the declaration names its field (the body's id is evt_1).
      if (scheme.signature.id?.pointer === "/id") expect(id).toBe("evt_1");
      expect(headers[scheme.header]).toBe(expectedSignature(scheme, secret, { ...(timestamp ? { timestamp } : {}), ...(id ? { id } : {}) }));
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

describe("Standard Webhooks, checked both ways against the standardwebhooks library", async () => {
  // Every declared scheme whose key is a whsec_ key: Ivy's newer event API today (ivyStandardWebhooks).
  const providers = await loadContracts();
  const cases = providers.flatMap((p) =>
    p.auth.flatMap((s) => (s.kind === "signature" && s.signature.key?.prefix === "whsec_" ? [[`${p.name} ${s.id}`, p.name, s] as const] : [])),
  );
  const secret = `whsec_${Buffer.from("a Standard Webhooks key, 32 bytes").toString("base64")}`;
  const text = new TextDecoder().decode(body);

  it("Ivy declares one", () => expect(cases.map(([label]) => label)).toContain("ivy ivyStandardWebhooks"));

  describe.each(cases)("%s", (_label, provider, scheme) => {
    const settings = { [scheme.secrets]: [secret] };
    const at = Date.now();

    it("verifies what the library signs, one signature or several", async () => {
      const webhook = new Webhook(secret);
      const signature = webhook.sign("msg_2Lm", new Date(at), text);
      const headers = { "webhook-id": "msg_2Lm", "webhook-timestamp": String(Math.floor(at / 1000)), "webhook-signature": signature };
      expect(await verify(authSchemes, provider, settings, headers, body, at)).toEqual({ ok: true });
      // A rotation: the sender signs with an old key and the new one; any listed v1 entry may match.
      const old = new Webhook(`whsec_${Buffer.from("an older key that was rotated out").toString("base64")}`).sign("msg_2Lm", new Date(at), text);
      expect(await verify(authSchemes, provider, settings, { ...headers, "webhook-signature": `${old} ${signature}` }, body, at)).toEqual({ ok: true });
    });

    it("is verified by the library", async () => {
      const headers = lower(await signedHeaders(crypto, provider, body, secret, { scheme: scheme.id, nowMs: Date.now() }));
      expect(new Webhook(secret).verify(text, headers)).toEqual(JSON.parse(text));
    });

    it.each<[string, (h: Record<string, string>) => Record<string, string>, number, string]>([
      ["a signature made with another key", (h) => ({ ...h, "webhook-signature": `v1,${"A".repeat(43)}=` }), 0, "webhook-signature matches no configured key"],
      ["only a v2 entry", (h) => ({ ...h, "webhook-signature": h["webhook-signature"]!.replace("v1,", "v2,") }), 0, "holds no signature of version v1,"],
      ["a timestamp older than the tolerance", (h) => h, 301_000, "webhook-timestamp is more than 300 s from now"],
      ["another webhook-id than the one signed", (h) => ({ ...h, "webhook-id": "msg_other" }), 0, "webhook-signature matches no configured key"],
      ["no webhook-id", ({ "webhook-id": _, ...h }) => h, 0, "missing webhook-signature or webhook-timestamp or webhook-id header"],
    ])("refuses %s", async (_name, change, laterMs, reason) => {
      const signed = {
        "webhook-id": "msg_2Lm",
        "webhook-timestamp": String(Math.floor(at / 1000)),
        "webhook-signature": new Webhook(secret).sign("msg_2Lm", new Date(at), text),
      };
      const result = await verify(authSchemes, provider, settings, change(signed), body, at + laterMs);
      expect(result.ok).toBe(false);
      expect((result as { reason: string }).reason).toContain(reason);
    });
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
    ["hex where base64 is declared", { "X-Sig": `v1,${"ab".repeat(32)}` }, "X-Sig is not a base64 HMAC-SHA256 (44 characters) after v1,"],
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
