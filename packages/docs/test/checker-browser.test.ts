/**
 * The payload checker in a real browser (Debian's chromium through playwright-core), on a page opened as a
 * file:// URL as a reader of the unpacked package would: the section from checkerSection, some field rows
 * like a message page's, assets/checker.js and Ivy's bundle; then, on a page of each provider that signs,
 * every signature alternative it declares, against the receiver's signedHeaders told that alternative.
 * Locally without chromium these tests are skipped; in CI (CI=true) a missing browser fails.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthScheme, loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { buildCheckers, checkerScriptPath, receiverEntry } from "../build/checker.ts";
import { checkerSection, signatureIds } from "../build/checker-markup.ts";
import { CHROMIUM_ARGS, findChromium } from "../../../tests/support/chromium.js";

const executablePath = findChromium();
if (!executablePath && process.env.CI) throw new Error("CI=true but no chromium: install Debian's chromium (.ci/run does) or set CHROMIUM_PATH");

const docsDir = fileURLToPath(new URL("..", import.meta.url));
const contracts = await loadContracts();
const ivy = contracts.find((p) => p.name === "ivy")!;
type SignedHeaders = typeof import("@webhook-contracts/receiver").signedHeaders;
const { signedHeaders } = (await import(pathToFileURL(receiverEntry()).href)) as { signedHeaders: SignedHeaders };

type Signature = Extract<AuthScheme, { kind: "signature" }>;
const signaturesOf = (auth: readonly AuthScheme[]) => auth.filter((s): s is Signature => s.kind === "signature");
/** A secret of the form an alternative takes: `whsec_` and the base64 of 32 bytes where it declares that key form (the first is the earlier tests' secret). */
const secretFor = (scheme: Signature, n = 0) =>
  scheme.signature.key ? `${scheme.signature.key.prefix}${Buffer.alloc(32, 0x41 + n).toString("base64")}` : `whsec_docs_checker${n === 0 ? "" : `_${n}`}`;
