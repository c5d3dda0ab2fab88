/**
 * Builds @webhook-contracts/docs into packages/docs/dist: a static site, fully offline, from asyncapi.yaml
 * (through @asyncapi/parser; any error diagnostic fails the build), the schemas, the lifecycles and the
 * fixtures. Pages: home (providers, messages, search), one per provider (endpoint, authentication,
 * lifecycle), one per message (fields, examples, provenance, lifecycle), and the full AsyncAPI view.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Parser, fromFile } from "@asyncapi/parser";
import type { AsyncAPIDocumentInterface } from "@asyncapi/parser";
import { parse as parseYaml } from "yaml";
import {
  type AuthScheme,
  type MessageContract,
  type ProviderContract,
  asyncApiFile,
  dereferenceSchema,
  loadContracts,
  readJson,
  repoRoot,
} from "@webhook-contracts/contracts";
import { lifecycleSvg } from "./diagram.ts";
import { type FieldRow, fieldRows } from "./fields.ts";
import { type EvidenceCount, countEvidence } from "@webhook-contracts/contracts/evidence";
import { esc, page, prose } from "./html.ts";
import { providerSettings, secretsVariable } from "@webhook-contracts/contracts/auth";
import { isEntryPoint } from "@webhook-contracts/contracts/entry-point";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";

const docsDir = path.join(repoRoot, "packages/docs");
const outDir = path.join(docsDir, "dist");
const reactComponent = path.join(docsDir, "node_modules/@asyncapi/react-component");

interface Provenance {
  kind: string;
  sources: string[];
  note?: string;
}

export interface SearchEntry {
  kind: "message" | "field";
  provider: string;
  message: string;
  title: string;
  text: string;
  url: string;
}

/** Parses asyncapi.yaml as the spec's own parser does; an error diagnostic stops the build. */
export async function parseAsyncApi(): Promise<AsyncAPIDocumentInterface> {
  const { document, diagnostics } = await fromFile(new Parser(), asyncApiFile).parse();
  const errors = diagnostics.filter((d) => d.severity === 0);
  if (errors.length || !document) {
    throw new Error(`asyncapi.yaml has errors:\n${errors.map((d) => `  ${d.code}: ${d.message} at /${d.path.join("/")}`).join("\n")}`);
  }
  return document;
}

const messageUrl = (p: string, m: string) => `messages/${p}/${encodeURIComponent(m)}.html`;
const providerUrl = (p: string) => `providers/${p}.html`;
const fieldId = (row: FieldRow) => `field-${row.path}`;

async function validFixtures(provider: string, message: string): Promise<{ name: string; body: unknown }[]> {
  return messageFixtures(provider, message, "valid").map(({ name, body }) => ({ name, body }));
}

function provenanceBlock(p: Provenance): string {
  const kinds: Record<string, string> = {
    docs: "from the provider's docs",
    sdk: "from the provider's SDK",
    inferred: "inferred (not stated by the provider)",
    unpublished: "not published by the provider",
    observed: "seen in the traffic we received (not documented by the provider)",
  };
  return `<aside class="provenance kind-${esc(p.kind)}"><h2>Provenance</h2><p><span class="badge">${esc(p.kind)}</span> ${esc(kinds[p.kind] ?? p.kind)}</p><ul>${p.sources.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>${p.note ? `<p>${esc(p.note)}</p>` : ""}</aside>`;
}

function valuesCell(row: FieldRow): string {
  if (!row.values) return "";
  const list = row.values.list.map((v) => `<code>${esc(JSON.stringify(v))}</code>`);
  const shown =
    list.length > 14
      ? `${list.slice(0, 12).join(" ")} <details><summary>${list.length - 12} more</summary>${list.slice(12).join(" ")}</details>`
      : list.join(" ");
  return row.values.kind === "open" ? `<span class="open">known (open list):</span> ${shown}` : shown;
}

