/**
 * The receiver's settings, checked before the first request: every `{"env": "NAME"}` read, then the
 * whole against config.schema.json (compiled by Ajv at build time, so nothing compiles at import), so that
 * a value from the environment gets the checks its literal would. Every problem is reported at once, each
 * with the JSON Pointer of the setting and the variable a value came from. No message shows a secret's value.
 */
import { providerNames } from "@webhook-contracts/validators";
import { type ProvidersConfig, type ResolvedProviders, type SecretSource, authSchemes } from "./auth.js";
import { valueAt } from "./body.js";
import { validateConfig as checkConfigShape, validateSettings as checkSettingsShape } from "../generated/config-validator.js";

export interface WorkerSettings {
  /** Deliveries handled at once (default 16). */
  concurrency?: number;
  /** A handler still running then has failed this attempt (default 30000). */
  handlerTimeoutMs?: number;
  /**
   * Attempts before a delivery whose handlers keep failing is quarantined (default 20: with the default
   * delays, the last comes 25 to 34 hours after the first, so an outage of a day needs no replay).
   */
  maxAttempts?: number;
  /** Delay before the second attempt; it doubles each time, each delay between 3/4 and all of its step (default 5000). */
  backoffBaseMs?: number;
  /** Longest delay between attempts (default 14400000: 4 hours). */
  backoffMaxMs?: number;
  /** How long a claimed delivery is held before another worker may take it (default handlerTimeoutMs + 30000). */
  leaseMs?: number;
  /** How often to look for deliveries other instances stored or that are due again (default 1000). */
  pollIntervalMs?: number;
}

export interface ForwardSettings {
  /** The internal URL each valid delivery is POSTed to. */
  url: string;
  /** The Standard Webhooks signing secret (`whsec_` + base64) the internal service verifies with. */
  secret: SecretSource;
  /**
   * An exchange that takes longer, the answer's body included, is a failed attempt (default 10000). Only
   * a 2xx answer handles a delivery; a redirect is a failed attempt, never followed.
   */
  timeoutMs?: number;
  /**
   * Headers sent with every forward, each value a secret or `{"env": "NAME"}`: how the target
   * authenticates the gateway beside the signature (e.g. `{"authorization": {"env": "TARGET_AUTHORIZATION"}}`).
   * Never logged. Not the headers the gateway sets itself (content-type, webhook-id, webhook-timestamp, ...).
   */
  headers?: Record<string, SecretSource>;
}

/** What createReceiver checks: its options but the store and the functions. */
export interface ReceiverSettings {
  /** The providers to accept and how each authenticates; any other path answers 404. */
  providers?: ProvidersConfig;
  /** Bodies over this are refused with 413 without being read in full (default 1 MiB). */
  maxBodyBytes?: number;
  /** JSON nested deeper is refused with 400 and kept as rejected (default 64). */
  maxDepth?: number;
  /** A body not fully received by then gets 408 (default 10000). */
  bodyTimeoutMs?: number;
  /** The worker that runs handlers; false: this process only accepts deliveries (another one runs them). */
  worker?: boolean | WorkerSettings;
  /** Forward each valid delivery to an internal URL, signed with the Standard Webhooks scheme. */
  forward?: ForwardSettings;
}

/** The HTTP server of `webhook-contracts serve` (and `worker --port`): its limits, its proxies, where /metrics and /readyz are served. */
export interface ServerSettings {
  /** A client that has not sent its headers by then gets 408 (default 10000). */
  headersTimeoutMs?: number;
  /** Open connections at most; more are refused (default 1024). */
  maxConnections?: number;
  /** How long an idle keep-alive connection stays open (default 5000). */
  keepAliveTimeoutMs?: number;
  /** Open connections from one source address (an IPv6 /64) at most; more get 503 and are closed (default: a quarter of maxConnections, 256). */
  maxConnectionsPerAddress?: number;
  /** Body bytes held for one source address before their signature is checked; more get 503, unread (default 8 MiB). */
  maxUnauthenticatedBytesPerAddress?: number;
  /** Body bytes held before their signature is checked, all addresses together (default 64 MiB). */
  maxUnauthenticatedBytes?: number;
  /** The reverse proxies whose X-Forwarded-For is believed: addresses, CIDRs, "loopback", "linklocal", "uniquelocal" (default none). */
  trustProxy?: string[];
  /** Serve /metrics and /readyz on a port of their own (the public port keeps the webhooks and /healthz). */
  admin?: { port: number; host?: string };
  /** A bearer token /metrics and /readyz require. */
  adminToken?: SecretSource;
}

