/**
 * The in-page payload checker's engine. build/checker.ts bundles it once per provider, with that provider's
 * validator from @webhook-contracts/validators and the receiver's own signer, into a classic script
 * (dist/assets/checker/<provider>.js) that registers window.webhookContractsChecker[provider]; the page's
 * UI (src/checker.js) loads it on first use and calls it. So a pasted body is judged by the very code the
 * npm package ships, and signed by the very code the receiver verifies with; nothing leaves the browser.
 *
 * The receiver reaches this module through `register`'s third argument (the generated entry imports it),
 * so it is typed here by the shapes it is used with.
 */
import type { AuthScheme, SignatureSpec } from "@webhook-contracts/receiver";
import type { ProviderValidator, ValidationIssue, ValidationMode } from "@webhook-contracts/validators";

/** What a signature alternative signs and how: the receiver's own type (one definition, the declaration's). */
export type CheckerSignatureSpec = SignatureSpec;

/** A provider's authentication, as the receiver's `authSchemes` declares it. */
export type CheckerScheme = AuthScheme;
/** An alternative that signs the body. */
export type CheckerSignatureScheme = Extract<CheckerScheme, { kind: "signature" }>;

export interface JsonSyntaxError {
  /** "malformed JSON at line 3, column 5: ...", as the receiver answers a 400. */
  message: string;
  /** Offset in the text (UTF-16 code units), and 1-based line and column. */
  position: number;
  line: number;
  column: number;
}

/** What the generated entry passes in: the receiver's public exports this module uses. */
export interface ReceiverApi {
  authSchemes: Readonly<Record<string, readonly CheckerScheme[]>>;
  parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };
  signedHeaders(
    provider: string,
    body: string | Uint8Array,
    secret: string,
    options?: { header?: string; nowMs?: number; scheme?: string; id?: string },
  ): Promise<Record<string, string>>;
}

export interface CheckerIssue {
  severity: "error" | "warning";
  /** The validator's JSON Pointer (`/payload/lineItems/0/name`; "" is the whole payload). */
  pointer: string;
  /** The field it is in, as the docs pages' `data-pointer` names it: array indices as `*` (`/payload/lineItems/*\/name`). */
  field: string;
  /** The field's anchor on its message page (`field-payload.lineItems[].name`); "" for the whole payload. */
  anchor: string;
  keyword: string;
  message: string;
  expected: string;
  received: string;
  /** A rule we only inferred (a warning in tolerant mode). */
  inferred: boolean;
}

export interface CheckResult {
  provider: string;
  mode: ValidationMode;
  /** True when the payload passes in `mode` (warnings do not fail tolerant mode). */
  ok: boolean;
  /** Set when the text is not JSON: nothing else was checked. */
  syntaxError?: JsonSyntaxError;
  /** The message the payload was checked as (the page's, or the one its discriminator picked). */
  message?: string;
  /** The message the payload's discriminator picks (undefined when it names none we know). */
  picked?: string;
  /** The discriminator's JSON Pointer and the value found there, as short JSON ("nothing" when absent). */
  discriminator?: string;
  discriminatorValue?: string;
  /** A discriminator value we know no message for, accepted in tolerant mode. */
  unknownMessage?: string;
  /** A message was asked for and the discriminator picks another one (or none). */
  mismatch: boolean;
  errors: CheckerIssue[];
  warnings: CheckerIssue[];
}

export interface SignOptions {
  /** The alternative to sign as (its security scheme's id); default the first (`Checker.scheme`). */
  scheme?: string;
  /** The signed timestamp's header value as received (epoch seconds or milliseconds, as the scheme says). */
  timestamp?: string;
  /** The signed id's header value as received; empty or absent: the payload's value at the scheme's `id.pointer`, else a new one. */
  id?: string;
  /** When to sign, if no `timestamp`: default now. */
  nowMs?: number;
  /** The API key header's name, where the receiver lets it be configured. */
  header?: string;
}