/** The timestamp header's text for a time, in the alternative's unit. */
const timestampText = (scheme: Signature, ms: number) => (scheme.signature.timestamp?.unit === "seconds" ? String(Math.floor(ms / 1000)) : String(ms));
/** Headers as the page shows them: one "name: value" line each, in the signer's order. */
const shown = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
/** A page like a message page: some field rows, the checker's section for the provider's alternatives, the UI script. */
const pageHtml = (provider: string, message: string, auth: readonly AuthScheme[], rows = "") => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${provider} ${message}</title><link rel="icon" href="data:,"></head>
<body><main><h1>${provider} ${message}</h1>
<table class="fields"><tbody>
${rows}
</tbody></table>
${checkerSection({ provider, message, root: "../../", scheme: auth })}
</main>
<script src="../../${checkerScriptPath}"></script>
</body></html>`;

const fixture = (kind: "valid" | "invalid", name: string) => messageFixtures("ivy", "order_updated", kind).find((f) => f.name === name)!;
const nullCreatedAt = fixture("invalid", "null-created-at"); // /payload/createdAt, an error in tolerant mode
const unknownPrevious = fixture("invalid", "unknown-previous-status"); // /payload/statusHistoryList/1/previousStatus, strict only
const paid = fixture("valid", "paid");

/** Field rows as a message page has them: an anchor id and the pointer pattern of each field. */
const fieldRows = ["type", "payload", "payload.createdAt", "payload.statusHistoryList", "payload.statusHistoryList[].previousStatus"]
  .map((dotted) => {
    const pointer = `/${dotted.replace(/\[\]/g, ".*").split(".").join("/")}`;
    return `<tr id="field-${dotted}" data-pointer="${pointer}"><td><code>${dotted}</code></td></tr>`;
  })
  .join("\n");

describe.skipIf(!executablePath)("the payload checker in Chromium, from file://", () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "docs-checker-browser-"));
    await buildCheckers(dir, ["ivy"]);
    mkdirSync(path.join(dir, "messages/ivy"), { recursive: true });
    writeFileSync(path.join(dir, "messages/ivy/order_updated.html"), pageHtml("ivy", "order_updated", ivy.auth, fieldRows));
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("request", (r) => requests.push(r.url()));
    // Nothing but the page's own files: any other request is refused (and the last test says there was none).
    await page.route("**/*", (route) => (route.request().url().startsWith("file://") ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(path.join(dir, "messages/ivy/order_updated.html")).href);
  });

  afterAll(async () => {
    await browser?.close();
  });

  const summary = () => page.locator("#checker-summary");
  const issuePointers = () => page.locator("#checker-issues .checker-issue-pointer").allTextContents();
  const flagged = () => page.locator(".checker-flagged").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-pointer")));

  it("loads the provider's bundle only when the checker is first used", async () => {
    expect(requests.some((u) => u.endsWith("/assets/checker.js"))).toBe(true);
    expect(requests.some((u) => u.endsWith("/assets/checker/ivy.js"))).toBe(false);
    expect(await page.evaluate(() => typeof (globalThis as { webhookContractsChecker?: unknown }).webhookContractsChecker)).toBe("undefined");
    await page.locator("#checker-body").focus();
    await page.waitForFunction(() => Boolean((globalThis as { webhookContractsChecker?: Record<string, unknown> }).webhookContractsChecker?.ivy));
    expect(requests.filter((u) => u.endsWith("/assets/checker/ivy.js"))).toHaveLength(1);
  });

  it("reports an invalid payload's exact pointer and flags the field", async () => {
    await page.locator("#checker-body").fill(nullCreatedAt.text);
    await page.locator("#checker-run").click();
    await expect.poll(() => summary().getAttribute("data-verdict")).toBe("invalid");
    expect(await issuePointers()).toContain("/payload/createdAt");
    const issue = page.locator("#checker-issues li.checker-issue-error", {
      has: page.locator(".checker-issue-pointer", { hasText: /^\/payload\/createdAt$/ }),
    });
    expect(await issue.locator("a.checker-issue-pointer").getAttribute("href")).toBe("#field-payload.createdAt");
    expect(await issue.locator(".checker-issue-expected code").textContent()).not.toBe("");
    expect(await issue.locator(".checker-issue-received code").textContent()).toBe("null");
    expect(await flagged()).toEqual(["/payload/createdAt"]);
    expect(await summary().textContent()).toContain("Checked as order_updated.");
  });

  it("flags an array item's field by its pattern, in strict mode, checking on Ctrl+Enter", async () => {
    await page.locator("#checker-body").fill(unknownPrevious.text);
    await page.locator("#checker-mode-strict").check();
    await page.locator("#checker-body").press("Control+Enter");
    await expect.poll(() => issuePointers()).toContain("/payload/statusHistoryList/1/previousStatus");
    expect(await summary().getAttribute("data-verdict")).toBe("invalid");
    // The earlier check's flag is gone; this one's field is flagged.
    expect(await flagged()).toEqual(["/payload/statusHistoryList/*/previousStatus"]);
    // Tolerant mode: the same problem is a warning, and the payload passes.
    await page.locator("#checker-mode-tolerant").check();
    await expect.poll(() => summary().getAttribute("data-verdict")).toBe("valid");
    expect(await page.locator("#checker-issues li.checker-issue-warning .checker-issue-pointer").allTextContents()).toContain(
      "/payload/statusHistoryList/1/previousStatus",
    );
  });

  it("says a valid payload is valid, and clears the flags", async () => {
    await page.locator("#checker-body").fill(paid.text);
    await page.locator("#checker-run").click();
    await expect.poll(() => summary().getAttribute("data-verdict")).toBe("valid");
    expect(await summary().getAttribute("data-errors")).toBe("0");
    expect(await flagged()).toEqual([]);
  });

  it("reports a JSON syntax error with its position", async () => {
    await page.locator("#checker-body").fill('{\n  "type": "order_updated",\n}');
    await page.locator("#checker-run").click();
    await expect.poll(() => summary().getAttribute("data-verdict")).toBe("syntax");
    expect(await summary().textContent()).toMatch(/line 3, column 1/);
  });

  it("shows no headers before a secret is typed, and says for each alternative which secret it takes", async () => {
    await page.locator("#checker-body").fill(paid.text);
    await page.locator("#checker-run").click();
    await expect.poll(() => summary().getAttribute("data-verdict")).toBe("valid");
    const signing = signaturesOf(ivy.auth);
    expect(signing.length).toBeGreaterThan(1);
    for (const [i, scheme] of signing.entries()) {
      const ids = signatureIds(scheme, i === 0);
      const result = page.locator(`#${ids.result}`);
      await expect.poll(() => result.isVisible()).toBe(true);
      expect(await result.locator(".checker-headers-block").isHidden()).toBe(true);
      expect(await page.locator(`#${ids.headers}`).textContent()).toBe("");
      const match = page.locator(`#${ids.match}`);
      await expect.poll(() => match.getAttribute("data-match")).toBe("none");
      const hint = (await match.textContent())!;
      expect(hint).toContain(scheme.secrets);
      expect(hint).toContain(scheme.header);
      if (scheme.signature.key) expect(hint).toContain(`${scheme.signature.key.prefix}…`);
    }
  });

  it("computes the Ivy signature node's signedHeaders computes, and says whether a received one matches", async () => {
    const secret = "whsec_docs_checker";
    const expected = await signedHeaders("ivy", paid.text, secret);
    await page.locator("#checker-body").fill(paid.text);
    await page.locator("#checker-secret").fill(secret);
    await page.locator("#checker-received").fill(expected["X-Ivy-Signature"]!);
    await page.locator("#checker-run").click();
    await expect.poll(() => page.locator("#checker-headers").textContent()).toBe(`X-Ivy-Signature: ${expected["X-Ivy-Signature"]}`);
    expect(await page.locator("#checker-match").getAttribute("data-match")).toBe("yes");
    const other = await signedHeaders("ivy", paid.text, "another secret");
    await page.locator("#checker-received").fill(other["X-Ivy-Signature"]!);
    await page.locator("#checker-received").press("Enter");
    await expect.poll(() => page.locator("#checker-match").getAttribute("data-match")).toBe("no");
  });

  it("shows every alternative's headers and result for one body when each one's secret is typed (a list of signatures too)", async () => {
    const signing = signaturesOf(ivy.auth);
    // Now: the standardwebhooks library checks the timestamp against its clock.
    const at = Date.now();
    await page.locator("#checker-body").fill(paid.text);
    const expected: Record<string, string>[] = [];
    for (const [i, scheme] of signing.entries()) {
      const ids = signatureIds(scheme, i === 0);
      const spec = scheme.signature;
      await page.locator(`#${ids.secret}`).fill(secretFor(scheme));
      if (spec.timestamp) await page.locator(`#${ids.timestamp}`).fill(timestampText(scheme, at));
      // The id left empty: the payload's, at the declared pointer.
      if (spec.id) await page.locator(`#${ids.signedId}`).fill("");
      const headers = await signedHeaders("ivy", paid.text, secretFor(scheme), { nowMs: at, scheme: scheme.id });
      expected.push(headers);
      const wrong = (await signedHeaders("ivy", paid.text, secretFor(scheme, 1), { nowMs: at, scheme: scheme.id }))[scheme.header]!;
      // A list where the alternative's header is one: an entry of another secret, then the right one.
      await page.locator(`#${ids.received}`).fill(spec.separator ? `${wrong}${spec.separator}${headers[scheme.header]}` : headers[scheme.header]!);
    }
    await page.locator("#checker-run").click();
    for (const [i, scheme] of signing.entries()) {
      const ids = signatureIds(scheme, i === 0);
      await expect.poll(() => page.locator(`#${ids.headers}`).textContent()).toBe(shown(expected[i]!));
      await expect.poll(() => page.locator(`#${ids.match}`).getAttribute("data-match")).toBe("yes");
      expect(await page.locator(`#${ids.result} .checker-headers-block`).isVisible()).toBe(true);
      if (scheme.signature.key?.prefix === "whsec_") {
        // What the page shows is what the standardwebhooks library makes and accepts.
        const lower = Object.fromEntries(Object.entries(expected[i]!).map(([k, v]) => [k.toLowerCase(), v]));
        expect(() => new Webhook(secretFor(scheme)).verify(paid.text, lower)).not.toThrow();
        const { id, timestamp } = { id: lower[scheme.signature.id!.header]!, timestamp: lower[scheme.signature.timestamp!.header]! };
        expect(new Webhook(secretFor(scheme)).sign(id, new Date(Number(timestamp) * 1000), paid.text)).toBe(expected[i]![scheme.header]);
      }
    }
    // A list with no right entry does not match; the other alternative's result stays as it was.
    const last = signing.at(-1)!;
    const lastIds = signatureIds(last, signing.length === 1);
    const wrongs = await Promise.all(
      [1, 2].map(async (n) => (await signedHeaders("ivy", paid.text, secretFor(last, n), { nowMs: at, scheme: last.id }))[last.header]!),
    );
    await page.locator(`#${lastIds.received}`).fill(wrongs.join(last.signature.separator ?? " "));
    await page.locator(`#${lastIds.received}`).press("Enter");
    await expect.poll(() => page.locator(`#${lastIds.match}`).getAttribute("data-match")).toBe("no");
    await expect.poll(() => page.locator(`#${signatureIds(signing[0]!, true).match}`).getAttribute("data-match")).toBe("yes");
    // Clear the other alternatives for the tests that follow (they read the first one's result).
    for (const [i, scheme] of signing.entries()) {
      if (i === 0) continue;
      const ids = signatureIds(scheme, false);
      await page.locator(`#${ids.secret}`).fill("");
      await page.locator(`#${ids.received}`).fill("");
      if (scheme.signature.timestamp) await page.locator(`#${ids.timestamp}`).fill("");
    }
  });

  it("checks and signs a dropped file's exact bytes (CRLF line ends kept)", async () => {
    const text = paid.text.replace(/\n/g, "\r\n");
    const expected = await signedHeaders("ivy", text, "whsec_docs_checker");
    expect(expected).not.toEqual(await signedHeaders("ivy", paid.text, "whsec_docs_checker"));
    await page.locator("#checker-received").fill("");
    // A file dropped on the box, as the browser dispatches it (the test's types know no DOM: the page's are declared).
    await page.locator("#checker-body").evaluate((box, content) => {
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        DragEvent: new (type: string, init: object) => unknown;
      };
      const transfer = new dom.DataTransfer();
      transfer.items.add(new File([content], "delivery.json", { type: "application/json" }));
      for (const type of ["dragenter", "dragover", "drop"])
        box.dispatchEvent(new dom.DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }) as Event);
    }, text);
    await expect.poll(() => page.locator("#checker-headers").textContent()).toBe(`X-Ivy-Signature: ${expected["X-Ivy-Signature"]}`);
    expect(await summary().getAttribute("data-verdict")).toBe("valid");
    expect(await page.locator("#checker-status").textContent()).toContain("delivery.json");
  });

  it("has no accessibility violation axe-core finds in the checker", async () => {
    const axePath = createRequire(path.join(docsDir, "package.json")).resolve("axe-core/axe.min.js");
    await page.addScriptTag({ content: await readFile(axePath, "utf8") });
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: string): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
      return (await axe.run("#checker")).violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
  });

  it("sent no request outside file:// and logged no console error", () => {
    expect(requests.filter((u) => !u.startsWith("file://") && !u.startsWith("data:"))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

/** Every provider that declares an alternative that signs, each such alternative with its place among them. */
const signingProviders = contracts.filter((p) => signaturesOf(p.auth).length > 0);
const alternatives = signingProviders.flatMap((p) => signaturesOf(p.auth).map((scheme, i) => [`${p.name} ${scheme.id}`, p.name, scheme, i] as const));

describe.skipIf(!executablePath)("every signature alternative in Chromium, from file://", () => {
  let dir: string;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "docs-checker-signatures-"));
    await buildCheckers(
      dir,
      signingProviders.map((p) => p.name),
    );
    for (const p of signingProviders) {
      mkdirSync(path.join(dir, "messages", p.name), { recursive: true });
      writeFileSync(path.join(dir, "messages", p.name, `${p.messages[0]!.name}.html`), pageHtml(p.name, p.messages[0]!.name, p.auth));
    }
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("covers every provider's signatures", () => {
    expect(alternatives.length).toBeGreaterThan(signingProviders.length);
  });

  it.each(alternatives)(
    "%s: the page computes exactly the headers signedHeaders(..., {scheme}) computes, and says whether a received signature matches",
    async (_, provider, scheme, index) => {
      const contract = signingProviders.find((p) => p.name === provider)!;
      const message = contract.messages[0]!.name;
      const text = messageFixtures(provider, message, "valid")[0]!.text.replace(/\r\n/g, "\n");
      const spec = scheme.signature;
      const ids = signatureIds(scheme, index === 0);
      const page = await browser.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text());
      });
      page.on("pageerror", (e) => consoleErrors.push(e.message));
      await page.route("**/*", (route) => (route.request().url().startsWith("file://") ? route.continue() : route.abort()));
      await page.goto(pathToFileURL(path.join(dir, "messages", provider, `${message}.html`)).href);
      const headersText = () => page.locator(`#${ids.headers}`).textContent();
      const match = () => page.locator(`#${ids.match}`).getAttribute("data-match");
      const at = 1_767_225_600_000;
      const secret = secretFor(scheme);

      await page.locator("#checker-body").fill(text);
      await page.locator(`#${ids.secret}`).fill(secret);
      if (spec.timestamp) await page.locator(`#${ids.timestamp}`).fill(timestampText(scheme, at));
      await page.locator("#checker-run").click();
      // Without a timestamp the time is now: only a timestamped signature is fixed by the inputs.
      const nowMs = spec.timestamp ? at : undefined;
      let expected = await signedHeaders(provider, text, secret, { ...(nowMs ? { nowMs } : {}), scheme: scheme.id });
      if (spec.id) {
        // The id left empty: the payload's at the declared pointer, or a new one; told it, the receiver agrees.
        await expect.poll(headersText).toContain(`${spec.id.header}: `);
        const id = (await headersText())!
          .split("\n")
          .find((line) => line.startsWith(`${spec.id!.header}: `))!
          .slice(spec.id.header.length + 2);
        expected = await signedHeaders(provider, text, secret, { ...(nowMs ? { nowMs } : {}), scheme: scheme.id, id });
      }
      await expect.poll(headersText).toBe(shown(expected));

      if (spec.id) {
        await page.locator(`#${ids.signedId}`).fill(" msg_typed_in_the_page ");
        await page.locator("#checker-run").click();
        expected = await signedHeaders(provider, text, secret, { ...(nowMs ? { nowMs } : {}), scheme: scheme.id, id: "msg_typed_in_the_page" });
        await expect.poll(headersText).toBe(shown(expected));
      }

      const right = expected[scheme.header]!;
      const wrong = async (n: number) =>
        (
          await signedHeaders(provider, text, secretFor(scheme, n), {
            ...(nowMs ? { nowMs } : {}),
            scheme: scheme.id,
            ...(spec.id ? { id: "msg_typed_in_the_page" } : {}),
          })
        )[scheme.header]!;
      const cases: [string, "yes" | "no"][] = [
        [right, "yes"],
        [await wrong(1), "no"],
      ];
      if (spec.separator) {
        const sep = spec.separator;
        cases.push([`${await wrong(1)}${sep}${right}`, "yes"], [`${right}${sep}${await wrong(2)}`, "yes"], [`${await wrong(1)}${sep}${await wrong(2)}`, "no"]);
      }
      for (const [given, verdict] of cases) {
        // The last verdict wiped first, so that the one polled for is this run's.
        await page.locator(`#${ids.match}`).evaluate((el) => el.removeAttribute("data-match"));
        await page.locator(`#${ids.received}`).fill(given);
        await page.locator(`#${ids.received}`).press("Enter");
        await expect.poll(async () => ({ given, match: await match() })).toEqual({ given, match: verdict });
        // Still the same headers: the timestamp typed (or none signed) makes them the same each run.
        expect(await headersText()).toBe(shown(expected));
      }
      await page.close();
    },
  );

  it("logged no console error", () => {
    expect(consoleErrors).toEqual([]);
  });
});
