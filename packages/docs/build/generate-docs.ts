/**
 * Builds @webhook-contracts/docs into packages/docs/dist: a static site, fully offline (it works opened
 * from file:// too), from asyncapi.yaml (through @asyncapi/parser; any error diagnostic fails the build),
 * the schemas, the lifecycles and the fixtures. Pages: home, one per provider (endpoint, authentication,
 * messages, lifecycles, payload checker), one per message (fields beside its examples, provenance,
 * evidence, lifecycle, payload checker), a changelog per provider, and the full AsyncAPI view. Every page
 * has the navigation tree and the search; the search's code and index load when it is first used.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Parser, fromFile } from "@asyncapi/parser";
import type { AsyncAPIDocumentInterface } from "@asyncapi/parser";
import { build as esbuild, transform } from "esbuild";
import { parse as parseYaml } from "yaml";
import {
  type AuthScheme,
  type LifecycleContract,
  type MessageContract,
  type ProviderContract,
  asyncApiFile,
  dereferenceSchema,
  lifecycleOf,
  loadContracts,
  readJson,
  repoRoot,
} from "@webhook-contracts/contracts";
import { lifecycleAnchor, lifecycleSvg, prepareLifecycleLayouts, unplacedNote } from "./diagram.ts";
import { type FieldRow, fieldRows } from "./fields.ts";
import { type FieldMarks, fieldId, fieldList } from "./field-list.ts";
import { type EvidenceCount, countEvidence } from "@webhook-contracts/contracts/evidence";
import { type NavProvider, esc, inline, page, plain, prose, text } from "./html.ts";
import { providerSettings, secretsVariable } from "@webhook-contracts/contracts/auth";
import { isEntryPoint } from "@webhook-contracts/contracts/entry-point";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { type SearchEntry, searchIndexScript } from "./search-index.ts";
import { type History, changelogHtml, contractHistory, fieldAnchorId, fieldMarks, providerChangelog } from "./changelog.ts";
import { buildCheckers, checkerScriptPath } from "./checker.ts";
import { checkerSection } from "./checker-markup.ts";

const docsDir = path.join(repoRoot, "packages/docs");
const outDir = path.join(docsDir, "dist");
const reactComponent = path.join(docsDir, "node_modules/@asyncapi/react-component");

interface Provenance {
  kind: string;
  sources: string[];
  note?: string;
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
const changelogUrl = (p: string) => `changes/${p}.html`;

function provenanceBlock(p: Provenance): string {
  const kinds: Record<string, string> = {
    docs: "from the provider's docs",
    sdk: "from the provider's SDK",
    inferred: "inferred (not stated by the provider)",
    unpublished: "not published by the provider",
    observed: "seen in the traffic we received (not documented by the provider)",
  };
  return `<aside class="provenance kind-${esc(p.kind)}" id="provenance" aria-labelledby="provenance-title"><h2 id="provenance-title">Provenance</h2><p><span class="badge">${esc(p.kind)}</span> ${esc(kinds[p.kind] ?? p.kind)}</p><ul>${p.sources.map((s) => `<li>${inline(s)}</li>`).join("")}</ul>${p.note ? `<p>${inline(p.note)}</p>` : ""}</aside>`;
}

/** The message's constraints by evidence, and what each kind does in tolerant mode. */
function evidenceSummary(count: EvidenceCount): string {
  return `<section class="evidence-summary" id="evidence"><h2>Evidence</h2><p><strong class="documented-count">${count.documented}</strong> documented constraints and transitions (a documented constraint broken is an error in either mode), <strong class="inferred-count">${count.inferred}</strong> inferred ones (warnings in tolerant mode, errors in strict mode; so is a transition the lifecycle does not list), <strong class="open-count">${count.open}</strong> open lists (an unlisted value is a warning in tolerant mode). Unknown properties are warnings in tolerant mode and are not counted. Each field below says whether its rules are documented or inferred.</p></section>`;
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

/** Each header a request must carry, with what it holds: one list per authentication alternative. */
function authHeaders(scheme: AuthScheme): [string, string][] {
  const secret = `one of the configured <code>${esc(scheme.secrets)}</code>`;
  if (scheme.kind === "basic") return [["Authorization", `<code>Basic</code> and base64 of ${secret} (<code>user:password</code>)`]];
  if (scheme.kind === "apiKey")
    return [
      [
        scheme.header,
        `One of the configured <code>${esc(scheme.secrets)}</code>, as is${scheme.configurableHeader ? " (the header's name is a setting, <code>header</code>)" : ""}`,
      ],
    ];
  const { signature: sig } = scheme;
  const ts = sig.timestamp;
  const key = sig.key ? `the key whose base64 follows <code>${esc(sig.key.prefix)}</code> in ${secret}` : secret;
  const entry = `${sig.prefix ? `<code>${esc(sig.prefix)}</code> then the ` : "The "}${sig.encoding} HMAC-SHA256`;
  return [
    [
      scheme.header,
      `${sig.separator ? `One or more entries separated by ${sig.separator === " " ? "a space" : `<code>${esc(sig.separator)}</code>`}, any of which may match; each ${entry.charAt(0).toLowerCase()}${entry.slice(1)}` : entry} of <code>${esc(sig.signed)}</code>, keyed with ${key}; <code>{body}</code> is the raw request body${ts ? `, <code>{timestamp}</code> the value of <code>${esc(ts.header)}</code>` : ""}${sig.id ? `, <code>{id}</code> the value of <code>${esc(sig.id.header)}</code>` : ""}${sig.separator && sig.prefix ? `. Entries of other versions than <code>${esc(sig.prefix)}</code> are not checked` : ""}`,
    ],
    ...(sig.id
      ? ([
          [
            sig.id.header,
            `The message's id, signed with it${sig.id.pointer !== undefined ? `; the sender sets it to the payload's <code>${esc(sig.id.pointer)}</code>` : ""}`,
          ],
        ] as [string, string][])
      : []),
    ...(ts
      ? ([
          [ts.header, `When it was signed, epoch ${ts.unit} (10 or 13 digits are read); more than ${ts.toleranceSeconds} s from now is refused as a replay`],
        ] as [string, string][])
      : []),
  ];
}

/** What a request must carry, from the provider's declared authentication (the same data the receiver verifies with). */
function authSection(view: ProviderView): string {
  const p = view.contract;
  const settings = providerSettings(p);
  const alternatives = p.auth.map(
    (scheme, i) =>
      `<div class="auth-scheme" id="auth-${esc(scheme.id)}"><h3>${p.auth.length > 1 ? (i === 0 ? "Either" : "Or") : "Every request"}: <code>${esc(scheme.id)}</code></h3>${prose(scheme.description)}<table class="headers stack"><thead><tr><th scope="col">Header</th><th scope="col">Required</th><th scope="col">What it holds</th></tr></thead><tbody>${authHeaders(
        scheme,
      )
        .map(
          ([name, what]) =>
            `<tr><td data-label="Header"><code>${esc(name)}</code></td><td data-label="Required">${p.auth.length > 1 ? "with this alternative" : "yes"}</td><td data-label="What it holds">${what}</td></tr>`,
        )
        .join("")}</tbody></table></div>`,
  );
  const lists = settings.secrets.map(
    (list) =>
      `<code>providers["${esc(p.name)}"].${esc(list.name)}</code> (or the environment variable <code>${esc(secretsVariable(p.name, list.name))}</code>, comma-separated${list.keyPrefix ? `; keys of the form <code>${esc(list.keyPrefix)}</code> and base64` : ""}${settings.secrets.length > 1 ? `; for ${list.schemes.map((id) => `<code>${esc(id)}</code>`).join(", ")}` : ""})`,
  );
  const signs =
    p.auth.length === 1
      ? "signs as above"
      : settings.secrets.some((list) => list.keyPrefix)
        ? `signs as <code>${esc(p.auth.find((s) => s.kind === "signature" && s.signature.key)!.id)}</code> with a key of its form, else as the first alternative; <code>--scheme</code> names one`
        : "signs as the first alternative";
  const config = `<p>Receiver settings: ${lists.length > 1 ? `at least one of ${lists.join(" or ")}` : lists[0]}${settings.header ? `, <code>header</code> (default <code>${esc(settings.header)}</code>)` : ""}${settings.toleranceSeconds ? `, <code>toleranceSeconds</code> (default ${settings.toleranceSeconds})` : ""}. <code>webhook-contracts send --provider ${esc(p.name)} --secret ...</code> ${signs}.</p>`;
  return `<section class="auth" id="authentication"><h2>Authentication</h2>${p.auth.length > 1 ? "<p>A request carries one of these alternatives; the first whose header it has is checked.</p>" : ""}${alternatives.join("")}${config}</section>`;
}

interface Site {
  nav: NavProvider[];
}

async function messagePage(
  site: Site,
  view: ProviderView,
  message: MessageContract,
  rows: FieldRow[],
  provenance: Provenance,
  description: string,
  evidence: EvidenceCount,
  marks: FieldMarks | undefined,
): Promise<string> {
  const { contract } = view;
  const fixtures = messageFixtures(contract.name, message.name, "valid");
  const examples = fixtures
    .map(
      (f, i) =>
        `<details class="example"${i === 0 ? " open" : ""}><summary>${esc(f.name)}</summary><p class="muted source">fixtures/${esc(contract.name)}/${esc(message.name)}/valid/${esc(f.name)}.json</p><pre tabindex="0"><code>${text(JSON.stringify(f.body, null, 2))}</code></pre></details>`,
    )
    .join("\n");
  const single = message.discriminatorValues.length === 1 ? message.discriminatorValues[0] : undefined;
  // The diagram is drawn here when it shows where this message stands (its status highlighted); otherwise
  // it would repeat the provider page's (two SVGs of 16 KB each for Ivy), so the section links there.
  const own = lifecycleOf(contract, message.name);
  const highlighted = own && contract.discriminator === own.status ? single : undefined;
  const lifecycle = own
    ? `<section class="lifecycle-section" id="lifecycle"><h2>Lifecycle</h2><p>${esc(own.title)}: the status at <code>${esc(own.status)}</code>${highlighted ? ` is <code>${esc(highlighted)}</code> (highlighted)` : ""}.${highlighted ? "" : ` Its transitions: <a href="../../${esc(providerUrl(contract.name))}#${lifecycleAnchor(own)}">${esc(own.title)} lifecycle</a>.`}</p>${highlighted ? await lifecycleSvg(own, highlighted) : ""}</section>`
    : "";
  const picked = contract.discriminator
    ? `<p>Picked by <code>${esc(contract.discriminator)}</code> = ${message.discriminatorValues.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(", ")}.</p>`
    : "";
  const body = `<article class="message" data-provider="${esc(contract.name)}" data-message="${esc(message.name)}">
<header class="page-head" id="overview">
<h1>${esc(message.title)} <code class="message-name">${esc(message.name)}</code></h1>
<p class="lead">${inline(message.summary)}</p>
<p class="meta"><span class="method">${esc(view.method)}</span> <code>${esc(contract.address)}</code> · <a href="../../${esc(providerUrl(contract.name))}">${esc(contract.title)}</a> · type <code>${esc(message.typeName)}</code> · schema <code>${esc(message.schemaFile)}</code></p>
${prose(description)}
${picked}
</header>
${provenanceBlock(provenance)}
${evidenceSummary(evidence)}
<section class="fields-section" id="fields"><h2>Fields</h2>${fieldList(rows, marks)}</section>
<aside class="examples" id="examples" aria-labelledby="examples-title"><h2 id="examples-title">Examples</h2>${examples || '<p class="muted">No example yet.</p>'}</aside>
${lifecycle}
${checkerSection({ provider: contract.name, message: message.name, root: "../../", scheme: contract.auth })}
</article>`;
  const toc = [
    { id: "overview", label: "Overview" },
    { id: "provenance", label: "Provenance" },
    { id: "evidence", label: "Evidence" },
    { id: "fields", label: `Fields (${rows.length})` },
    { id: "examples", label: `Examples (${fixtures.length})` },
    ...(lifecycle ? [{ id: "lifecycle", label: "Lifecycle" }] : []),
    { id: "checker", label: "Check a payload" },
  ];
  return page({
    title: `${contract.title} ${message.name}`,
    scripts: [checkerScriptPath],
    root: "../../",
    path: messageUrl(contract.name, message.name),
    body,
    nav: site.nav,
    toc,
    crumbs: [{ label: "Home", href: "../../index.html" }, { label: contract.title, href: `../../${providerUrl(contract.name)}` }, { label: message.name }],
  });
}

async function providerPage(site: Site, view: ProviderView, provenance: Map<string, Provenance>): Promise<string> {
  const { contract } = view;
  // A provider with several APIs (x-entry-points): each message's own entry point is a column.
  const parts = contract.entryPoints;
  const partCell = (m: MessageContract) => (parts.length ? `<td data-label="Entry point"><code>${esc(`${contract.name}/${m.entryPoint}`)}</code></td>` : "");
  const rows = contract.messages
    .map(
      (m) =>
        `<tr><td data-label="Message"><a href="../${esc(messageUrl(contract.name, m.name))}"><code>${esc(m.name)}</code></a></td><td data-label="Title">${esc(m.title)}</td><td data-label="Summary">${inline(m.summary)}</td>${partCell(m)}<td data-label="Provenance"><span class="badge">${esc(provenance.get(m.name)?.kind)}</span></td></tr>`,
    )
    .join("\n");
  const partsNote = parts.length
    ? `<p>Its validators: <code>@webhook-contracts/validators/${esc(contract.name)}</code> holds every message; each of its APIs is also an entry point of its own, which loads only that API's validators and exports the same names:</p><ul class="entry-points">${parts
        .map((e) => `<li><code>@webhook-contracts/validators/${esc(e.path)}</code> (${e.messages.length} messages): ${inline(e.summary)}</li>`)
        .join("")}</ul>`
    : "";
  // One section per lifecycle (Ivy's orders, payouts, returns, ... each have their own diagram).
  const several = contract.lifecycles.length > 1;
  const lifecycleHeading = (l: LifecycleContract) => (several ? `Lifecycle: ${l.title}` : "Lifecycle");
  const lifecycle = (
    await Promise.all(
      contract.lifecycles.map(
        async (l) =>
          `<section class="lifecycle-section" id="${lifecycleAnchor(l)}"><h2>${esc(lifecycleHeading(l))}</h2>${prose(l.description)}${await lifecycleSvg(l)}${unplacedNote(l)}</section>`,
      ),
    )
  ).join("\n");
  const body = `<article class="provider" data-provider="${esc(contract.name)}">
<header class="page-head" id="overview">
<h1>${esc(contract.title)}</h1>
<p class="lead">${inline(view.summary)}</p>
<p class="endpoint"><span class="method">${esc(view.method)}</span> <code>${esc(contract.address)}</code></p>
${prose(view.description)}
<p><a href="../${esc(changelogUrl(contract.name))}">What changed in ${esc(contract.title)}'s contract</a></p>
</header>
${authSection(view)}
<section id="messages"><h2>Messages</h2>${contract.discriminator ? `<p>The message is picked by <code>${esc(contract.discriminator)}</code>.</p>` : ""}${partsNote}
<table class="messages stack"><thead><tr><th scope="col">Message</th><th scope="col">Title</th><th scope="col">Summary</th>${parts.length ? '<th scope="col">Entry point</th>' : ""}<th scope="col">Provenance</th></tr></thead><tbody>
${rows}
</tbody></table></section>
${lifecycle}
${checkerSection({ provider: contract.name, root: "../", scheme: contract.auth })}
</article>`;
  const toc = [
    { id: "overview", label: "Overview" },
    { id: "authentication", label: "Authentication" },
    { id: "messages", label: `Messages (${contract.messages.length})` },
    ...contract.lifecycles.map((l) => ({ id: lifecycleAnchor(l), label: lifecycleHeading(l) })),
    { id: "checker", label: "Check a payload" },
  ];
  return page({
    title: contract.title,
    scripts: [checkerScriptPath],
    root: "../",
    path: providerUrl(contract.name),
    body,
    nav: site.nav,
    toc,
    crumbs: [{ label: "Home", href: "../index.html" }, { label: contract.title }],
  });
}

function homePage(site: Site, doc: AsyncAPIDocumentInterface, views: ProviderView[]): string {
  const providers = views
    .map(
      ({ contract, summary, method }) => `<section class="provider-card" data-provider="${esc(contract.name)}" aria-labelledby="card-${esc(contract.name)}">
<h3 id="card-${esc(contract.name)}"><a href="${esc(providerUrl(contract.name))}">${esc(contract.title)}</a></h3>
<p>${inline(summary)}</p><p><span class="method">${esc(method)}</span> <code>${esc(contract.address)}</code> · ${contract.messages.length} message${contract.messages.length === 1 ? "" : "s"}</p>
<ul class="message-list">${contract.messages.map((m) => `<li><a href="${esc(messageUrl(contract.name, m.name))}"><code>${esc(m.name)}</code></a> <span class="muted">${esc(m.title)}</span></li>`).join("")}</ul>
</section>`,
    )
    .join("\n");
  const body = `<h1>${esc(doc.info().title())} <span class="muted">${esc(doc.info().version())}</span></h1>
${prose(doc.info().description())}
<p class="hint">Search every message, field, status and enum value, header and provider from the box at the top of any page (press <kbd>/</kbd>).</p>
<section id="providers" aria-labelledby="providers-title"><h2 id="providers-title">Providers</h2><div class="providers">${providers}</div></section>`;
  return page({ title: "Webhook contracts", root: "", path: "index.html", body, nav: site.nav });
}

function changesPage(site: Site, contract: ProviderContract, history: History): string {
  const changelog = providerChangelog(history, contract.name);
  const body = `<article class="changes" data-provider="${esc(contract.name)}">
<header class="page-head" id="overview"><h1>${esc(contract.title)}: what changed</h1>
<p class="lead">Every change of ${esc(contract.title)}'s contract between released versions of <code>@webhook-contracts/schemas</code>, as <code>webhook-contracts diff</code> classifies it: whether receivers accept more or reject more, and whether the generated types break.</p></header>
${changelogHtml(changelog, {
  messageUrl: (m) => (contract.messages.some((x) => x.name === m) ? `../${messageUrl(contract.name, m)}` : null),
  fieldAnchor: (pointer) => fieldAnchorId(pointer),
})}
</article>`;
  return page({
    title: `${contract.title} changelog`,
    root: "../",
    path: changelogUrl(contract.name),
    body,
    nav: site.nav,
    crumbs: [{ label: "Home", href: "../index.html" }, { label: contract.title, href: `../${providerUrl(contract.name)}` }, { label: "Changelog" }],
  });
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

function asyncApiPage(site: Site, document: unknown): string {
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
    path: "asyncapi.html",
    body,
    nav: site.nav,
    wide: true,
    styles: ["assets/asyncapi/default.min.css", "assets/asyncapi-view.css"],
    crumbs: [{ label: "Home", href: "index.html" }, { label: "AsyncAPI view" }],
  });
}

