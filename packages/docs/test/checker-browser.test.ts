/**
 * The payload checker in a real browser (Debian's chromium through playwright-core), on a page opened as a
 * file:// URL as a reader of the unpacked package would: the section from checkerSection, some field rows
 * like a message page's, assets/checker.js and Ivy's bundle. Locally without chromium these tests are
 * skipped; in CI (CI=true) a missing browser fails.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { buildCheckers, checkerScriptPath, receiverEntry } from "../build/checker.ts";
import { checkerSection } from "../build/checker-markup.ts";
import { CHROMIUM_ARGS, findChromium } from "../../../tests/support/chromium.js";

const executablePath = findChromium();
if (!executablePath && process.env.CI) throw new Error("CI=true but no chromium: install Debian's chromium (.ci/run does) or set CHROMIUM_PATH");

const docsDir = fileURLToPath(new URL("..", import.meta.url));
const ivy = (await loadContracts()).find((p) => p.name === "ivy")!;
type SignedHeaders = (provider: string, body: string | Uint8Array, secret: string, options?: { nowMs?: number }) => Promise<Record<string, string>>;
const { signedHeaders } = (await import(pathToFileURL(receiverEntry()).href)) as { signedHeaders: SignedHeaders };

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
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ivy order_updated</title><link rel="icon" href="data:,"></head>
<body><main><h1>Ivy order_updated</h1>
<table class="fields"><tbody>
${fieldRows}
</tbody></table>
${checkerSection({ provider: "ivy", message: "order_updated", root: "../../", scheme: ivy.auth })}
</main>
<script src="../../${checkerScriptPath}"></script>
</body></html>`;
    writeFileSync(path.join(dir, "messages/ivy/order_updated.html"), html);
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
