/**
 * The docs' payload checker, as a page runs it: each provider's bundle is built into a temporary folder
 * and evaluated in a fresh `node:vm` context that has Web Crypto and no Node, then judged against the code
 * it bundles, run in Node: the validators package on every fixture (same verdicts, same pointers) and
 * the receiver's signedHeaders on the same body, secret, time, id and alternative (same headers), and,
 * where an alternative's key is of Standard Webhooks' form (whsec_), the standardwebhooks library.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { type ProviderName, validators } from "@webhook-contracts/validators";
import { Webhook } from "standardwebhooks";
import { buildCheckers, receiverEntry } from "../build/checker.ts";
import { checkerSection, signatureIds } from "../build/checker-markup.ts";
import { type Checker, type CheckerSignatureScheme, type CheckResult, fieldOf } from "../src/checker-entry.ts";

const docsDir = fileURLToPath(new URL("..", import.meta.url));
const providers = await loadContracts();
const names = providers.map((p) => p.name);

type Mode = "tolerant" | "strict";
interface Outcome {
  ok: boolean;
  message?: string;
  errors?: { path: string }[];
  warnings: { path: string }[];
}
/** The package's own validator, typed as the test uses it. */
interface PackageValidator {
  validate(body: unknown, options: { mode: Mode }): Outcome;
  validateMessage(message: string, body: unknown, options: { mode: Mode }): Outcome;
}
const packageValidator = (provider: string) => validators[provider as ProviderName] as unknown as PackageValidator;

/** The receiver's public signer, in Node (its node:crypto backend). */
type SignedHeaders = typeof import("@webhook-contracts/receiver").signedHeaders;
type ParseJson = (text: string) => { ok: true; value: unknown } | { ok: false; error: unknown };
const receiver = (await import(pathToFileURL(receiverEntry()).href)) as { signedHeaders: SignedHeaders; parseJson: ParseJson };

/** Plain data out of the vm's realm, so results compare as values. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const pointers = (issues: { path: string }[] | { pointer: string }[] | undefined) => (issues ?? []).map((i) => ("pointer" in i ? i.pointer : i.path)).sort();

let outDir: string;
let sizes: Record<string, number>;
const checkers = new Map<string, Checker>();

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), "docs-checker-"));
  sizes = await buildCheckers(outDir, names);
  for (const provider of names) {
    const file = path.join(outDir, "assets/checker", `${provider}.js`);
    // What a browser page offers the script: Web Crypto, the encoders, base64; no process, no require.
    const context = vm.createContext({ crypto: globalThis.crypto, TextEncoder, TextDecoder, btoa, atob });
    vm.runInContext(readFileSync(file, "utf8"), context, { filename: file });
    const registry = context.webhookContractsChecker as Record<string, Checker> | undefined;
    checkers.set(provider, registry![provider]!);
  }
});

const checker = (provider: string) => checkers.get(provider)!;

/** The payload's string or number at a JSON Pointer (plain segments), if the body is JSON and has one there. */
function idAt(body: string, pointer: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const segment of pointer.split("/").slice(1))
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** Every alternative of every provider that signs the body, as the contracts declare it: [provider, scheme]. */
const signatureAlternatives = providers.flatMap((p) =>
  p.auth.filter((s): s is Extract<typeof s, { kind: "signature" }> => s.kind === "signature").map((s) => [p.name, s] as const),
);
const KEY_BYTES = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
/** Secrets of the form an alternative takes: its key form (`whsec_` and the base64 of 32 or 24 bytes) where it declares one. */
const secretsFor = (scheme: { signature: { key?: { prefix: string } } }): string[] =>
  scheme.signature.key
    ? [`${scheme.signature.key.prefix}${KEY_BYTES}`, `${scheme.signature.key.prefix}${Buffer.alloc(24, 7).toString("base64")}`]
    : // The last has a key's form (whsec_ and 32 bytes): told this alternative, it is this alternative's secret all the same.
      ["whsec_test_1", "s3cr3t with spaces and ünïcödé", `whsec_${KEY_BYTES}`];
