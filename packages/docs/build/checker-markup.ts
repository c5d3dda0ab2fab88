/**
 * The payload checker's section of a provider or message page: a labelled box for a JSON body (paste, or
 * drop or open a .json file), the mode, the signing inputs of a provider that signs its bodies (or what
 * header the receiver expects of one that does not), and the results, announced politely. The section
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
  /**
   * The provider's authentication: its declared alternatives in order (`contract.auth`), or just the first,
   * which is the one the receiver signs with and the checker signs as.
   */
  scheme: AuthScheme | readonly AuthScheme[];
}

type Signature = Extract<AuthScheme, { kind: "signature" }>;

const field = (label: string, control: string) => `<div class="checker-field">${label}${control}</div>`;

function signatureInputs(scheme: Signature): string {
  const spec = scheme.signature;
  const ts = spec.timestamp;
  const header = `<code>${esc(scheme.header)}</code>`;
  const what = `<p class="checker-auth-what">The receiver checks ${header}: ${spec.prefix ? `<code>${esc(spec.prefix)}</code> then the` : "the"} ${esc(spec.encoding)} HMAC-SHA256 of <code>${esc(spec.signed)}</code> (the raw body${ts ? ` and the value of <code>${esc(ts.header)}</code>` : ""}), keyed with the secret. Type the secret to see the headers that sign exactly this body.</p>`;
  const secret = field(
    `<label for="checker-secret">Signing secret</label>`,
    `<input type="password" id="checker-secret" class="checker-secret" autocomplete="off" spellcheck="false" aria-describedby="checker-secret-note">`,
  );
  const timestamp = ts
    ? field(
        `<label for="checker-timestamp"><code>${esc(ts.header)}</code> as received (epoch ${esc(ts.unit)}; empty: now)</label>`,
        `<input type="text" id="checker-timestamp" class="checker-timestamp" inputmode="numeric" autocomplete="off" spellcheck="false">`,
      )
    : "";
  const received = field(
    `<label for="checker-received">Signature you received in ${header} (optional)</label>`,
    `<input type="text" id="checker-received" class="checker-received" autocomplete="off" spellcheck="false">`,
  );
  const note = `<p id="checker-secret-note" class="checker-secret-note">The secret stays in this page: it is not stored and not sent anywhere.</p>`;
  return `<fieldset class="checker-auth checker-signature"><legend>Signature</legend>${what}${secret}${timestamp}${received}${note}</fieldset>`;
}

function expectedHeader(scheme: AuthScheme): string {
  if (scheme.kind === "basic")
    return `an <code>Authorization: Basic …</code> header: base64 of one of the configured <code>${esc(scheme.secrets)}</code> (<code>user:password</code>)`;
  if (scheme.kind === "apiKey")
    return `the <code>${esc(scheme.header)}</code> header${scheme.configurableHeader ? " (its name is the setting <code>header</code>)" : ""}, carrying one of the configured <code>${esc(scheme.secrets)}</code> as is`;
  return `the <code>${esc(scheme.header)}</code> signature header`;
}

function unsignedNote(schemes: readonly AuthScheme[]): string {
  const alternatives = schemes.map(expectedHeader);
  const expects = alternatives.length > 1 ? `either ${alternatives.join(", or ")}` : alternatives[0]!;
  return `<div class="checker-auth checker-unsigned"><p>These bodies are not signed: the receiver expects ${expects}. A 401 comes from ${alternatives.length > 1 ? "those headers" : "that header"} alone (missing, or not a configured secret), never from the body.</p></div>`;
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
${first.kind === "signature" ? signatureInputs(first) : unsignedNote(schemes)}
<div class="checker-actions"><button type="button" id="checker-run" class="checker-run">Check</button></div>
<div id="checker-results" class="checker-results" aria-live="polite">
<p id="checker-status" class="checker-status"></p>
<p id="checker-summary" class="checker-summary" hidden></p>
<ol id="checker-issues" class="checker-issues" hidden></ol>
<div id="checker-signature-result" class="checker-signature-result" hidden><h3 id="checker-headers-title">Headers for this body</h3><pre class="checker-headers"><code id="checker-headers"></code></pre><p id="checker-match" class="checker-match" hidden></p></div>
</div>
</section>`;
}