export interface Checker {
  provider: string;
  /** The provider's first alternative (what `sign` and `signatureMatches` use unless told another), and all of them. */
  scheme: CheckerScheme;
  schemes: readonly CheckerScheme[];
  /** The alternatives that sign the body, in declaration order: one set of signing inputs and results each on the page. */
  signatures: readonly CheckerSignatureScheme[];
  messageNames: readonly string[];
  discriminator: string | undefined;
  /** Parses `bodyText` and validates it: as `message` when given, else as the message its discriminator picks. */
  validate(bodyText: string, mode?: ValidationMode, message?: string): CheckResult;
  /**
   * The headers the provider would send with exactly this body, signed with `secret` as the alternative
   * `options.scheme` (the receiver's signedHeaders, told that alternative).
   */
  sign(body: string | Uint8Array, secret: string, options?: SignOptions): Promise<Record<string, string>>;
  /**
   * Whether `given` (the alternative's signature header as received) carries the signature in `headers`
   * (from `sign` with the same alternative): where the alternative's header is a list (a `separator`), any
   * of its entries of the alternative's prefix; a digest pasted without its prefix counts too.
   */
  signatureMatches(headers: Record<string, string>, given: string, scheme?: string): boolean;
}

declare global {
  var webhookContractsChecker: Record<string, Checker> | undefined;
}

const unescapeSegment = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The field a pointer is in, as the docs name it: a segment that indexes an array (in this body) is `*` in
 * the pattern and `[]` in the dotted path; the others are property names (as escaped in the pattern).
 */
export function fieldOf(pointer: string, body: unknown): { field: string; anchor: string } {
  if (pointer === "") return { field: "", anchor: "" };
  const pattern: string[] = [];
  let dotted = "";
  let node: unknown = body;
  for (const segment of pointer.slice(1).split("/")) {
    const name = unescapeSegment(segment);
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(name)) {
      pattern.push("*");
      dotted += "[]";
      node = node[Number(name)];
    } else {
      pattern.push(segment);
      dotted += dotted === "" ? name : `.${name}`;
      node = isRecord(node) && Object.hasOwn(node, name) ? node[name] : undefined;
    }
  }
  return { field: `/${pattern.join("/")}`, anchor: `field-${dotted}` };
}

function issue(severity: CheckerIssue["severity"], i: ValidationIssue, body: unknown): CheckerIssue {
  return {
    severity,
    pointer: i.path,
    ...fieldOf(i.path, body),
    keyword: i.keyword,
    message: i.message,
    expected: i.expected,
    received: i.received,
    inferred: i.inferred === true,
  };
}

function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const segment of pointer === "" ? [] : pointer.slice(1).split("/")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[unescapeSegment(segment)];
  }
  return node;
}

/** Epoch text as the scheme's unit says it is sent, to the time signedHeaders formats back into the same text. */
function timestampMs(text: string, unit: "seconds" | "milliseconds", header: string): number {
  const digits = unit === "seconds" ? 10 : 13;
  if (!new RegExp(`^[0-9]{${digits}}$`).test(text)) throw new RangeError(`${header} is epoch ${unit}: ${digits} digits, received ${JSON.stringify(text)}`);
  return unit === "seconds" ? Number(text) * 1000 : Number(text);
}

