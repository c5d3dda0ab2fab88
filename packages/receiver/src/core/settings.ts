/**
 * The receiver's settings, checked before the first request: against config.schema.json (compiled by Ajv
 * at build time, so nothing compiles at import), then every `{"env": "NAME"}` read. Every problem is
 * reported at once, each with the JSON Pointer of the setting. No message ever shows a secret's value.
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

function problemsOf(check: ShapeCheck, data: unknown): ConfigProblem[] {
  if (check(data)) return [];
  const out: ConfigProblem[] = [];
  for (const e of check.errors ?? []) {
    const received = kind(valueAt(data, e.instancePath));
    let path = e.instancePath;
    let message: string;
    switch (e.keyword) {
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
        message = `expected a non-empty string, received ${received}`;
        break;
      case "pattern":
        message = `expected a string matching /${String(e.params.pattern)}/, received ${received}`;
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
    out.push({ path, message });
  }
  return out;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The secrets of a list, read: an unset variable is a problem unless optional; an empty result is one too. */
function readSecrets(sources: readonly SecretSource[], path: string, env: Env, problems: ConfigProblem[], single = false): string[] {
  const out: string[] = [];
  const unset: string[] = [];
  sources.forEach((source, i) => {
    if (typeof source === "string") return void out.push(source);
    const value = env[source.env];
    if (value !== undefined && value !== "") return void out.push(value);
    if (source.optional) return void unset.push(source.env);
    problems.push({ path: single ? path : `${path}/${i}`, message: `environment variable ${source.env} is not set` });
  });
  if (out.length === 0 && unset.length === sources.length) {
    problems.push({ path, message: `no secret is set: ${unset.join(", ")} ${unset.length === 1 ? "is" : "are"} unset` });
  }
  return out;
}

export function readSecret(source: SecretSource, path: string, env: Env, problems: ConfigProblem[]): string {
  return readSecrets([source], path, env, problems, true)[0] ?? "";
}

/** Every provider's secrets, read from the settings and the environment. */
export function resolveProviders(providers: ProvidersConfig, env: Env, problems: ConfigProblem[]): ResolvedProviders {
  const out: Record<string, unknown> = {};
  for (const [name, auth] of Object.entries(providers)) {
    if (!auth) continue;
    const resolved: Record<string, unknown> = { ...auth };
    for (const key of new Set((authSchemes[name] ?? []).map((s) => s.secrets))) {
      const list = (auth as Record<string, unknown>)[key];
      if (Array.isArray(list)) resolved[key] = readSecrets(list as SecretSource[], `/providers/${name}/${key}`, env, problems);
    }
    out[name] = resolved;
  }
  return out as ResolvedProviders;
}

/** Problems of createReceiver's settings (shape only; secrets are read by resolveProviders). */
export function settingsProblems(settings: unknown): ConfigProblem[] {
  return problemsOf(checkSettingsShape, settings);
}

/** Problems of a configuration file's content (shape only). */
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
  return problems;
}

/** The environment of this runtime, where it has one. */
export function defaultEnv(): Env {
  return (globalThis as { process?: { env?: Env } }).process?.env ?? {};
}