function evidenceCell(row: FieldRow): string {
  if (row.inferred.length === 0) return `<td class="evidence documented">documented</td>`;
  return `<td class="evidence inferred"><span class="badge">inferred</span> ${row.inferred.map(esc).join("; ")}</td>`;
}

/** The message's constraints by evidence, and what each kind does in tolerant mode. */
function evidenceSummary(count: EvidenceCount): string {
  return `<section class="evidence-summary"><h2>Evidence</h2><p><strong class="documented-count">${count.documented}</strong> documented constraints and transitions (a documented constraint broken is an error in either mode), <strong class="inferred-count">${count.inferred}</strong> inferred ones (warnings in tolerant mode, errors in strict mode; so is a transition the lifecycle does not list), <strong class="open-count">${count.open}</strong> open lists (an unlisted value is a warning in tolerant mode). Unknown properties are warnings in tolerant mode and are not counted.</p></section>`;
}

function fieldTable(rows: FieldRow[]): string {
  const body = rows
    .map(
      (r) => `<tr id="${esc(fieldId(r))}" data-pointer="${esc(r.pointer)}">
<td class="name" style="--depth:${r.depth}"><a href="#${esc(fieldId(r))}" title="${esc(r.path)}"><code>${esc(r.path.slice(r.path.lastIndexOf(".") + 1))}</code></a></td>
<td>${esc(r.type)}</td><td>${r.required ? "yes" : "no"}</td><td>${r.nullable ? "yes" : "no"}</td>
<td>${valuesCell(r)}</td><td>${r.format ? `<code>${esc(r.format)}</code>` : ""}</td>${evidenceCell(r)}<td>${esc(r.description)}</td></tr>`,
    )
    .join("\n");
  return `<div class="table-wrap"><table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Nullable</th><th>Allowed values</th><th>Format</th><th>Evidence</th><th>Description</th></tr></thead><tbody>
${body}
</tbody></table></div>`;
}

interface ProviderView {
  contract: ProviderContract;
  description: string;
  summary: string;
  method: string;
}

function providerView(doc: AsyncAPIDocumentInterface, contract: ProviderContract): ProviderView {
  const channel = doc.channels().get(contract.name)!;
  const operation = channel.operations().all()[0]!;
  const method = (operation.bindings().get("http")?.value() as { method?: string } | undefined)?.method ?? "POST";
  // The parser models no channel summary (AsyncAPI 3 has one), so it is read from the channel's JSON.
  const summary = (channel.json() as { summary?: string }).summary ?? "";
  return { contract, description: channel.description() ?? "", summary, method };
}

