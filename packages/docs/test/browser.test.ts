/**
 * The docs site in a real browser: Debian's chromium driven by playwright-core (CHROMIUM_PATH overrides
 * where it is). Locally without chromium these tests are skipped; in CI (CI=true) a missing browser fails.
 */
import { mkdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContracts } from "@webhook-contracts/contracts";
// @ts-expect-error plain JavaScript, no types
import { startServer } from "../bin/serve.js";
import { CHROMIUM_ARGS, findChromium } from "../../../tests/support/chromium.js";

const docsDir = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const screenshotDir = path.join(docsDir, "test-results");

const executablePath = findChromium();
if (!executablePath && process.env.CI) throw new Error("CI=true but no chromium: install Debian's chromium (.ci/run does) or set CHROMIUM_PATH");

const providers = await loadContracts();
const messageCount = providers.reduce((n, p) => n + p.messages.length, 0);

describe.skipIf(!executablePath)("the docs site in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, url: base } = await startServer({ port: 0 }));
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    // Only our own server may be asked for anything: the site is offline by construction.
    await page.route("**/*", (route) =>
      route.request().url().startsWith(base) || route.request().url().startsWith("data:") ? route.continue() : route.abort(),
    );
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("lists every provider and every message on the home page", async () => {
    await page.goto(base);
    expect(await page.locator(".provider-card h3").allTextContents()).toEqual(providers.map((p) => p.title));
    expect(await page.locator(".message-list a").count()).toBe(messageCount);
  });

  it("reaches each provider, and a message of it, by clicking from the home page", async () => {
    for (const provider of providers) {
      await page.goto(base);
      await page.locator(`.provider-card[data-provider="${provider.name}"] h3 a`).click();
      await expect.poll(() => page.locator("article.provider h1").textContent()).toBe(provider.title);
      expect(await page.locator("p.endpoint code").textContent()).toBe(`/webhooks/${provider.name}`);
      // Every message is linked from its provider's page; one link is followed.
      const links = await page.locator("table.messages a").evaluateAll((as) => as.map((a) => [a.textContent, (a as unknown as { href: string }).href]));
      expect(links.map(([name]) => name)).toEqual(provider.messages.map((m) => m.name));
      const last = provider.messages.at(-1)!;
      await page.locator("table.messages a", { hasText: new RegExp(`^${last.name.replace(/\./g, "\\.")}$`) }).click();
      await expect.poll(() => page.locator(`article.message[data-message="${last.name}"]`).count(), { message: `${provider.name}/${last.name}` }).toBe(1);
    }
  });

  it("renders every message page with its fields, an example and its provenance", async () => {
    for (const provider of providers) {
      for (const message of provider.messages) {
        await page.goto(`${base}messages/${provider.name}/${encodeURIComponent(message.name)}.html`);
        expect(await page.locator(`article.message[data-message="${message.name}"]`).count(), `${provider.name}/${message.name}`).toBe(1);
        expect(await page.locator("table.fields tbody tr").count()).toBeGreaterThan(0);
        const example = await page.locator("details.example[open] pre").first().textContent();
        expect(JSON.parse(example!)).toBeTypeOf("object");
        expect(await page.locator("aside.provenance .badge").textContent()).toMatch(/^(docs|sdk|inferred|unpublished)$/);
      }
    }
  });

  it("draws each lifecycle as SVG in the page itself", async () => {
    await page.goto(`${base}providers/amplia-reg.html`);
    const states = await page.locator("svg.lifecycle g.state").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-status")));
    expect(states.sort()).toEqual([
      "Canceled",
      "Declined",
      "InConfirmation",
      "InValidation",
      "Issued",
      "Revoked",
      "WaitingConfirmation",
      "WaitingIssue",
      "WaitingValidation",
    ]);
    await page.goto(`${base}messages/scalapay/charged.html`);
    expect(await page.locator("svg.lifecycle g.state.current").getAttribute("data-status")).toBe("charged");
  });

  it("shows how many constraints are documented and inferred, and which rules of a field are inferred", async () => {
    await page.goto(`${base}messages/retorna/payout_order_status.html`);
    const documented = Number(await page.locator(".evidence-summary .documented-count").textContent());
    const inferred = Number(await page.locator(".evidence-summary .inferred-count").textContent());
    expect(documented).toBeGreaterThan(0);
    expect(inferred).toBeGreaterThan(0);
    const reference = page.locator('tr[data-pointer="/providerReferenceId"] td.evidence');
    expect(await reference.textContent()).toBe('inferred always sent; type string when status is "PROCESSED"');
    expect(await page.locator('tr[data-pointer="/id"] td.evidence').textContent()).toBe("documented");
    await page.goto(`${base}messages/amplia-reg/OrderStatusChanged.html`);
    const orderNumber = page.locator('tr[data-pointer="/orderStatusTransitionModel/orderNumber"]');
    expect(await orderNumber.locator("td.evidence").textContent()).toBe('inferred pattern "^[0-9]{3}-[0-9]{3}-[0-9]{3}$"');
    expect(await orderNumber.locator("td code").last().textContent()).toBe("pattern ^[0-9]{3}-[0-9]{3}-[0-9]{3}$ (inferred)");
    await page.goto(`${base}messages/scalapay/charged.html`);
    expect(await page.locator(".evidence-summary .inferred-count").textContent()).toBe("0");
  });

  it("finds a field with the search and opens it", async () => {
    await page.goto(base);
    await page.locator("#search-input").fill("refundAmount");
    const results = page.locator("#search-results li a");
    await expect.poll(() => results.count()).toBeGreaterThan(0);
    const texts = await page.locator("#search-results li").allTextContents();
    expect(texts.some((t) => t.startsWith("refundAmount") && t.includes("Scalapay refunded"))).toBe(true);
    await page.locator("#search-results li", { hasText: "Scalapay refunded" }).locator("a").first().click();
    await expect.poll(() => page.url()).toMatch(/messages\/scalapay\/refunded\.html#field-refundAmount$/);
    expect(await page.locator("tr:target code").first().textContent()).toBe("refundAmount");
  });

  it("opens the right message and field from a shared link", async () => {
    await page.goto(`${base}messages/ivy/order_updated.html#field-payload.price.total`);
    expect(await page.locator("article.message h1").textContent()).toContain("Order updated");
    expect(await page.locator("tr:target").getAttribute("data-pointer")).toBe("/payload/price/total");
    // For a person to look at (not an assertion: a file written just now exists).
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, "message-ivy-order_updated.png"), fullPage: true });
  });

  it("renders the full AsyncAPI view from the locally bundled component", async () => {
    await page.goto(`${base}asyncapi.html`);
    await expect.poll(() => page.locator("#asyncapi").textContent(), { timeout: 20_000 }).toContain("/webhooks/scalapay");
    expect(await page.locator("#asyncapi").textContent()).toContain("webhook-contracts");
  });

  it("shows every provider and message when index.html is opened as a file", async () => {
    const filePage = await browser.newPage();
    await filePage.goto(pathToFileURL(path.join(docsDir, "dist/index.html")).href);
    expect(await filePage.locator(".message-list a").count()).toBe(messageCount);
    await filePage.locator('.provider-card[data-provider="retorna"] .message-list a').click();
    expect(await filePage.locator("article.message h1").textContent()).toContain("Payout order status");
    await filePage.close();
  });

  it("logged no console error on any page", () => {
    expect(consoleErrors).toEqual([]);
  });
});

describe("the built site", () => {
  it("refers to no asset outside itself", () => {
    const html = readFileSync(path.join(docsDir, "dist/asyncapi.html"), "utf8") + readFileSync(path.join(docsDir, "dist/index.html"), "utf8");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
