/**
 * The docs site in a real browser: Debian's chromium driven by playwright-core (CHROMIUM_PATH overrides
 * where it is). Locally without chromium these tests are skipped; in CI (CI=true) a missing browser fails.
 * Quality bars: every page type at 1400x1000 and 390x844 without horizontal scroll, axe-core's serious and
 * critical rules on every page, keyboard-only navigation and search, what each page transfers, and
 * screenshots of each page type at both sizes in packages/docs/test-results/ for a person to look at.
 */
import { mkdirSync, readFileSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Browser, type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { signedHeaders } from "@webhook-contracts/receiver";
// @ts-expect-error plain JavaScript, no types
import { startServer } from "../bin/serve.js";
import { CHROMIUM_ARGS, findChromium } from "../../../tests/support/chromium.js";

const docsDir = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const distDir = path.join(docsDir, "dist");
const screenshotDir = path.join(docsDir, "test-results");
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const executablePath = findChromium();
if (!executablePath && process.env.CI) throw new Error("CI=true but no chromium: install Debian's chromium (.ci/run does) or set CHROMIUM_PATH");

const providers = await loadContracts();
const messageCount = providers.reduce((n, p) => n + p.messages.length, 0);
const messagePath = (p: string, m: string) => `messages/${p}/${encodeURIComponent(m)}.html`;

/** Every page of the site; the AsyncAPI view is the React component's and is held to fewer bars. */
const allPages = [
  "index.html",
  ...providers.flatMap((p) => [`providers/${p.name}.html`, `changes/${p.name}.html`, ...p.messages.map((m) => messagePath(p.name, m.name))]),
];
/** One page of each type, the biggest of its type where sizes differ. */
const pageTypes: Record<string, string> = {
  home: "index.html",
  provider: "providers/ivy.html",
  message: "messages/ivy/order_updated.html",
  changelog: "changes/ivy.html",
  asyncapi: "asyncapi.html",
};
/** What the tests read of a page's globals, inside page.evaluate (the tests compile without the DOM's types). */
interface BrowserGlobals {
  document: {
    activeElement: { id: string; textContent: string | null } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
  };
  scrollTo(x: number, y: number): void;
  getComputedStyle(element: unknown, pseudo?: string): { display: string; content: string };
  axe: {
    run(context: unknown, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
  };
}
type Details = { open: boolean };

const sizes = { wide: { width: 1400, height: 1000 }, phone: { width: 390, height: 844 } } as const;
const maxPageBytes = 150 * 1024;

describe.skipIf(!executablePath)("the docs site in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  const contexts: Record<keyof typeof sizes, BrowserContext> = {} as never;
  const consoleErrors: string[] = [];

  /** A new tab of the given size, watched for errors and allowed to ask only our server (or file://). */
  async function open(url: string, size: keyof typeof sizes = "wide"): Promise<Page> {
    const page = await contexts[size].newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    await page.goto(url.startsWith("file:") ? url : `${base}${url}`);
    return page;
  }

  /** axe-core's serious and critical violations on the page as it is now. */
  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: axeSource });
    const violations = await page.evaluate(async () => {
      const { axe, document } = globalThis as unknown as BrowserGlobals;
      const { violations } = await axe.run(document, { resultTypes: ["violations"] });
      return violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    });
    return violations.map((v) => `${page.url()}: ${v}`);
  }

  const horizontalOverflow = (page: Page) =>
    page.evaluate(() => {
      const { documentElement } = (globalThis as unknown as BrowserGlobals).document;
      return documentElement.scrollWidth - documentElement.clientWidth;
    });

  beforeAll(async () => {
    ({ server, url: base } = await startServer({ port: 0 }));
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    for (const [name, viewport] of Object.entries(sizes)) {
      const context = await browser.newContext({ viewport, isMobile: name === "phone", hasTouch: name === "phone" });
      // Only our own server may be asked for anything: the site is offline by construction.
      await context.route("**/*", (route) => {
        const url = route.request().url();
        return url.startsWith(base) || url.startsWith("data:") || url.startsWith("file:") ? route.continue() : route.abort();
      });
      contexts[name as keyof typeof sizes] = context;
    }
    mkdirSync(screenshotDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("lists every provider and every message on the home page, and in the navigation tree of every page", async () => {
    const page = await open("index.html");
    expect(await page.locator(".provider-card h3").allTextContents()).toEqual(providers.map((p) => p.title));
    expect(await page.locator(".message-list a").count()).toBe(messageCount);
    expect(await page.locator("nav .tree a code").count()).toBe(messageCount);
    await page.goto(`${base}${messagePath("scalapay", "charged")}`);
    // The page's own entry is marked, its provider's branch open, the others folded.
    expect(await page.locator('.tree a[aria-current="page"]').textContent()).toBe("charged");
    expect(await page.locator(".tree details[open] > summary").allTextContents()).toEqual(["Scalapay"]);
    await page.close();
  });

  it("reaches each provider, and a message of it, by clicking from the home page", async () => {
    const page = await open("index.html");
    for (const provider of providers) {
      await page.goto(base);
      await page.locator(`.provider-card[data-provider="${provider.name}"] h3 a`).click();
      await expect.poll(() => page.locator("article.provider h1").textContent()).toBe(provider.title);
      expect(await page.locator("p.endpoint code").textContent()).toBe(`/webhooks/${provider.name}`);
      const links = await page.locator("table.messages a").allTextContents();
      expect(links).toEqual(provider.messages.map((m) => m.name));
      const last = provider.messages.at(-1)!;
      await page.locator("table.messages a", { hasText: new RegExp(`^${last.name.replace(/\./g, "\\.")}$`) }).click();
      await expect.poll(() => page.locator(`article.message[data-message="${last.name}"]`).count(), { message: `${provider.name}/${last.name}` }).toBe(1);
    }
    await page.close();
  });

  it("draws each lifecycle as SVG in the page itself, the current status highlighted", async () => {
    const page = await open("providers/amplia-reg.html");
    const states = await page.locator("svg.lifecycle.wide g.state").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-status")));
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
    await page.goto(`${base}${messagePath("scalapay", "charged")}`);
    expect(await page.locator("svg.lifecycle.wide g.state.current").getAttribute("data-status")).toBe("charged");
    await page.close();
  });

  it("shows how many constraints are documented and inferred, and which rules of each field are inferred", async () => {
    const page = await open(messagePath("retorna", "payout_order_status"));
    expect(Number(await page.locator(".evidence-summary .documented-count").textContent())).toBeGreaterThan(0);
    expect(Number(await page.locator(".evidence-summary .inferred-count").textContent())).toBeGreaterThan(0);
    const evidence = (pointer: string) => page.locator(`li[data-pointer="${pointer}"] > div > :is(.doc, .inf)`).textContent();
    expect(await evidence("/providerReferenceId")).toBe('inferred: always sent; type string when status is "PROCESSED"');
    expect(await evidence("/id")).toBe("documented");
    await page.goto(`${base}${messagePath("amplia-reg", "OrderStatusChanged")}`);
    expect(await evidence("/orderStatusTransitionModel/orderNumber")).toBe('inferred: pattern "^[0-9]{3}-[0-9]{3}-[0-9]{3}$"');
    expect(await page.locator('li[data-pointer="/orderStatusTransitionModel/orderNumber"] > .format code').textContent()).toBe(
      "pattern ^[0-9]{3}-[0-9]{3}-[0-9]{3}$ (inferred)",
    );
    await page.goto(`${base}${messagePath("scalapay", "charged")}`);
    expect(await page.locator(".evidence-summary .inferred-count").textContent()).toBe("0");
    await page.close();
  });

  it("folds nested objects, and opens the folds around a field a shared link points to", async () => {
    const page = await open(`${messagePath("ivy", "order_updated")}#field-payload.price.total`);
    const total = page.locator('li[id="field-payload.price.total"]');
    await expect.poll(() => total.isVisible()).toBe(true);
    expect(await total.getAttribute("data-pointer")).toBe("/payload/price/total");
    expect(await page.locator("li:target code").first().textContent()).toBe("total");
    // Another nested object stays folded until asked.
    const fold = page.locator('li[id="field-payload.shippingAddress"] > details.children');
    expect(await fold.evaluate((d) => (d as unknown as Details).open)).toBe(false);
    await fold.locator("> summary").click();
    expect(await fold.evaluate((d) => (d as unknown as Details).open)).toBe(true);
    await page.locator('button[data-fold="close"]').click();
    expect(await page.locator("#fields details.children[open]").count()).toBe(0);
    await page.locator('button[data-fold="open"]').click();
    expect(await page.locator("#fields details.children:not([open])").count()).toBe(0);
    await page.close();
  });

  describe("search", () => {
    /** Focuses the search with "/" (as a keyboard user would), types, and reads the grouped results. */
    async function searchFor(page: Page, query: string): Promise<{ group: string; titles: string[] }[]> {
      await page.locator("body").click({ position: { x: 1, y: 300 } });
      await page.keyboard.press("/");
      expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.id)).toBe("search-input");
      await page.keyboard.type(query);
      await page.locator("#search-results .search-group, #search-results .search-none").first().waitFor();
      return page.locator("#search-results .search-group").evaluateAll((groups) =>
        groups.map((g) => ({
          group: g.querySelector(".search-group-title")!.textContent!,
          titles: [...g.querySelectorAll(".search-title")].map((t) => t.textContent!),
        })),
      );
    }

    it.each([
      ["Issued", "Status and enum values (1)", "Issued"],
      ["X-Ivy-Signature", "Headers (1)", "X-Ivy-Signature"],
      ["refundAmount", "Fields", "refundAmount"],
      ["Retorna", "Providers (1)", "Retorna"],
      ["order_updated", "Messages", "order_updated"],
    ])("finds %s, first in its group", async (query, group, title) => {
      const page = await open("index.html");
      const groups = await searchFor(page, query);
      expect(groups[0]!.group.startsWith(group), JSON.stringify(groups)).toBe(true);
      expect(groups[0]!.titles[0]).toBe(title);
      await page.close();
    });

    it("is used with the keyboard alone: arrows move, Enter opens, Escape closes", async () => {
      const page = await open(messagePath("ivy", "test"));
      await searchFor(page, "refundAmount");
      await page.keyboard.press("ArrowDown");
      const active = await page.locator("#search-input").getAttribute("aria-activedescendant");
      expect(await page.locator(`[id="${active}"]`).getAttribute("aria-selected")).toBe("true");
      const target = await page.locator(`[id="${active}"]`).getAttribute("href");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.url()).toBe(new URL(target!, page.url()).href);
      expect(page.url()).toMatch(/#field-refundAmount$/);
      await page.waitForLoadState();
      await page.keyboard.press("/");
      await page.keyboard.type("Issued");
      await page.locator("#search-results .search-group").first().waitFor();
      await page.keyboard.press("Escape");
      expect(await page.locator("#search-results").isHidden()).toBe(true);
      await page.close();
    });

    it("works from file://, where the index loads as a script", async () => {
      const page = await open(pathToFileURL(path.join(distDir, "providers/scalapay.html")).href);
      const groups = await searchFor(page, "X-Ivy-Signature");
      expect(groups[0]!.titles).toEqual(["X-Ivy-Signature"]);
      await page.keyboard.press("Enter");
      await expect.poll(() => page.url()).toBe(pathToFileURL(path.join(distDir, "providers/ivy.html")).href + "#auth-ivySignature");
      await page.close();
    });
  });

  it("checks a pasted payload in the page, from file://: an invalid fixture at its exact field, a valid one accepted", async () => {
    const [invalid] = messageFixtures("ivy", "order_updated", "invalid").filter((f) => f.name === "null-created-at");
    const [valid] = messageFixtures("ivy", "order_updated", "valid");
    const page = await open(pathToFileURL(path.join(distDir, messagePath("ivy", "order_updated"))).href);
    // Nothing of the validator is loaded until the checker is used.
    expect(await page.evaluate(() => "webhookContractsChecker" in globalThis)).toBe(false);
    await page.locator("#checker-body").fill(invalid!.text);
    await page.locator("#checker-run").click();
    const pointer = page.locator("#checker-issues .checker-issue-error .checker-issue-pointer").first();
    await expect.poll(() => pointer.textContent()).toBe(invalid!.expected!.path);
    expect(await page.locator('li[data-pointer="/payload/createdAt"]').getAttribute("class")).toContain("checker-flagged");
    await page.locator("#checker-body").fill(valid!.text);
    await page.locator("#checker-run").click();
    await expect.poll(() => page.locator("#checker-summary").getAttribute("class")).toContain("checker-summary-valid");
    expect(await page.locator(".checker-flagged").count()).toBe(0);
    // The signature a secret gives this exact body: what the receiver would compare X-Ivy-Signature with.
    await page.locator("#checker-secret").fill("whsec_test");
    await page.locator("#checker-run").click();
    const expected = await signedHeaders("ivy", valid!.text.replace(/\r\n/g, "\n"), "whsec_test");
    await expect.poll(() => page.locator("#checker-headers").textContent()).toContain(expected["X-Ivy-Signature"]);
    await page.close();
  });

  it("is usable with the keyboard alone: skip link, navigation tree, and back", async () => {
    const page = await open("index.html");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.textContent)).toBe("Skip to content");
    // Tab through the header and the tree to Scalapay's branch, open it, and follow its first message.
    let found = false;
    for (let i = 0; i < 30 && !found; i++) {
      await page.keyboard.press("Tab");
      found = (await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.textContent)) === "Scalapay";
    }
    expect(found).toBe(true);
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.textContent)).toBe("Overview");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toBe(`${base}${messagePath("scalapay", "created")}`);
    await page.close();
  });

  it("renders the AsyncAPI view from the locally bundled component, accessible, at 1400x1000 and 390x844", async () => {
    // The React component renders the whole document once (seconds); the phone width is the same page resized.
    const page = await open(pageTypes.asyncapi!);
    await expect.poll(() => page.locator("#asyncapi").textContent(), { timeout: 20_000 }).toContain("/webhooks/scalapay");
    expect(await page.locator("#asyncapi").textContent()).toContain("webhook-contracts");
    expect(await axeViolations(page)).toEqual([]);
    // The component's prose styles put literal backticks around inline code; ours take them off.
    const marks = await page
      .locator("#asyncapi code")
      .evaluateAll((codes) =>
        codes.map((c) => (globalThis as unknown as BrowserGlobals).getComputedStyle(c, "::before").content).filter((c) => c.includes("`")),
      );
    expect(marks).toEqual([]);
    for (const size of Object.keys(sizes) as (keyof typeof sizes)[]) {
      await page.setViewportSize(sizes[size]);
      expect(await horizontalOverflow(page), `asyncapi at ${size}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(screenshotDir, `asyncapi-${sizes[size].width}.png`) });
    }
    await page.close();
  });

  for (const [type, url] of Object.entries(pageTypes).filter(([type]) => type !== "asyncapi")) {
    it(`lays out the ${type} page at 1400x1000 and at 390x844 without horizontal scroll`, async () => {
      for (const size of Object.keys(sizes) as (keyof typeof sizes)[]) {
        const page = await open(url, size);
        expect(await horizontalOverflow(page), `${type} at ${size}`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(screenshotDir, `${type}-${sizes[size].width}.png`), fullPage: type !== "message" });
        if (type === "message") {
          const fields = await page.locator("#fields").boundingBox();
          const examples = await page.locator("#examples").boundingBox();
          if (size === "wide") {
            // Beside the fields, and still in view once the fields have scrolled far.
            expect(examples!.x).toBeGreaterThan(fields!.x + fields!.width);
            await page.evaluate(() => (globalThis as unknown as BrowserGlobals).scrollTo(0, 4000));
            const box = await page.locator("#examples").boundingBox();
            expect(box!.y).toBeGreaterThanOrEqual(0);
            expect(box!.y).toBeLessThan(200);
          } else {
            // One column: the examples under the fields, the menu folded.
            expect(examples!.y).toBeGreaterThan(fields!.y);
            expect(await page.locator("details.sidebar").evaluate((d) => (d as unknown as Details).open)).toBe(false);
          }
        }
        if (type === "provider" && size === "phone") {
          expect(
            await page
              .locator("table.headers td")
              .first()
              .evaluate((td) => (globalThis as unknown as BrowserGlobals).getComputedStyle(td).display),
          ).toBe("block");
          // Ivy draws a diagram per lifecycle (orders, payouts, returns, ...): each shows its narrow drawing.
          for (const svg of await page.locator("svg.lifecycle.narrow").all()) expect(await svg.isVisible()).toBe(true);
          for (const svg of await page.locator("svg.lifecycle.wide").all()) expect(await svg.isVisible()).toBe(false);
        }
        await page.close();
      }
    });
  }

  it("renders every page with its parts, and axe-core finds no serious or critical violation on any (light, dark, phone)", async () => {
    const violations: string[] = [];
    // Two tabs take turns over the pages (axe takes 0.2-3 s a page, most of it in its own renderer).
    const queue = [...allPages];
    const worker = async () => {
      const page = await open("index.html");
      for (let url = queue.shift(); url; url = queue.shift()) await checkPage(page, url);
      return page;
    };
    const checkPage = async (page: Page, url: string) => {
      await page.goto(`${base}${url}`);
      const toc = await page.locator(".toc a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!.slice(1)));
      for (const id of toc) expect(await page.locator(`[id="${id}"]`).count(), `${url} #${id}`).toBe(1);
      const message = /^messages\/[^/]+\/(.+)\.html$/.exec(url);
      if (message) {
        expect(await page.locator(`article.message[data-message="${decodeURIComponent(message[1]!)}"]`).count(), url).toBe(1);
        expect(await page.locator("ul.fields > li[data-pointer]").count(), url).toBeGreaterThan(0);
        const example = await page.locator(".examples details.example[open] pre").first().textContent();
        expect(JSON.parse(example!), url).toBeTypeOf("object");
        expect(await page.locator("aside.provenance .badge").textContent(), url).toMatch(/^(docs|sdk|inferred|unpublished|observed)$/);
      }
      violations.push(...(await axeViolations(page)));
    };
    const [page, other] = await Promise.all([worker(), worker()]);
    await other!.close();
    await page!.emulateMedia({ colorScheme: "dark" });
    for (const url of Object.values(pageTypes).filter((u) => u !== "asyncapi.html")) {
      await page!.goto(`${base}${url}`);
      violations.push(...(await axeViolations(page!)).map((v) => `dark: ${v}`));
    }
    await page!.close();
    const phone = await open(pageTypes.message!, "phone");
    violations.push(...(await axeViolations(phone)).map((v) => `phone: ${v}`));
    await phone.close();
    expect(violations).toEqual([]);
  }, 180_000);

  it(`transfers at most ${maxPageBytes / 1024} KB for a page of each type but the AsyncAPI view, and as much uncompressed`, async () => {
    for (const url of Object.values(pageTypes).filter((u) => u !== "asyncapi.html")) {
      const page = await contexts.wide.newPage();
      const requests: Promise<{ transfer: number; raw: number }>[] = [];
      page.on("requestfinished", (request) =>
        requests.push(
          (async () => {
            const sizes = await request.sizes();
            const body = await (await request.response())!.body();
            return { transfer: sizes.responseBodySize + sizes.responseHeadersSize, raw: body.length };
          })(),
        ),
      );
      await page.goto(`${base}${url}`, { waitUntil: "networkidle" });
      const all = await Promise.all(requests);
      const transfer = all.reduce((n, r) => n + r.transfer, 0);
      const raw = all.reduce((n, r) => n + r.raw, 0);
      expect(transfer, `${url} transferred`).toBeLessThanOrEqual(maxPageBytes);
      // What the browser loaded is what the static count below adds up, so that count holds for every page.
      expect(raw, `${url} uncompressed`).toBe(pageWeight(url));
      await page.close();
    }
  });

  it("shows every provider and message when index.html is opened as a file", async () => {
    const page = await open(pathToFileURL(path.join(distDir, "index.html")).href);
    expect(await page.locator(".message-list a").count()).toBe(messageCount);
    await page.locator('.provider-card[data-provider="retorna"] .message-list a').click();
    expect(await page.locator("article.message h1").textContent()).toContain("Payout order status");
    await page.close();
  });

  it("logged no console error on any page", () => {
    expect(consoleErrors).toEqual([]);
  });
});

