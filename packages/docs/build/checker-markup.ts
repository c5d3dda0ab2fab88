/**
 * The payload checker's section of a provider or message page: a labelled box for a JSON body (paste, or
 * drop or open a .json file), the mode, the signing inputs of each alternative the provider declares that
 * signs its bodies (and what header the receiver expects for those that do not), and the results, one
 * block per signature, announced politely. The section
 * works once assets/checker.js (src/checker.js) is on the page; that script loads the provider's bundle
 * (build/checker.ts) named in `data-bundle` only when someone starts using the checker.
 */
import type { AuthScheme } from "@webhook-contracts/contracts";
import { escapeHtml as esc } from "@webhook-contracts/contracts/naming";
import { checkerBundlePath } from "./checker.ts";

export interface CheckerSectionOptions {
  provider: string;
  /** On a message page: the message the body is checked as. On a provider page: absent (the discriminator picks). */
  message?: string;
  /** Relative path from the page to the site's root ("../", "../../"). */
  root: string;
  /** The provider's authentication: its declared alternatives in order (`contract.auth`), or just one. */
  scheme: AuthScheme | readonly AuthScheme[];
}

type Signature = Extract<AuthScheme, { kind: "signature" }>;

const field = (label: string, control: string) => `<div class="checker-field">${label}${control}</div>`;

/**
 * The ids of one signature alternative's inputs and results. The first alternative that signs keeps the
 * ids the checker has always had (`checker-secret`, `checker-headers`, ...), so links and tests to them
 * hold; each other one's are suffixed with its scheme id (`checker-secret-<scheme>`), unique on the page.
 */
export function signatureIds(scheme: { id: string }, first: boolean) {
  const id = (name: string) => (first ? `checker-${name}` : `checker-${name}-${scheme.id}`);
  return {
    fieldset: id("signature"),
    secret: id("secret"),
    note: id("secret-note"),
    timestamp: id("timestamp"),
    signedId: id("id"),
    received: id("received"),
    result: id("signature-result"),
    title: id("headers-title"),
    headers: id("headers"),
    match: id("match"),
  };
}

const code = (text: string) => `<code>${esc(text)}</code>`;
const separatorText = (separator: string) => (separator === " " ? "spaces" : code(separator));

/** What the secret input takes: a secret of the setting, or, where a key form is declared, a key of that form. */
function secretLabel(scheme: Signature): string {
  const key = scheme.signature.key;
  return key ? `Signing key: one of ${code(scheme.secrets)} (${code(`${key.prefix}…`)})` : `Signing secret: one of ${code(scheme.secrets)}`;
}