/** What a request must carry, from the provider's declared authentication (the same data the receiver verifies with). */
function authSection(view: ProviderView): string {
  const p = view.contract;
  const settings = providerSettings(p);
  const secret = `one of the configured <code>${esc(settings.secrets)}</code>`;
  const rows = (scheme: AuthScheme): [string, string][] => {
    if (scheme.kind === "basic") return [["Authorization", `<code>Basic</code> and base64 of ${secret} (<code>user:password</code>)`]];
    if (scheme.kind === "apiKey")
      return [
        [
          scheme.header,
          `One of the configured <code>${esc(settings.secrets)}</code>, as is${scheme.configurableHeader ? " (the header's name is a setting, <code>header</code>)" : ""}`,
        ],
      ];
    const { signature: sig } = scheme;
    const ts = sig.timestamp;
    return [
      [
        scheme.header,
        `${sig.prefix ? `<code>${esc(sig.prefix)}</code> then the ` : "The "}${sig.encoding} HMAC-SHA256 of <code>${esc(sig.signed)}</code>, keyed with ${secret}; <code>{body}</code> is the raw request body${ts ? `, <code>{timestamp}</code> the value of <code>${esc(ts.header)}</code>` : ""}`,
      ],
      ...(ts
        ? ([
            [ts.header, `When it was signed, epoch ${ts.unit} (10 or 13 digits are read); more than ${ts.toleranceSeconds} s from now is refused as a replay`],
          ] as [string, string][])
        : []),
    ];
  };
  const alternatives = p.auth.map(
    (scheme, i) =>
      `<div class="auth-scheme" id="auth-${esc(scheme.id)}"><h3>${p.auth.length > 1 ? (i === 0 ? "Either" : "Or") : "Every request"}: <code>${esc(scheme.id)}</code></h3>${prose(scheme.description)}<table class="headers"><thead><tr><th>Header</th><th>Required</th><th>What it holds</th></tr></thead><tbody>${rows(
        scheme,
      )
        .map(([name, what]) => `<tr><td><code>${esc(name)}</code></td><td>yes</td><td>${what}</td></tr>`)
        .join("")}</tbody></table></div>`,
  );
  const config = `<p>Receiver settings: <code>providers["${esc(p.name)}"].${esc(settings.secrets)}</code> (or the environment variable <code>${esc(secretsVariable(p.name, settings.secrets))}</code>, comma-separated)${settings.header ? `, <code>header</code> (default <code>${esc(settings.header)}</code>)` : ""}${settings.toleranceSeconds ? `, <code>toleranceSeconds</code> (default ${settings.toleranceSeconds})` : ""}. <code>webhook-contracts send --provider ${esc(p.name)} --secret ...</code> signs as ${p.auth.length > 1 ? "the first alternative" : "above"}.</p>`;
  return `<section class="auth"><h2>Authentication</h2>${p.auth.length > 1 ? "<p>A request carries one of these alternatives; the first whose header it has is checked.</p>" : ""}${alternatives.join("")}${config}</section>`;
}

async function messagePage(
  view: ProviderView,
  message: MessageContract,
  rows: FieldRow[],
  provenance: Provenance,
  description: string,
  evidence: EvidenceCount,
): Promise<string> {
  const { contract } = view;
  const fixtures = await validFixtures(contract.name, message.name);
  const examples = fixtures
    .map(
      (f, i) =>
        `<details class="example"${i === 0 ? " open" : ""}><summary>${esc(f.name)} <span class="muted">fixtures/${esc(contract.name)}/${esc(message.name)}/valid/${esc(f.name)}.json</span></summary><pre><code>${esc(JSON.stringify(f.body, null, 2))}</code></pre></details>`,
    )
    .join("\n");
  const lifecycle = contract.lifecycle?.messages.includes(message.name)
    ? `<section class="lifecycle-section"><h2>Lifecycle</h2><p>${esc(contract.lifecycle.title)}: the status at <code>${esc(contract.lifecycle.status)}</code>${contract.discriminator === contract.lifecycle.status && message.discriminatorValues.length === 1 ? ` is <code>${esc(message.discriminatorValues[0])}</code> (highlighted)` : ""}.</p>${await lifecycleSvg(contract.lifecycle, message.discriminatorValues.length === 1 ? message.discriminatorValues[0] : undefined)}</section>`
    : "";
  const picked = contract.discriminator
    ? `<p>Picked by <code>${esc(contract.discriminator)}</code> = ${message.discriminatorValues.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(", ")}.</p>`
    : "";
  const body = `<article class="message" data-provider="${esc(contract.name)}" data-message="${esc(message.name)}">
<h1>${esc(message.title)} <code class="message-name">${esc(message.name)}</code></h1>
<p class="lead">${esc(message.summary)}</p>
<p><span class="method">${esc(view.method)}</span> <code>${esc(contract.address)}</code> · ${esc(contract.title)} · type <code>${esc(message.typeName)}</code> · schema <code>${esc(message.schemaFile)}</code></p>
${prose(description)}
${picked}
${provenanceBlock(provenance)}
${evidenceSummary(evidence)}
<section><h2>Fields</h2>${fieldTable(rows)}</section>
<section><h2>Examples</h2>${examples}</section>
${lifecycle}
</article>`;
  return page({
    title: `${contract.title} ${message.name}`,
    root: "../../",
    body,
    crumbs: [{ label: "Home", href: "../../index.html" }, { label: contract.title, href: `../../${providerUrl(contract.name)}` }, { label: message.name }],
  });
}