async function write(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** The search's code: our src/search.js with MiniSearch, one classic script (file:// runs no modules). */
async function bundleSearch(): Promise<void> {
  await esbuild({
    entryPoints: [path.join(docsDir, "src/search.js")],
    outfile: path.join(outDir, "assets/search.js"),
    bundle: true,
    format: "iife",
    minify: true,
    legalComments: "none",
    target: "es2020",
    logLevel: "error",
  });
}

/** src/<name> minified into assets/: every page loads both, so every byte counts once per page. */
async function minify(name: string): Promise<void> {
  const source = await readFile(path.join(docsDir, "src", name), "utf8");
  const { code } = await transform(source, { loader: name.endsWith(".css") ? "css" : "js", minify: true, legalComments: "none", target: "es2020" });
  await write(path.join(outDir, "assets", name), code);
}

async function main(): Promise<void> {
  const providers = await loadContracts();
  // The diagrams are laid out in ELK's worker thread while asyncapi.yaml is parsed here.
  for (const p of providers) for (const l of p.lifecycles) prepareLifecycleLayouts(l);
  const document = await parseAsyncApi();
  const history = await contractHistory();
  await rm(outDir, { recursive: true, force: true });
  const site: Site = {
    nav: providers.map((p) => ({
      name: p.name,
      title: p.title,
      url: providerUrl(p.name),
      changelogUrl: changelogUrl(p.name),
      messages: p.messages.map((m) => ({ name: m.name, url: messageUrl(p.name, m.name) })),
    })),
  };
  const index: SearchEntry[] = [];
  const views: ProviderView[] = [];
  for (const contract of providers) {
    const view = providerView(document, contract);
    views.push(view);
    index.push({ kind: "provider", title: contract.title, provider: "", where: contract.address, text: plain(view.summary), url: providerUrl(contract.name) });
    for (const scheme of contract.auth) {
      for (const [header, what] of authHeaders(scheme)) {
        index.push({
          kind: "header",
          title: header,
          provider: contract.title,
          where: `authentication ${scheme.id}`,
          text: what
            .replace(/<[^>]+>/g, "")
            .replace(/&quot;/g, '"')
            .replace(/&amp;/g, "&"),
          url: `${providerUrl(contract.name)}#auth-${scheme.id}`,
        });
      }
    }
    for (const l of contract.lifecycles) {
      for (const status of [...l.statuses, ...l.unplaced.map((u) => u.status)]) {
        index.push({
          kind: "value",
          title: status,
          provider: contract.title,
          where: "lifecycle",
          text: `A status of ${l.title}.`,
          url: `${providerUrl(contract.name)}#${lifecycleAnchor(l)}`,
        });
      }
    }
    const provenance = new Map<string, Provenance>();
    for (const message of contract.messages) {
      const schema = await readJson<{ description?: string; "x-provenance": Provenance }>(path.join(repoRoot, message.schemaFile));
      provenance.set(message.name, schema["x-provenance"]);
      const dereferenced = await dereferenceSchema(message.schemaId);
      const rows = fieldRows(dereferenced);
      const evidence = countEvidence(dereferenced, message, lifecycleOf(contract, message.name));
      const url = messageUrl(contract.name, message.name);
      index.push({ kind: "message", title: message.name, provider: contract.title, where: message.title, text: plain(message.summary), url });
      for (const row of rows) {
        const fieldUrl = `${url}#${fieldId(row)}`;
        index.push({
          kind: "field",
          title: row.path,
          provider: contract.title,
          where: message.name,
          text: `${row.type}. ${plain(row.description)}`,
          url: fieldUrl,
        });
        // A const (a message's discriminator value) is found through its message; lists are what people search.
        for (const value of row.values?.kind === "const" ? [] : (row.values?.list ?? [])) {
          if (typeof value !== "string" && typeof value !== "number") continue;
          index.push({ kind: "value", title: String(value), provider: contract.title, where: `${message.name} ${row.path}`, text: "", url: fieldUrl });
        }
      }
      const marks = fieldMarks(history, contract.name, message.name);
      await write(path.join(outDir, url), await messagePage(site, view, message, rows, schema["x-provenance"], schema.description ?? "", evidence, marks));
    }
    await write(path.join(outDir, providerUrl(contract.name)), await providerPage(site, view, provenance));
    await write(path.join(outDir, changelogUrl(contract.name)), changesPage(site, contract, history));
  }
  await write(path.join(outDir, "index.html"), homePage(site, document, views));
  await write(path.join(outDir, "asyncapi.html"), asyncApiPage(site, await selfContainedDocument(providers)));
  await write(path.join(outDir, "assets/search-index.js"), searchIndexScript(index));
  await bundleSearch();
  const checkers = await buildCheckers(
    outDir,
    providers.map((p) => p.name),
  );
  await mkdir(path.join(outDir, "assets/asyncapi"), { recursive: true });
  await minify("site.css");
  await minify("site.js");
  await minify("checker.js");
  await minify("asyncapi-view.css");
  await copyFile(path.join(reactComponent, "browser/standalone/index.js"), path.join(outDir, "assets/asyncapi/standalone.js"));
  await copyFile(path.join(reactComponent, "styles/default.min.css"), path.join(outDir, "assets/asyncapi/default.min.css"));
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  console.log(
    `docs: ${index.filter((e) => e.kind === "message").length} message pages, ${views.length} providers -> ${path.relative(repoRoot, outDir)}/index.html (payload checkers, loaded on first use: ${Object.entries(
      checkers,
    )
      .map(([p, n]) => `${p} ${kb(n)}`)
      .join(", ")})`,
  );
}

if (isEntryPoint(import.meta.url)) await main();
