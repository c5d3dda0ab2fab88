/**
 * The page frame every page shares (header with search, navigation tree, table of contents) and the small
 * text helpers: escaping, and the little Markdown our descriptions use.
 */

import { escapeHtml as esc } from "@webhook-contracts/contracts/naming";

export { esc };

/** Text inside an element: only `&`, `<` and `>` need escaping there (quotes do not: examples stay small). */
export const text = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One line of our Markdown: `code` and **bold**, everything else escaped. */
export const inline = (s: string): string =>
  text(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");

/** The same line as plain text, for places that take no markup (titles, the search index). */
export const plain = (s: string): string => s.replace(/`([^`]+)`/g, "$1").replace(/\*\*([^*]+)\*\*/g, "$1");

/** Paragraphs, "- " lists (continued on indented lines), `code` and **bold**: what our descriptions use. */
export function prose(source: string | undefined): string {
  if (!source) return "";
  const html: string[] = [];
  for (const block of source.trim().split(/\n\s*\n/)) {
    let paragraph: string[] = [];
    let items: string[] = [];
    const flushParagraph = () => {
      if (paragraph.length) html.push(`<p>${inline(paragraph.join(" "))}</p>`);
      paragraph = [];
    };
    const flushList = () => {
      if (items.length) html.push(`<ul>${items.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`);
      items = [];
    };
    for (const line of block.split("\n")) {
      const trimmed = line.trim();
      if (trimmed.startsWith("- ")) {
        flushParagraph();
        items.push(trimmed.slice(2));
      } else if (items.length && /^\s+/.test(line)) {
        items[items.length - 1] += ` ${trimmed}`;
      } else {
        flushList();
        paragraph.push(trimmed);
      }
    }
    flushParagraph();
    flushList();
  }
  return html.join("\n");
}

/** The navigation tree: providers, each with its messages and its changelog. */
export interface NavProvider {
  name: string;
  title: string;
  /** Paths from the site root. */
  url: string;
  changelogUrl: string;
  messages: { name: string; url: string }[];
}

export interface PageOptions {
  title: string;
  /** Relative path from this page to the site root ("", "../", "../../"). */
  root: string;
  /** This page's path from the site root: marks it in the navigation tree. */
  path: string;
  body: string;
  nav: NavProvider[];
  /** The page's sections, for its table of contents (none: no table). */
  toc?: { id: string; label: string }[];
  crumbs?: { label: string; href?: string }[];
  scripts?: string[];
  styles?: string[];
  /** A wide page (the AsyncAPI view) uses the whole width beside the navigation. */
  wide?: boolean;
}

function navTree(nav: NavProvider[], root: string, current: string): string {
  const link = (url: string, label: string, cls = "") =>
    `<a href="${root}${esc(url)}"${cls ? ` class="${cls}"` : ""}${url === current ? ' aria-current="page"' : ""}>${label}</a>`;
  const providers = nav.map((p) => {
    const here = current === p.url || current === p.changelogUrl || p.messages.some((m) => m.url === current);
    const messages = p.messages.map((m) => `<li>${link(m.url, `<code>${esc(m.name)}</code>`)}</li>`).join("");
    return `<li><details${here ? " open" : ""}><summary>${esc(p.title)}</summary><ul>
<li>${link(p.url, "Overview", "overview")}</li>${messages}<li>${link(p.changelogUrl, "Changelog", "overview")}</li></ul></details></li>`;
  });
  return `<ul class="tree"><li>${link("index.html", "Home", "overview")}</li>${providers.join("\n")}<li>${link("asyncapi.html", "AsyncAPI view", "overview")}</li></ul>`;
}

export function page({ title, root, path, body, nav, toc = [], crumbs = [], scripts = [], styles = [], wide = false }: PageOptions): string {
  const trail = crumbs.length
    ? `<nav class="crumbs" aria-label="Breadcrumb">${crumbs.map((c) => (c.href ? `<a href="${esc(c.href)}">${esc(c.label)}</a>` : `<span aria-current="page">${esc(c.label)}</span>`)).join(" / ")}</nav>`
    : "";
  const contents = toc.length
    ? `<nav class="toc" aria-label="On this page"><h2>On this page</h2><ul>${toc.map((t) => `<li><a href="#${esc(t.id)}">${esc(t.label)}</a></li>`).join("")}</ul></nav>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(title)} · webhook-contracts</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${root}assets/site.css">
${styles.map((s) => `<link rel="stylesheet" href="${root}${s}">`).join("\n")}
</head>
<body data-root="${esc(root)}">
<a class="skip" href="#content">Skip to content</a>
<header class="site"><a class="brand" href="${root}index.html">webhook-contracts</a>
<div class="search-box" role="search"><label class="visually-hidden" for="search-input">Search the contracts</label><input id="search-input" type="search" placeholder="Search: a field, a status, a header… ( / )" autocomplete="off" spellcheck="false" role="combobox" aria-expanded="false" aria-controls="search-results" aria-autocomplete="list"><div id="search-results" class="search-results" role="listbox" aria-label="Search results" hidden></div></div></header>
<div class="layout${wide ? " wide" : ""}">
<details class="sidebar" open><summary>Menu</summary><nav aria-label="Providers and messages">${navTree(nav, root, path)}</nav>${contents}</details>
<main id="content" tabindex="-1">
${trail}
${body}
</main>
</div>
<script src="${root}assets/site.js"></script>
${scripts.map((s) => `<script src="${root}${s}"></script>`).join("\n")}
</body>
</html>
`;
}