export function createChecker<P extends string, Payloads>(provider: P, validator: ProviderValidator<P, Payloads>, receiver: ReceiverApi): Checker {
  type Name = Extract<keyof Payloads, string>;
  const declared = receiver.authSchemes[provider];
  if (!declared?.[0]) throw new Error(`the receiver declares no authentication for "${provider}"`);
  const schemes: readonly CheckerScheme[] = declared;
  const scheme = declared[0];
  const messageNames: readonly string[] = validator.messageNames;

  function validate(bodyText: string, mode: ValidationMode = "tolerant", message?: string): CheckResult {
    if (mode !== "tolerant" && mode !== "strict") throw new TypeError(`mode is "tolerant" or "strict", received ${JSON.stringify(mode)}`);
    if (message !== undefined && !messageNames.includes(message)) {
      throw new TypeError(`${provider} has no message "${message}": expected one of ${messageNames.join(", ")}`);
    }
    const base = { provider, mode, mismatch: false, errors: [], warnings: [] };
    const parsed = receiver.parseJson(bodyText);
    if (!parsed.ok) return { ...base, ok: false, syntaxError: parsed.error };
    const body = parsed.value;
    let picked: string | undefined;
    try {
      picked = validator.messageOf(body);
    } catch {
      picked = undefined;
    }
    const discriminator = validator.discriminator;
    const outcome = message === undefined ? validator.validate(body, { mode }) : validator.validateMessage(message as Name, body, { mode });
    const result: CheckResult = {
      ...base,
      ok: outcome.ok,
      mismatch: message !== undefined && picked !== message,
      errors: outcome.ok ? [] : outcome.errors.map((i) => issue("error", i, body)),
      warnings: outcome.warnings.map((i) => issue("warning", i, body)),
    };
    if (outcome.message !== undefined) result.message = outcome.message;
    if (picked !== undefined) result.picked = picked;
    if (discriminator !== undefined) {
      result.discriminator = discriminator;
      result.discriminatorValue = preview(isRecord(body) ? valueAt(body, discriminator) : undefined);
    }
    if ("unknownMessage" in outcome && typeof outcome.unknownMessage === "string") result.unknownMessage = outcome.unknownMessage;
    return result;
  }

  function alternative(id: string | undefined): CheckerScheme {
    if (id === undefined) return scheme;
    const found = schemes.find((s) => s.id === id);
    if (!found) throw new TypeError(`${provider} has no authentication scheme "${id}": expected one of ${schemes.map((s) => s.id).join(", ")}`);
    return found;
  }

  async function sign(body: string | Uint8Array, secret: string, options: SignOptions = {}): Promise<Record<string, string>> {
    const as = alternative(options.scheme);
    const spec = as.kind === "signature" ? as.signature : undefined;
    let nowMs = options.nowMs;
    const timestamp = options.timestamp?.trim() ?? "";
    if (timestamp !== "") {
      if (!spec?.timestamp) throw new TypeError(`${as.id}'s signature covers no timestamp`);
      nowMs = timestampMs(timestamp, spec.timestamp.unit, spec.timestamp.header);
    }
    // As the receiver reads it: the header's value trimmed.
    const id = options.id?.trim() ?? "";
    if (id !== "" && !spec?.id) throw new TypeError(`${as.id}'s signature covers no id`);
    return receiver.signedHeaders(provider, body, secret, {
      scheme: as.id,
      ...(nowMs === undefined ? {} : { nowMs }),
      ...(id === "" ? {} : { id }),
      ...(options.header ? { header: options.header } : {}),
    });
  }

  function signatureMatches(headers: Record<string, string>, given: string, id?: string): boolean {
    const as = alternative(id);
    if (as.kind !== "signature") return false;
    const { prefix = "", encoding, separator } = as.signature;
    const strip = (value: string) => (prefix && value.startsWith(prefix) ? value.slice(prefix.length) : value);
    const expected = strip(headers[as.header] ?? "");
    if (expected === "") return false;
    const same = (digest: string) => (encoding === "hex" ? expected.toLowerCase() === digest.toLowerCase() : expected === digest);
    const value = given.trim();
    // A list: each entry is one signature; an entry of another version (another prefix) never equals ours.
    const entries = separator ? value.split(separator).filter((entry) => entry !== "") : [value];
    return entries.some((entry) => same(strip(entry)));
  }

  const signatures = schemes.filter((s): s is CheckerSignatureScheme => s.kind === "signature");
  return { provider, scheme, schemes, signatures, messageNames, discriminator: validator.discriminator, validate, sign, signatureMatches };
}

/** Registers the provider's checker on the page: window.webhookContractsChecker[provider]. */
export function register<P extends string, Payloads>(provider: P, validator: ProviderValidator<P, Payloads>, receiver: ReceiverApi): void {
  const registry = (globalThis.webhookContractsChecker ??= {});
  registry[provider] = createChecker(provider, validator, receiver);
}