/**
 * What a page loads before anyone uses it: its HTML and the stylesheets and scripts it names (the search and
 * the payload checker load their code when first used). The browser test above checks this count against
 * what Chromium loaded for a page of each type.
 */
function pageWeight(url: string): number {
  const file = path.join(distDir, url);
  const html = readFileSync(file, "utf8");
  const assets = [...html.matchAll(/<(?:script|link rel="stylesheet")[^>]*?(?:src|href)="([^"]+)"/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
  return [file, ...new Set(assets)].reduce((n, f) => n + statSync(f).size, 0);
}

describe("the built site", () => {
  it(`loads at most ${maxPageBytes / 1024} KB on any page but the AsyncAPI view, uncompressed`, () => {
    const weights = allPages.map((url) => [url, pageWeight(url)] as const);
    expect(weights.filter(([, bytes]) => bytes > maxPageBytes)).toEqual([]);
    const [url, bytes] = weights.reduce((a, b) => (b[1] > a[1] ? b : a));
    console.log(`heaviest page: ${url}, ${bytes} B uncompressed`);
  });

  it("refers to no asset outside itself", () => {
    const html = allPages.map((p) => readFileSync(path.join(distDir, p), "utf8")).join("") + readFileSync(path.join(distDir, "asyncapi.html"), "utf8");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("lists, on the page of a provider with several APIs, each API's entry point and each message's", () => {
    const ivy = providers.find((p) => p.name === "ivy")!;
    const html = readFileSync(path.join(distDir, "providers/ivy.html"), "utf8");
    for (const part of ivy.entryPoints) {
      expect(html).toContain(`<code>@webhook-contracts/validators/${part.path}</code> (${part.messages.length} messages)`);
      for (const message of part.messages)
        expect(html).toMatch(new RegExp(`<code>${message.replace(/\./g, "\\.")}</code></a>.*?<td data-label="Entry point"><code>${part.path}</code>`));
    }
    const scalapay = readFileSync(path.join(distDir, "providers/scalapay.html"), "utf8");
    expect(scalapay).not.toContain("Entry point");
  });

  it("shows no Markdown as literal characters: backticks and ** become markup", () => {
    for (const p of allPages) {
      const visible = readFileSync(path.join(distDir, p), "utf8")
        .replace(/<(script|pre)[\s\S]*?<\/\1>/g, "")
        .replace(/<[^>]+>/g, "");
      expect(visible, p).not.toMatch(/`|\*\*/);
    }
  });
});