/** The signed bytes in words: the raw body, and the values of the headers the template names. */
function signedWhat(spec: Signature["signature"]): string {
  const parts = ["the raw body"];
  if (spec.timestamp && spec.signed.includes("{timestamp}")) parts.push(`the value of ${code(spec.timestamp.header)}`);
  if (spec.id && spec.signed.includes("{id}")) parts.push(`the value of ${code(spec.id.header)}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0]!;
}

function signatureInputs(scheme: Signature, first: boolean): string {
  const spec = scheme.signature;
  const ids = signatureIds(scheme, first);
  const ts = spec.timestamp;
  const header = code(scheme.header);
  const digest = `${spec.prefix ? `${code(spec.prefix)} then the` : "the"} ${esc(spec.encoding)} HMAC-SHA256 of ${code(spec.signed)} (${signedWhat(spec)})`;
  const keyed = spec.key
    ? `keyed with the bytes whose ${esc(spec.key.encoding)} follows ${code(spec.key.prefix)} in the key`
    : "keyed with the secret's UTF-8 bytes";
  const checks = spec.separator
    ? `one or more signatures separated by ${separatorText(spec.separator)}, each ${digest}, ${keyed}; any one of them that matches will do (entries of another version are skipped)`
    : `${digest}, ${keyed}`;
  const what = `<p class="checker-auth-what">The receiver checks ${header}: ${checks}. Type the ${spec.key ? "key" : "secret"} to see the headers that sign exactly this body.</p>`;
  const secret = field(
    `<label for="${ids.secret}">${secretLabel(scheme)}</label>`,
    `<input type="password" id="${ids.secret}" class="checker-secret" autocomplete="off" spellcheck="false" aria-describedby="${ids.note}">`,
  );
  const timestamp = ts
    ? field(
        `<label for="${ids.timestamp}">${code(ts.header)} as received (epoch ${esc(ts.unit)}; empty: now)</label>`,
        `<input type="text" id="${ids.timestamp}" class="checker-timestamp" inputmode="numeric" autocomplete="off" spellcheck="false">`,
      )
    : "";
  const signedId = spec.id
    ? field(
        `<label for="${ids.signedId}">${code(spec.id.header)} as received; empty: ${spec.id.pointer !== undefined ? `the payload's ${code(spec.id.pointer)}` : "a new one"}</label>`,
        `<input type="text" id="${ids.signedId}" class="checker-id" autocomplete="off" spellcheck="false">`,
      )
    : "";
  const received = field(
    `<label for="${ids.received}">Signature you received in ${header} (optional${spec.separator ? `: the whole header, every ${spec.prefix ? `${code(spec.prefix)} ` : ""}entry is tried` : ""})</label>`,
    `<input type="text" id="${ids.received}" class="checker-received" autocomplete="off" spellcheck="false">`,
  );
  const note = `<p id="${ids.note}" class="checker-secret-note">The ${spec.key ? "key" : "secret"} stays in this page: it is not stored and not sent anywhere.</p>`;
  const legend = `<legend>Signature ${code(scheme.id)}: ${header}</legend>`;
  return `<fieldset id="${ids.fieldset}" class="checker-auth checker-signature" data-scheme="${esc(scheme.id)}">${legend}${what}${secret}${timestamp}${signedId}${received}${note}</fieldset>`;
}

/** One alternative's results: its headers for the body (once a secret is typed) and whether a received signature matches. */
function signatureResult(scheme: Signature, first: boolean): string {
  const ids = signatureIds(scheme, first);
  return `<div id="${ids.result}" class="checker-signature-result" data-scheme="${esc(scheme.id)}" hidden><h3 id="${ids.title}">Signature ${code(scheme.id)}: ${code(scheme.header)}</h3><div class="checker-headers-block" hidden><p class="checker-headers-caption">Headers for this body:</p><pre class="checker-headers"><code id="${ids.headers}"></code></pre></div><p id="${ids.match}" class="checker-match" hidden></p></div>`;
}

function expectedHeader(scheme: AuthScheme): string {
  if (scheme.kind === "basic")
    return `an <code>Authorization: Basic …</code> header: base64 of one of the configured <code>${esc(scheme.secrets)}</code> (<code>user:password</code>)`;
  if (scheme.kind === "apiKey")
    return `the <code>${esc(scheme.header)}</code> header${scheme.configurableHeader ? " (its name is the setting <code>header</code>)" : ""}, carrying one of the configured <code>${esc(scheme.secrets)}</code> as is`;
  return `the <code>${esc(scheme.header)}</code> signature header`;
}

function unsignedNote(schemes: readonly AuthScheme[], besideSignatures: boolean): string {
  const alternatives = schemes.map(expectedHeader);
  const expects = alternatives.length > 1 ? `either ${alternatives.join(", or ")}` : alternatives[0]!;
  const from = `A 401 comes from ${alternatives.length > 1 ? "those headers" : "that header"} alone (missing, or not a configured secret), never from the body.`;
  const text = besideSignatures
    ? `Or unsigned: the receiver also accepts ${expects}. ${from}`
    : `These bodies are not signed: the receiver expects ${expects}. ${from}`;
  return `<div class="checker-auth checker-unsigned"><p>${text}</p></div>`;
}

/** The signing inputs of each alternative that signs, and a note on those that do not. */
function authInputs(schemes: readonly AuthScheme[]): string {
  const signatures = schemes.filter((s): s is Signature => s.kind === "signature");
  const unsigned = schemes.filter((s) => s.kind !== "signature");
  if (signatures.length === 0) return unsignedNote(unsigned, false);
  const intro =
    signatures.length > 1
      ? `<p class="checker-auth-intro">The receiver accepts any one of ${signatures.length} signatures, and checks the one whose header a delivery carries: ${signatures.map((s) => code(s.header)).join(" or ")}. Type a secret for each you want to see.</p>\n`
      : "";
  return `${intro}${signatures.map((s, i) => signatureInputs(s, i === 0)).join("\n")}${unsigned.length > 0 ? `\n${unsignedNote(unsigned, true)}` : ""}`;
}

/** The checker's section: every id in it starts with `checker` and appears once on the page. */
export function checkerSection({ provider, message, root, scheme }: CheckerSectionOptions): string {
  const schemes: readonly AuthScheme[] = Array.isArray(scheme) ? scheme : [scheme as AuthScheme];
  const first = schemes[0];
  if (!first) throw new TypeError(`checkerSection: ${provider} has no authentication scheme`);
  const checkedAs = message ? `It is checked as <code>${esc(message)}</code>, this page's message.` : "It is checked as the message its discriminator picks.";
  const modes = [
    ["tolerant", "what the providers' documentation does not settle (an unknown field, an unlisted value of an open list, an inferred rule) is a warning"],
    ["strict", "every one of those is an error"],
  ]
    .map(
      ([mode, what], i) =>
        `<div class="checker-mode-option"><input type="radio" name="checker-mode" id="checker-mode-${mode}" value="${mode}"${i === 0 ? " checked" : ""}><label for="checker-mode-${mode}">${mode}</label><span class="checker-mode-note">: ${what}</span></div>`,
    )
    .join("");
  return `<section id="checker" class="checker" data-provider="${esc(provider)}"${message ? ` data-message="${esc(message)}"` : ""} data-root="${esc(root)}" data-bundle="${esc(root + checkerBundlePath(provider))}" data-auth="${esc(first.kind)}" aria-labelledby="checker-title">
<h2 id="checker-title">Check a payload</h2>
<p class="checker-intro">Paste a JSON body, or drop a <code>.json</code> file on the box, to check it with the validators <code>@webhook-contracts/validators</code> ships, in tolerant or strict mode. ${checkedAs} It all runs in this page: nothing you paste or type leaves the browser.</p>
<div class="checker-input">
${field(`<label for="checker-body">JSON body</label>`, `<textarea id="checker-body" class="checker-body" rows="12" spellcheck="false" autocomplete="off" autocapitalize="off" aria-describedby="checker-body-hint"></textarea>`)}
<p id="checker-body-hint" class="checker-hint">Paste or type it, or drop a <code>.json</code> file on it; <kbd>Ctrl</kbd>+<kbd>Enter</kbd> checks.</p>
${field(`<label for="checker-file">Or open a <code>.json</code> file</label>`, `<input type="file" id="checker-file" class="checker-file" accept=".json,application/json">`)}
</div>
<fieldset class="checker-mode"><legend>Mode</legend>${modes}</fieldset>
${authInputs(schemes)}
<div class="checker-actions"><button type="button" id="checker-run" class="checker-run">Check</button></div>
<div id="checker-results" class="checker-results" aria-live="polite">
<p id="checker-status" class="checker-status"></p>
<p id="checker-summary" class="checker-summary" hidden></p>
<ol id="checker-issues" class="checker-issues" hidden></ol>
${schemes
  .filter((s): s is Signature => s.kind === "signature")
  .map((s, i) => signatureResult(s, i === 0))
  .join("\n")}
</div>
</section>`;
}
