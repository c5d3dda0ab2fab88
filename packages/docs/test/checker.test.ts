/**
 * The docs' payload checker, as a page runs it: each provider's bundle is built into a temporary folder
 * and evaluated in a fresh `node:vm` context that has Web Crypto and no Node, then judged against the code
 * it bundles, run in Node: the validators package on every fixture (same verdicts, same pointers) and
 * the receiver's signedHeaders on the same body, secret and time (same headers).
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
import { buildCheckers, receiverEntry } from "../build/checker.ts";
import { checkerSection } from "../build/checker-markup.ts";
import { type Checker, type CheckResult, fieldOf } from "../src/checker-entry.ts";

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
type SignedHeaders = (provider: string, body: string | Uint8Array, secret: string, options?: { nowMs?: number }) => Promise<Record<string, string>>;
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
    const secrets = ["whsec_test_1", "s3cr3t with spaces and ünïcödé"];
    for (const body of bodies) {
      for (const secret of secrets) {
        for (const nowMs of [1_700_000_000_123, 1_767_225_600_000]) {
          const expected = await receiver.signedHeaders(provider, body, secret, { nowMs });
          expect(plain(await checker(provider).sign(body, secret, { nowMs })), JSON.stringify({ body, secret, nowMs })).toEqual(expected);
          const bytes = new TextEncoder().encode(body);
          expect(plain(await checker(provider).sign(bytes, secret, { nowMs }))).toEqual(await receiver.signedHeaders(provider, bytes, secret, { nowMs }));
        }
      }
    }
  });
});

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
        if (first.kind === "apiKey") expect(html).toContain(`<code>${first.header}</code> header`);
      }
    }
  });
});