/** The configuration file of `webhook-contracts serve` and `worker`. */
export interface ReceiverConfig extends ReceiverSettings {
  store: { sqlite: string } | { postgres: SecretSource; table?: string };
  providers: ProvidersConfig;
  server?: ServerSettings;
  log?: { level?: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent" };
  /** Accept secrets written in the file as strings, for local use (default false: `{"env": "NAME"}`). */
  allowPlaintextSecrets?: boolean;
}

export interface ConfigProblem {
  /** JSON Pointer of the setting ("" for the whole configuration). */
  path: string;
  message: string;
}

/** A configuration that cannot run: every problem, each at its setting. */
export class ReceiverConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    where = "receiver configuration",
  ) {
    super(
      // One problem, one line; several, one a line under a count.
      problems.length === 1
        ? `${where}: ${problems[0]!.path ? `${problems[0]!.path}: ` : ""}${problems[0]!.message}`
        : `${where}: ${problems.length} problems\n${problems.map((p) => `  ${p.path || "(root)"}: ${p.message}`).join("\n")}`,
    );
    this.name = "ReceiverConfigError";
  }
}

type ShapeCheck = typeof checkConfigShape;

/** What a value is, without its content: a secret must not reach a log through a config error. */
function kind(value: unknown): string {
  if (value === undefined) return 'nothing (undefined: an unset environment variable? name it with {"env": "NAME"})';
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "string") return value === "" ? "an empty string" : `a string of ${value.length} characters`;
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  return `a${typeof value === "object" ? "n" : ""} ${typeof value}`;
}

/** What the schema's patterns ask for, in words (the others are shown as they are). */
const PATTERNS: Readonly<Record<string, string>> = {
  "\\S": "a secret that is not blank (only spaces)",
  "^whsec_([A-Za-z0-9+/]{4}){8,}([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$":
    '"whsec_" and the base64 of a key of 24 bytes or more (a Standard Webhooks secret, e.g. from `openssl rand -base64 32`)',
  "^https?://[^\\s/?#]+([/?#]\\S*)?$": "an http:// or https:// URL",
};