async function providerPage(view: ProviderView, provenance: Map<string, Provenance>): Promise<string> {
  const { contract } = view;
  const rows = contract.messages
    .map(
      (m) =>
        `<tr><td><a href="../${esc(messageUrl(contract.name, m.name))}"><code>${esc(m.name)}</code></a></td><td>${esc(m.title)}</td><td>${esc(m.summary)}</td><td><span class="badge">${esc(provenance.get(m.name)?.kind)}</span></td></tr>`,
    )
    .join("\n");
  const lifecycle = contract.lifecycle
    ? `<section class="lifecycle-section"><h2>Lifecycle</h2>${prose(contract.lifecycle.description)}${await lifecycleSvg(contract.lifecycle)}</section>`
    : "";
  const body = `<article class="provider" data-provider="${esc(contract.name)}">
<h1>${esc(contract.title)}</h1>
<p class="lead">${esc(view.summary)}</p>
<p class="endpoint"><span class="method">${esc(view.method)}</span> <code>${esc(contract.address)}</code></p>
${prose(view.description)}
${authSection(view)}
<section><h2>Messages</h2>${contract.discriminator ? `<p>The message is picked by <code>${esc(contract.discriminator)}</code>.</p>` : ""}
<table class="messages"><thead><tr><th>Message</th><th>Title</th><th>Summary</th><th>Provenance</th></tr></thead><tbody>
${rows}
</tbody></table></section>
${lifecycle}
</article>`;
  return page({ title: contract.title, root: "../", body, crumbs: [{ label: "Home", href: "../index.html" }, { label: contract.title }] });
}

function homePage(doc: AsyncAPIDocumentInterface, views: ProviderView[], index: SearchEntry[]): string {
  const providers = views
    .map(
      ({ contract, summary, method }) => `<section class="provider-card" data-provider="${esc(contract.name)}">
<h3><a href="${esc(providerUrl(contract.name))}">${esc(contract.title)}</a></h3>
<p>${esc(summary)}</p><p><span class="method">${esc(method)}</span> <code>${esc(contract.address)}</code> · ${contract.messages.length} message${contract.messages.length === 1 ? "" : "s"}</p>
<ul class="message-list">${contract.messages.map((m) => `<li><a href="${esc(messageUrl(contract.name, m.name))}"><code>${esc(m.name)}</code></a> <span class="muted">${esc(m.title)}</span></li>`).join("")}</ul>
</section>`,
    )
    .join("\n");
  const body = `<h1>${esc(doc.info().title())} <span class="muted">${esc(doc.info().version())}</span></h1>
${prose(doc.info().description())}
<section id="search" class="search"><h2>Search messages and fields</h2>
<input id="search-input" type="search" placeholder="e.g. orderToken, refundAmount, Issued" autocomplete="off" aria-label="Search messages and fields">
<ol id="search-results" aria-live="polite"></ol></section>
<section id="providers"><h2>Providers</h2><div class="providers">${providers}</div></section>
<script type="application/json" id="search-index">${JSON.stringify(index).replace(/</g, "\\u003c")}</script>`;
  return page({ title: "Webhook contracts", root: "", body, scripts: ["assets/site.js"] });
}

/** asyncapi.yaml made self-contained for the in-browser viewer: payloads and examples inlined, internal $refs kept. */
async function selfContainedDocument(providers: ProviderContract[]): Promise<unknown> {
  const raw = parseYaml(await readFile(asyncApiFile, "utf8")) as {
    channels: Record<string, { messages: Record<string, { payload: { schema: unknown }; examples?: { payload: unknown }[] }> }>;
  };
  for (const provider of providers) {
    for (const message of provider.messages) {
      const target = raw.channels[provider.name]!.messages[message.name]!;
      // A JSON round trip drops the shared identity of dereferenced objects (the viewer's parser wants a tree).
      target.payload.schema = JSON.parse(JSON.stringify(await dereferenceSchema(message.schemaId), (k, v) => (k === "$id" || k === "$schema" ? undefined : v)));
      for (const example of target.examples ?? []) {
        const ref = (example.payload as { $ref?: string }).$ref;
        if (ref) example.payload = await readJson(path.join(repoRoot, ref));
      }
    }
  }
  return raw;
}

