/** Small HTML helpers: escaping, the page frame, and the little markdown our descriptions use. */

import { escapeHtml as esc } from "@webhook-contracts/contracts/naming";

export { esc };

/** Paragraphs, "- " lists (continued on indented lines), `code` and **bold**: what our descriptions use. */
export function prose(text: string | undefined): string {
  if (!text) return "";
  const inline = (s: string) =>
    esc(s)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
  const html: string[] = [];
  for (const block of text.trim().split(/\n\s*\n/)) {
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

export interface PageOptions {
  title: string;
  /** Relative path from this page to the site root ("", "../", "../../"). */
  root: string;
  body: string;
  crumbs?: { label: string; href?: string }[];
  scripts?: string[];
  styles?: string[];
}

export function page({ title, root, body, crumbs = [], scripts = [], styles = [] }: PageOptions): string {
  const trail = crumbs.length
    ? `<nav class="crumbs" aria-label="Breadcrumb">${crumbs.map((c) => (c.href ? `<a href="${esc(c.href)}">${esc(c.label)}</a>` : `<span>${esc(c.label)}</span>`)).join(" / ")}</nav>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · webhook-contracts</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${root}assets/site.css">
${styles.map((s) => `<link rel="stylesheet" href="${root}${s}">`).join("\n")}
</head>
<body>
<header class="site"><a class="brand" href="${root}index.html">webhook-contracts</a><nav><a href="${root}index.html#providers">Providers</a><a href="${root}index.html#search">Search</a><a href="${root}asyncapi.html">AsyncAPI view</a></nav></header>
<main>
${trail}
${body}
</main>
${scripts.map((s) => `<script src="${root}${s}"></script>`).join("\n")}
</body>
</html>
`;
}