function problemsOf(check: ShapeCheck, data: unknown): ConfigProblem[] {
  if (check(data)) return [];
  const out: ConfigProblem[] = [];
  const errors = check.errors ?? [];
  // A provider with several lists of secrets (one per alternative) needs one of them: its anyOf's branches
  // say which, and are told as one problem, not as each list missing.
  const inAnyOf = (e: (typeof errors)[number]) => e.keyword === "required" && /\/anyOf\/\d+\/required$/.test(e.schemaPath ?? "");
  for (const e of errors) {
    if (inAnyOf(e)) continue;
    const received = kind(valueAt(data, e.instancePath));
    let path = e.instancePath;
    let message: string;
    switch (e.keyword) {
      case "anyOf": {
        const lists = errors.filter((b) => inAnyOf(b) && b.instancePath === e.instancePath).map((b) => String(b.params.missingProperty));
        message = `missing: expected at least one of ${lists.join(" or ")} (one list of secrets per way the provider signs)`;
        break;
      }
      case "required":
        path += `/${String(e.params.missingProperty)}`;
        message = "missing (required)";
        break;
      case "additionalProperties": {
        const name = String(e.params.additionalProperty);
        path += `/${name}`;
        message = e.instancePath === "/providers" ? `unknown provider "${name}": expected one of ${providerNames.join(", ")}` : `unknown setting "${name}"`;
        break;
      }
      case "type":
        message = `expected ${String(e.params.type).replace(/,/g, " or ")}, received ${received}`;
        break;
      case "minItems":
        message = `expected at least ${String(e.params.limit)} (a list of secrets, keys or {"env": "NAME"}), received ${received}`;
        break;
      case "minLength":
        message =
          e.params.limit === 1
            ? `expected a non-empty string, received ${received}`
            : `expected at least ${String(e.params.limit)} characters (a secret or key as issued, not a placeholder), received ${received}`;
        break;
      case "pattern":
        message = `expected ${PATTERNS[String(e.params.pattern)] ?? `a string matching /${String(e.params.pattern)}/`}, received ${received}`;
        break;
      case "minimum":
      case "maximum":
        message = `expected a number ${String(e.params.comparison)} ${String(e.params.limit)}, received ${received}`;
        break;
      case "enum":
        message = `expected one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, received ${received}`;
        break;
      default:
        message = `${e.keyword} ${JSON.stringify(e.params)}, received ${received}`;
    }
    // One problem a setting: a blank short secret is short, not also blank.
    if (!out.some((p) => p.path === path)) out.push({ path, message });
  }
  return out;
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where a value came from when not from the file or the options, by JSON Pointer: "environment variable
 * NAME", "--forward-to". A problem with such a value names it (never the value).
 */
export type Origins = Map<string, string>;

const isEnvReference = (source: unknown): source is { env: string; optional?: boolean } =>
  source !== null && typeof source === "object" && typeof (source as { env?: unknown }).env === "string";

/** One secret source read: the variable's value when set; else the source itself (the shape check passes it; an unset one is a problem here). */
function readSource(source: unknown, path: string, env: Env, problems: ConfigProblem[], origins: Origins): unknown {
  if (!isEnvReference(source)) return source;
  const value = env[source.env];
  if (value !== undefined && value !== "") {
    origins.set(path, `environment variable ${source.env}`);
    return value;
  }
  if (!source.optional) problems.push({ path, message: `environment variable ${source.env} is not set` });
  return source;
}

/** A list of secret sources read; every entry an unset optional variable is a problem too (nothing to verify with). */
function readList(sources: unknown, path: string, env: Env, problems: ConfigProblem[], origins: Origins): unknown {
  if (!Array.isArray(sources)) return sources;
  const read = sources.map((source, i) => readSource(source, `${path}/${i}`, env, problems, origins));
  const unset = sources.filter((source, i) => isEnvReference(source) && source.optional && read[i] === source) as { env: string }[];
  if (sources.length > 0 && unset.length === sources.length)
    problems.push({ path, message: `no secret is set: ${unset.map((s) => s.env).join(", ")} ${unset.length === 1 ? "is" : "are"} unset` });
  return read;
}

/** Which secrets to read: a command that only reads the store needs neither the providers' nor the forward target's. */
export interface SecretsToRead {
  providers: boolean;
  forward: boolean;
  store: boolean;
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * The settings with every `{"env": "NAME"}` secret replaced by its value, so that the shape check gives a
 * value from the environment exactly the checks its literal would get. An unset variable is a problem
 * (its source stays, to be dropped by secretsOf when optional). Any shape is taken: the check comes after.
 */
function withSecretsRead<T>(settings: T, env: Env, problems: ConfigProblem[], origins: Origins, read: SecretsToRead): T {
  const root = asRecord(settings);
  if (!root) return settings;
  const out: Record<string, unknown> = { ...root };
  const providers = asRecord(root.providers);
  if (read.providers && providers) {
    out.providers = Object.fromEntries(
      Object.entries(providers).map(([name, auth]) => {
        const settingsOf = asRecord(auth);
        if (!settingsOf) return [name, auth];
        const resolved = { ...settingsOf };
        for (const key of new Set((authSchemes[name] ?? []).map((s) => s.secrets)))
          if (key in resolved) resolved[key] = readList(resolved[key], `/providers/${name}/${key}`, env, problems, origins);
        return [name, resolved];
      }),
    );
  }
  const forward = asRecord(root.forward);
  if (read.forward && forward && "secret" in forward)
    out.forward = { ...forward, secret: readSource(forward.secret, "/forward/secret", env, problems, origins) };
  const store = asRecord(root.store);
  if (read.store && store && "postgres" in store) out.store = { ...store, postgres: readSource(store.postgres, "/store/postgres", env, problems, origins) };
  return out as T;
}

/** A checked provider's secrets as the receiver runs on them: strings only (unset optional variables dropped). */
function secretsOf(providers: ProvidersConfig | undefined): ResolvedProviders {
  const out: Record<string, unknown> = {};
  for (const [name, auth] of Object.entries(providers ?? {})) {
    if (!auth) continue;
    const resolved: Record<string, unknown> = { ...auth };
    for (const key of new Set((authSchemes[name] ?? []).map((s) => s.secrets))) {
      const list = resolved[key];
      if (Array.isArray(list)) resolved[key] = list.filter((s): s is string => typeof s === "string");
    }
    out[name] = resolved;
  }
  return out as ResolvedProviders;
}

/** Problems of the forward target's URL the pattern cannot see: credentials in it would reach logs and the inbox. */
function forwardUrlProblems(settings: unknown, problems: ConfigProblem[]): ConfigProblem[] {
  const url = asRecord(asRecord(settings)?.forward)?.url;
  if (typeof url !== "string" || problems.some((p) => p.path === "/forward/url")) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ path: "/forward/url", message: `expected an http:// or https:// URL, received ${kind(url)} that is not one` }];
  }
  if (parsed.username || parsed.password)
    return [
      {
        path: "/forward/url",
        message:
          "the URL holds credentials (user:password@ before the host); they would be written to logs and to the inbox: remove them (the target authenticates the webhook-signature header)",
      },
    ];
  return [];
}