const check = (provider: string, text: string, mode: Mode, message?: string): CheckResult => plain(checker(provider).validate(text, mode, message));

describe("the checker's bundles", () => {
  it("are one minified classic script per provider, and the UI script beside them", () => {
    expect(Object.keys(sizes).sort()).toEqual([...names].sort());
    for (const provider of names) {
      const text = readFileSync(path.join(outDir, "assets/checker", `${provider}.js`), "utf8");
      expect(Buffer.byteLength(text)).toBe(sizes[provider]);
      // A classic script: no import or export statement, and registered on the page's global.
      expect(text).not.toMatch(/^\s*(import|export)\b/m);
      expect(checker(provider).provider).toBe(provider);
      // Only its provider's validator came along (not every provider's, through the receiver's imports).
      const validator = readFileSync(path.join(docsDir, "../validators/dist/esm", `${provider}.js`));
      expect(sizes[provider]).toBeLessThan(validator.byteLength + 24_000);
    }
    expect(readFileSync(path.join(outDir, "assets/checker.js"), "utf8")).toBe(readFileSync(path.join(docsDir, "src/checker.js"), "utf8"));
  });
});

describe.each(providers.map((p) => [p.name, p] as const))("the %s checker", (provider, contract) => {
  const own = packageValidator(provider);

  it("passes every valid fixture in tolerant mode, as its message and as the message its discriminator picks", () => {
    let count = 0;
    for (const message of contract.messages) {
      for (const fixture of messageFixtures(provider, message.name, "valid")) {
        const where = `${provider}/${message.name}/valid/${fixture.name}`;
        const picked = check(provider, fixture.text, "tolerant");
        expect({ where, ok: picked.ok, errors: picked.errors }).toEqual({ where, ok: true, errors: [] });
        expect(pointers(picked.warnings), where).toEqual(pointers(own.validate(fixture.body, { mode: "tolerant" }).warnings));
        const asMessage = check(provider, fixture.text, "tolerant", message.name);
        expect({ where, ok: asMessage.ok, message: asMessage.message, mismatch: asMessage.mismatch }).toEqual({
          where,
          ok: true,
          message: message.name,
          mismatch: false,
        });
        count++;
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it("fails every invalid fixture with the pointers the package's validator gives, in either mode", () => {
    let count = 0;
    for (const message of contract.messages) {
      for (const fixture of messageFixtures(provider, message.name, "invalid")) {
        const where = `${provider}/${message.name}/invalid/${fixture.name}`;
        const mode: Mode = fixture.expected!.mode ?? "tolerant";
        const result = check(provider, fixture.text, mode);
        expect(result.ok, where).toBe(false);
        expect(pointers(result.errors), where).toContain(fixture.expected!.path);
        for (const m of ["tolerant", "strict"] as const) {
          const mine = check(provider, fixture.text, m);
          const theirs = own.validate(fixture.body, { mode: m });
          expect({ where, m, ok: mine.ok, message: mine.message, errors: pointers(mine.errors), warnings: pointers(mine.warnings) }).toEqual({
            where,
            m,
            ok: theirs.ok,
            message: theirs.message,
            errors: pointers(theirs.errors),
            warnings: pointers(theirs.warnings),
          });
          const asMessage = check(provider, fixture.text, m, message.name);
          const theirsAsMessage = own.validateMessage(message.name, fixture.body, { mode: m });
          expect({ where, m, ok: asMessage.ok, errors: pointers(asMessage.errors), warnings: pointers(asMessage.warnings) }).toEqual({
            where,
            m,
            ok: theirsAsMessage.ok,
            errors: pointers(theirsAsMessage.errors),
            warnings: pointers(theirsAsMessage.warnings),
          });
        }
        count++;
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it("signs a body exactly as the receiver's signedHeaders does, for the same secret and time", async () => {
    const bodies = [
      messageFixtures(provider, contract.messages[0]!.name, "valid")[0]!.text,
      '{"a":1}\r\n',
      '{ "name": "Zoë ✓ 😀", "n": 1.50 }',
      "not json at all",
      "",
    ];
    // Told no alternative: the first, whatever the secret's form (the page always says which).
    const first = contract.auth[0]!;
    const secrets = first.kind === "signature" ? secretsFor(first) : ["whsec_test_1", "s3cr3t with spaces and ünïcödé"];
    for (const body of bodies) {
      for (const secret of secrets) {
        for (const nowMs of [1_700_000_000_123, 1_767_225_600_000]) {
          const expected = await receiver.signedHeaders(provider, body, secret, { nowMs, scheme: first.id });
          const got = plain(await checker(provider).sign(body, secret, { nowMs }));
          // An id the body does not give is a new one each time: the receiver, told it, must agree on the rest.
          const idHeader = first.kind === "signature" ? first.signature.id?.header : undefined;
          const told = idHeader ? await receiver.signedHeaders(provider, body, secret, { nowMs, scheme: first.id, id: got[idHeader] }) : expected;
          expect(got, JSON.stringify({ body, secret, nowMs })).toEqual(told);
          const bytes = new TextEncoder().encode(body);
          const gotBytes = plain(await checker(provider).sign(bytes, secret, { nowMs }));
          expect(gotBytes).toEqual(
            idHeader ? await receiver.signedHeaders(provider, bytes, secret, { nowMs, scheme: first.id, id: gotBytes[idHeader] }) : expected,
          );
        }
      }
    }
  });
});

describe.each(signatureAlternatives.map(([provider, scheme]) => [`${provider} ${scheme.id}`, provider, scheme] as const))(
  "the signature alternative %s",
  (_, provider, scheme) => {
    const spec = scheme.signature;
    const secrets = secretsFor(scheme);
    const bodies = [
      messageFixtures(provider, providers.find((p) => p.name === provider)!.messages[0]!.name, "valid")[0]!.text,
      '{"a":1}\r\n',
      "not json at all",
      "",
    ];
    const sign = (body: string | Uint8Array, secret: string, options: { timestamp?: string; id?: string; nowMs?: number } = {}) =>
      checker(provider)
        .sign(body, secret, { scheme: scheme.id, ...options })
        .then(plain);

    it("is among the checker's signatures, in declaration order", () => {
      expect(plain(checker(provider).signatures).map((s) => s.id)).toEqual(signatureAlternatives.filter(([p]) => p === provider).map(([, s]) => s.id));
      expect(plain(checker(provider).signatures.find((s) => s.id === scheme.id))).toMatchObject({ header: scheme.header, signature: spec });
    });

    it("signs exactly as the receiver's signedHeaders does, told the alternative, the secret, the time and the id", async () => {
      const ids = spec.id ? [undefined, "msg_p5jXN8AQM9LWM0D4loKWxJek", "42"] : [undefined];
      for (const body of bodies) {
        for (const secret of secrets) {
          for (const nowMs of [1_700_000_000_123, 1_767_225_600_000]) {
            for (const id of ids) {
              const where = JSON.stringify({ body, secret, nowMs, id });
              const got = await sign(body, secret, { nowMs, ...(id === undefined ? {} : { id }) });
              expect(Object.keys(got).sort(), where).toEqual(
                [scheme.header, ...(spec.timestamp ? [spec.timestamp.header] : []), ...(spec.id ? [spec.id.header] : [])].sort(),
              );
              // Without an id, the payload's (at id.pointer) or, where it has none, a new one: told it, the receiver agrees.
              const usedId = spec.id ? (id ?? got[spec.id.header]) : undefined;
              if (spec.id && id !== undefined) expect(got[spec.id.header]).toBe(id);
              const expected = await receiver.signedHeaders(provider, body, secret, {
                nowMs,
                scheme: scheme.id,
                ...(usedId === undefined ? {} : { id: usedId }),
              });
              expect(got, where).toEqual(expected);
              if (spec.id && id === undefined && spec.id.pointer !== undefined) {
                // The receiver, told nothing, takes the same id from the payload where there is one.
                const payloadId = idAt(body, spec.id.pointer);
                if (payloadId !== undefined) {
                  expect(got[spec.id.header], where).toBe(payloadId);
                  expect(await receiver.signedHeaders(provider, body, secret, { nowMs, scheme: scheme.id }), where).toEqual(got);
                }
              }
              const bytes = new TextEncoder().encode(body);
              expect(await sign(bytes, secret, { nowMs, ...(usedId === undefined ? {} : { id: usedId }) }), where).toEqual(
                await receiver.signedHeaders(provider, bytes, secret, { nowMs, scheme: scheme.id, ...(usedId === undefined ? {} : { id: usedId }) }),
              );
            }
          }
        }
      }
    });

    it("signs the timestamp and the id as received: their text, trimmed, in the alternative's unit", async () => {
      const [body] = bodies;
      const [secret] = secrets;
      const at = 1_700_000_000_123;
      if (spec.timestamp) {
        const text = spec.timestamp.unit === "seconds" ? String(Math.floor(at / 1000)) : String(at);
        const expected = await receiver.signedHeaders(provider, body!, secret!, { nowMs: at, scheme: scheme.id, ...(spec.id ? { id: "msg_1" } : {}) });
        expect(expected[spec.timestamp.header]).toBe(text);
        expect(await sign(body!, secret!, { timestamp: ` ${text} `, ...(spec.id ? { id: " msg_1 " } : {}) })).toEqual(expected);
        const other = spec.timestamp.unit === "seconds" ? String(at) : String(Math.floor(at / 1000));
        await expect(sign(body!, secret!, { timestamp: other })).rejects.toThrow(new RegExp(`epoch ${spec.timestamp.unit}: ${text.length} digits`));
      } else {
        await expect(sign(body!, secret!, { timestamp: "1700000000123" })).rejects.toThrow(/covers no timestamp/);
      }
      if (!spec.id) await expect(sign(body!, secret!, { id: "msg_1" })).rejects.toThrow(/covers no id/);
      // Empty inputs are as if absent.
      expect(await sign(body!, secret!, { nowMs: at, timestamp: " ", id: "" })).toEqual(await sign(body!, secret!, { nowMs: at }));
    });

    it("says whether a received signature is the one for this body, secret, time and id", async () => {
      const [body] = bodies;
      const [secret, otherSecret] = secrets;
      const at = 1_767_225_600_000;
      const options = { nowMs: at, ...(spec.id ? { id: "msg_1" } : {}) };
      const headers = await sign(body!, secret!, options);
      const sent = headers[scheme.header]!;
      const digestOf = (value: string) => value.slice((spec.prefix ?? "").length);
      const wrongBody = (await sign(`${body} `, secret!, options))[scheme.header]!;
      const wrongSecret = (await sign(body!, otherSecret!, options))[scheme.header]!;
      const later = (await sign(body!, secret!, { ...options, nowMs: at + 1000 }))[scheme.header]!;
      const matches = (given: string) => checker(provider).signatureMatches(headers, given, scheme.id);
      const cases: [string, boolean][] = [
        [sent, true],
        [` ${sent} `, true],
        // Pasted without its prefix: the digest alone.
        [digestOf(sent), true],
        [wrongBody, false],
        [wrongSecret, false],
        [later, spec.timestamp === undefined],
        ["", false],
        [spec.prefix ?? "", false],
      ];
      if (spec.encoding === "hex") cases.push([`${spec.prefix ?? ""}${digestOf(sent).toUpperCase()}`, true]);
      if (spec.separator) {
        const sep = spec.separator;
        cases.push(
          [`${wrongBody}${sep}${sent}`, true],
          [`${sent}${sep}${wrongSecret}`, true],
          [`${wrongBody}${sep}${sep}${wrongSecret}${sep}${sent}${sep}`, true],
          [`${wrongBody}${sep}${wrongSecret}`, false],
          // An entry of another version, even with our digest, is not ours.
          [`v0a,${digestOf(sent)}`, false],
        );
      }
      for (const [given, expected] of cases) expect({ given, match: matches(given) }).toEqual({ given, match: expected });
      expect(checker(provider).signatureMatches({}, sent, scheme.id)).toBe(false);
    });

    // Only where the key is a Standard Webhooks key: defined, not skipped, elsewhere (CI counts a skip as a missing service).
    if (spec.key?.prefix === "whsec_")
      it("agrees with the standardwebhooks library, both ways, on the key's form (whsec_)", async () => {
        const [body] = bodies;
        for (const secret of secrets) {
          const library = new Webhook(secret);
          // Now, so that the library's own check of the timestamp passes.
          const headers = await sign(body!, secret);
          const [idHeader, tsHeader] = [spec.id!.header, spec.timestamp!.header];
          const id = headers[idHeader]!;
          const seconds = Number(headers[tsHeader]);
          const theirs = library.sign(id, new Date(seconds * 1000), body!);
          expect(headers[scheme.header]).toBe(theirs);
          const lowercase = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
          expect(() => library.verify(body!, lowercase(headers))).not.toThrow();
          const other = new Webhook(secretsFor(scheme).find((s) => s !== secret)!).sign(id, new Date(seconds * 1000), body!);
          for (const [given, ok] of [
            [theirs, true],
            [`${other}${spec.separator ?? " "}${theirs}`, true],
            [`${other}`, false],
            [`${other}${spec.separator ?? " "}${new Webhook(secret).sign(id, new Date(seconds * 1000), `${body} `)}`, false],
          ] as const) {
            expect({ given, checker: checker(provider).signatureMatches(headers, given, scheme.id) }).toEqual({ given, checker: ok });
            const verify = () => library.verify(body!, lowercase({ ...headers, [scheme.header]: given }));
            if (ok) expect(verify).not.toThrow();
            else expect(verify).toThrow();
          }
        }
      });
  },
);

describe("signatures", () => {
  const body = messageFixtures("ivy", "order_updated", "valid")[0]!.text;

  it("match the signature a provider sent for this body, and only that", async () => {
    const ivy = checker("ivy");
    const headers = plain(await ivy.sign(body, "whsec_ivy"));
    const sent = (await receiver.signedHeaders("ivy", body, "whsec_ivy"))["X-Ivy-Signature"]!;
    expect(ivy.signatureMatches(headers, sent)).toBe(true);
    expect(ivy.signatureMatches(headers, ` ${sent.toUpperCase()} `)).toBe(true);
    expect(ivy.signatureMatches(headers, (await receiver.signedHeaders("ivy", `${body} `, "whsec_ivy"))["X-Ivy-Signature"]!)).toBe(false);
    expect(ivy.signatureMatches(headers, "")).toBe(false);
  });

  it("use the timestamp as received: its text is what is signed", async () => {
    const scalapay = checker("scalapay");
    const at = 1_700_000_000_123;
    const expected = await receiver.signedHeaders("scalapay", body, "key", { nowMs: at });
    expect(plain(await scalapay.sign(body, "key", { timestamp: ` ${at} ` }))).toEqual(expected);
    expect(expected["x-scalapay-timestamp"]).toBe(String(at));
    await expect(scalapay.sign(body, "key", { timestamp: "1700000000" })).rejects.toThrow(/epoch milliseconds: 13 digits/);
    await expect(checker("ivy").sign(body, "key", { timestamp: "1700000000123" })).rejects.toThrow(/no timestamp/);
  });

  it("name no alternative the provider does not declare", async () => {
    await expect(checker("ivy").sign(body, "key", { scheme: "scalapaySignature" })).rejects.toThrow(/ivy has no authentication scheme "scalapaySignature"/);
    expect(() => checker("ivy").signatureMatches({}, "x", "nope")).toThrow(/no authentication scheme "nope"/);
    // An alternative that does not sign has no signature to match.
    const retorna = checker("retorna");
    expect(retorna.signatures).toHaveLength(0);
    const headers = plain(await retorna.sign(body, "user:password", { scheme: retorna.schemes[1]!.id }));
    expect(headers).toEqual(await receiver.signedHeaders("retorna", body, "user:password", { scheme: retorna.schemes[1]!.id }));
    expect(retorna.signatureMatches(headers, headers.Authorization!, retorna.schemes[1]!.id)).toBe(false);
  });
});

describe("what a check reports", () => {
  it("reports a JSON syntax error with its position, as the receiver does, and checks nothing else", () => {
    for (const text of ['{"type": "test",}', '{"a": 1', "{\n  'a': 1\n}", "", "[1, 2] x"]) {
      const result = check("ivy", text, "tolerant");
      const parsed = receiver.parseJson(text);
      expect(parsed.ok).toBe(false);
      expect(result).toMatchObject({ ok: false, errors: [], warnings: [], syntaxError: parsed.ok ? undefined : plain(parsed.error) });
      expect(result.syntaxError!.position).toBeGreaterThanOrEqual(0);
    }
    expect(check("ivy", "{\n  'a': 1\n}", "tolerant").syntaxError).toMatchObject({ position: 4, line: 2, column: 3 });
  });

  it("says when the discriminator picks another message than the page's", () => {
    const text = messageFixtures("ivy", "order_created", "valid")[0]!.text;
    const result = check("ivy", text, "tolerant", "order_updated");
    expect(result).toMatchObject({
      message: "order_updated",
      picked: "order_created",
      mismatch: true,
      discriminator: "/type",
      discriminatorValue: '"order_created"',
    });
    expect(() => checker("ivy").validate(text, "tolerant", "no_such_message")).toThrow(/no message "no_such_message"/);
  });

  it("names each issue's field as the docs pages do: its data-pointer pattern and its anchor", () => {
    const fixture = messageFixtures("ivy", "order_updated", "invalid").find((f) => f.expected!.path === "/payload/statusHistoryList/1/previousStatus")!;
    const issue = check("ivy", fixture.text, "strict").errors.find((i) => i.pointer === fixture.expected!.path)!;
    expect(issue).toMatchObject({
      severity: "error",
      field: "/payload/statusHistoryList/*/previousStatus",
      anchor: "field-payload.statusHistoryList[].previousStatus",
    });
    expect(issue.expected).not.toBe("");
    expect(issue.received).not.toBe("");
    expect(check("ivy", fixture.text, "tolerant").warnings.find((i) => i.pointer === fixture.expected!.path)).toMatchObject({ severity: "warning" });
    expect(fieldOf("/payload/lineItems/0/name", { payload: { lineItems: [{ name: 1 }] } })).toEqual({
      field: "/payload/lineItems/*/name",
      anchor: "field-payload.lineItems[].name",
    });
    // A property named like an index is a property; escaped segments stay escaped in the pattern only.
    expect(fieldOf("/codes/0/a~1b", { codes: { "0": { "a/b": 1 } } })).toEqual({ field: "/codes/0/a~1b", anchor: "field-codes.0.a/b" });
    expect(fieldOf("", {})).toEqual({ field: "", anchor: "" });
  });
});

describe("the checker's section", () => {
  it("has ids that start with checker and appear once, and the inputs its provider's authentication needs", () => {
    for (const contract of providers) {
      for (const message of [undefined, contract.messages[0]!.name]) {
        const html = checkerSection({ provider: contract.name, ...(message ? { message } : {}), root: "../../", scheme: contract.auth });
        const ids = [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);
        expect(new Set(ids).size, contract.name).toBe(ids.length);
        expect(ids.filter((id) => !id.startsWith("checker"))).toEqual([]);
        // Every label names a control that exists, and every control but the button has a label.
        const labelled = [...html.matchAll(/<label for="([^"]*)"/g)].map((m) => m[1]!);
        expect(labelled.filter((id) => !ids.includes(id))).toEqual([]);
        const controls = [...html.matchAll(/<(?:input|textarea)[^>]*\sid="([^"]*)"/g)].map((m) => m[1]!);
        expect(controls.filter((id) => !labelled.includes(id))).toEqual([]);
        expect(html).toContain(`data-bundle="../../assets/checker/${contract.name}.js"`);
        expect(html).toMatch(/id="checker-results"[^>]*aria-live="polite"/);
        expect(html.includes(`data-message="${message}"`)).toBe(message !== undefined);
        const first = contract.auth[0]!;
        expect(html.includes('type="password" id="checker-secret"')).toBe(first.kind === "signature");
        expect(html.includes('id="checker-timestamp"')).toBe(first.kind === "signature" && first.signature.timestamp !== undefined);
        // One fieldset of inputs and one block of results per alternative that signs; the first keeps the plain ids.
        const signing = contract.auth.filter((s) => s.kind === "signature");
        expect([...html.matchAll(/<fieldset id="[^"]*" class="checker-auth checker-signature" data-scheme="([^"]*)"/g)].map((m) => m[1])).toEqual(
          signing.map((s) => s.id),
        );
        expect([...html.matchAll(/class="checker-signature-result" data-scheme="([^"]*)" hidden/g)].map((m) => m[1])).toEqual(signing.map((s) => s.id));
        signing.forEach((s, i) => {
          const ids = signatureIds(s, i === 0);
          if (i === 0)
            expect(ids).toMatchObject({ secret: "checker-secret", received: "checker-received", headers: "checker-headers", match: "checker-match" });
          else expect(Object.values(ids).every((id) => id.endsWith(`-${s.id}`))).toBe(true);
          const fieldset = html.slice(
            html.indexOf(`<fieldset id="${ids.fieldset}"`),
            html.indexOf("</fieldset>", html.indexOf(`<fieldset id="${ids.fieldset}"`)),
          );
          expect(fieldset).toContain(`<legend>Signature <code>${s.id}</code>: <code>${s.header}</code></legend>`);
          expect(fieldset).toContain(`type="password" id="${ids.secret}" class="checker-secret"`);
          // The label names the setting the secret is one of, and the key's form where one is declared.
          const label = fieldset.match(new RegExp(`<label for="${ids.secret}">(.*?)</label>`))![1]!;
          expect(label).toContain(`<code>${s.secrets}</code>`);
          expect(label.includes(`<code>${s.signature.key?.prefix}…</code>`)).toBe(s.signature.key !== undefined);
          expect(fieldset.includes(`id="${ids.timestamp}"`)).toBe(s.signature.timestamp !== undefined);
          expect(fieldset.includes(`id="${ids.signedId}"`)).toBe(s.signature.id !== undefined);
          if (s.signature.id?.pointer !== undefined)
            expect(fieldset).toContain(`<code>${s.signature.id.header}</code> as received; empty: the payload's <code>${s.signature.id.pointer}</code>`);
          expect(fieldset).toContain(`id="${ids.received}" class="checker-received"`);
          expect(html).toContain(`<code id="${ids.headers}"></code>`);
          // No empty box of headers before a secret is typed.
          expect(html).toContain(
            `<div class="checker-headers-block" hidden><p class="checker-headers-caption">Headers for this body:</p><pre class="checker-headers"><code id="${ids.headers}">`,
          );
        });
        // Alternatives that do not sign are named beside (or alone, with no signature).
        const unsigned = contract.auth.filter((s) => s.kind !== "signature");
        expect(html.includes("checker-unsigned")).toBe(unsigned.length > 0);
        if (signing.length > 0 && unsigned.length > 0) expect(html).toContain("Or unsigned: the receiver also accepts");
        if (first.kind === "apiKey") expect(html).toContain(`<code>${first.header}</code> header`);
      }
    }
  });

  it("gives every alternative that signs its own inputs, with ids unique on the page, and names the unsigned ones beside", () => {
    // Every provider's alternatives at once: signatures of each shape, an API key, Basic.
    const all = providers.flatMap((p) => p.auth);
    const html = checkerSection({ provider: "ivy", root: "../", scheme: all });
    const ids = [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const signing = all.filter((s) => s.kind === "signature");
    expect(signing.length).toBeGreaterThan(1);
    expect(html.match(/<fieldset id="checker-signature[^"]*"/g)).toHaveLength(signing.length);
    expect(html).toContain(`The receiver accepts any one of ${signing.length} signatures`);
    expect(html).toContain("Or unsigned: the receiver also accepts either");
    expect(ids.filter((id) => id.startsWith("checker-secret") && !id.includes("note"))).toEqual(signing.map((s, i) => signatureIds(s, i === 0).secret));
  });
});