function asyncApiPage(document: unknown): string {
  const body = `<h1>AsyncAPI view</h1><p class="lead">The whole of asyncapi.yaml, rendered by the AsyncAPI React component (bundled locally).</p>
<div id="asyncapi" class="asyncapi-view"><p class="muted">Rendering…</p></div>
<script type="application/json" id="asyncapi-document">${JSON.stringify(document).replace(/</g, "\\u003c")}</script>
<script src="assets/asyncapi/standalone.js"></script>
<script>
AsyncApiStandalone.render({
  schema: document.getElementById("asyncapi-document").textContent,
  config: { show: { sidebar: true, errors: true }, sidebar: { showOperations: "byDefault" } },
}, document.getElementById("asyncapi"));
</script>`;
  return page({
    title: "AsyncAPI view",
    root: "",
    body,
    styles: ["assets/asyncapi/default.min.css"],
    crumbs: [{ label: "Home", href: "index.html" }, { label: "AsyncAPI view" }],
  });
}

async function write(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

async function main(): Promise<void> {
  const document = await parseAsyncApi();
  const providers = await loadContracts();
  await rm(outDir, { recursive: true, force: true });
  const index: SearchEntry[] = [];
  const views: ProviderView[] = [];
  for (const contract of providers) {
    const view = providerView(document, contract);
    views.push(view);
    const provenance = new Map<string, Provenance>();
    for (const message of contract.messages) {
      const schema = await readJson<{ description?: string; "x-provenance": Provenance }>(path.join(repoRoot, message.schemaFile));
      provenance.set(message.name, schema["x-provenance"]);
      const dereferenced = await dereferenceSchema(message.schemaId);
      const rows = fieldRows(dereferenced);
      const evidence = countEvidence(dereferenced, message, contract.lifecycle);
      const url = messageUrl(contract.name, message.name);
      index.push({ kind: "message", provider: contract.title, message: message.name, title: message.title, text: message.summary, url });
      for (const row of rows) {
        index.push({
          kind: "field",
          provider: contract.title,
          message: message.name,
          title: row.path,
          text: `${row.type}. ${row.description}`,
          url: `${url}#${fieldId(row)}`,
        });
      }
      await write(path.join(outDir, url), await messagePage(view, message, rows, schema["x-provenance"], schema.description ?? "", evidence));
    }
    await write(path.join(outDir, providerUrl(contract.name)), await providerPage(view, provenance));
  }
  await write(path.join(outDir, "index.html"), homePage(document, views, index));
  await write(path.join(outDir, "asyncapi.html"), asyncApiPage(await selfContainedDocument(providers)));
  await mkdir(path.join(outDir, "assets/asyncapi"), { recursive: true });
  await copyFile(path.join(docsDir, "src/site.css"), path.join(outDir, "assets/site.css"));
  await copyFile(path.join(docsDir, "src/site.js"), path.join(outDir, "assets/site.js"));
  await copyFile(path.join(reactComponent, "browser/standalone/index.js"), path.join(outDir, "assets/asyncapi/standalone.js"));
  await copyFile(path.join(reactComponent, "styles/default.min.css"), path.join(outDir, "assets/asyncapi/default.min.css"));
  console.log(
    `docs: ${index.filter((e) => e.kind === "message").length} message pages, ${views.length} providers -> ${path.relative(repoRoot, outDir)}/index.html`,
  );
}

if (isEntryPoint(import.meta.url)) await main();