/** Each problem at a value that came from elsewhere than the file says where (the variable's name, never its value). */
function named(problems: ConfigProblem[], origins: Origins): ConfigProblem[] {
  if (origins.size === 0) return problems;
  return problems.map((p) => {
    for (const [pointer, origin] of origins)
      if (p.path === pointer || p.path.startsWith(`${pointer}/`)) return { ...p, message: `${p.message} (from ${origin})` };
    return p;
  });
}

/** The settings createReceiver runs on, checked in one pass: every secret read, then the shape and the forward URL. */
export function checkedSettings(
  settings: ReceiverSettings,
  env: Env,
  problems: ConfigProblem[],
): { providers: ResolvedProviders; forwardSecret: string | undefined } {
  const origins: Origins = new Map();
  const read = withSecretsRead(settings, env, problems, origins, { providers: true, forward: true, store: false });
  const found = problemsOf(checkSettingsShape, read);
  problems.push(...named([...found, ...forwardUrlProblems(read, found)], origins));
  const secret = read.forward?.secret;
  return { providers: secretsOf(read.providers), forwardSecret: typeof secret === "string" ? secret : undefined };
}

/**
 * A configuration file's content checked in one pass: the secrets `read` names read from `env`, then the
 * shape (each value from the environment as its literal), the store and the forward URL. `origins` names
 * the values that came from the environment or the command line.
 */
export function checkConfig(config: unknown, env: Env, problems: ConfigProblem[], origins: Origins, read: SecretsToRead): void {
  const resolved = withSecretsRead(config, env, problems, origins, read);
  problems.push(...named(configProblems(resolved), origins));
}

/** The secret at `path` read now (an unset variable is a problem): e.g. the store's connection string when it opens. */
export function readSecret(source: SecretSource, path: string, env: Env, problems: ConfigProblem[]): string {
  const value = readSource(source, path, env, problems, new Map());
  return typeof value === "string" ? value : "";
}

/** Problems of createReceiver's settings (shape only; checkedSettings reads the secrets too). */
export function settingsProblems(settings: unknown): ConfigProblem[] {
  return problemsOf(checkSettingsShape, settings);
}

/** Problems of a configuration file's content (shape, store and forward URL; `{"env"}` secrets are not read). */
export function configProblems(config: unknown): ConfigProblem[] {
  const problems = problemsOf(checkConfigShape, config);
  const store = (config as { store?: Record<string, unknown> } | null)?.store;
  if (store && typeof store === "object" && !problems.some((p) => p.path.startsWith("/store"))) {
    const kinds = ["sqlite", "postgres"].filter((k) => k in store);
    if (kinds.length !== 1)
      problems.push({
        path: "/store",
        message: `expected exactly one of "sqlite" (a file) or "postgres" (a connection string), received ${kinds.length === 0 ? "neither" : "both"}`,
      });
    else if ("table" in store && kinds[0] === "sqlite") problems.push({ path: "/store/table", message: `"table" is for PostgreSQL only` });
  }
  problems.push(...forwardUrlProblems(config, problems));
  return problems;
}

/** The environment of this runtime, where it has one. */
export function defaultEnv(): Env {
  return (globalThis as { process?: { env?: Env } }).process?.env ?? {};
}
