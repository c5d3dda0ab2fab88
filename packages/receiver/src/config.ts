/**
 * The configuration file of `webhook-contracts serve` and `worker` (JSON, checked against
 * config.schema.json), with environment variables over it:
 *   WEBHOOK_CONTRACTS_SQLITE / WEBHOOK_CONTRACTS_POSTGRES replace the store;
 *   WEBHOOK_CONTRACTS_<PROVIDER>_<SETTING> (comma-separated; e.g. _IVY_SECRETS, from asyncapi.yaml's
 *   security schemes) replace a provider's secrets; WEBHOOK_CONTRACTS_FORWARD_URL / _FORWARD_SECRET the
 *   forward target. A secret in the file is {"env": "NAME"}; a string only with "allowPlaintextSecrets": true
 *   (local use). A variable replaces a provider's secrets only if the file lists the provider.
 * Every problem (unreadable file, malformed JSON, a key written twice, a wrong or unknown setting, an unset
 * variable, a value from the environment that its literal would fail) is reported at once, with where it
 * is, before anything starts (before any store is opened).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { duplicateKeys, parseJson } from "./core/json.js";
import { authSchemes, secretVariables } from "./generated/auth-schemes.js";
import { type ConfigProblem, type Env, type Origins, ReceiverConfigError, type ReceiverConfig, checkConfig, readSecret } from "./core/settings.js";
import type { InboxStore } from "./core/store.js";
import type { ReceiverOptions } from "./core/receiver.js";
import { escapePointerSegment } from "./core/pointer.js";

export type { ReceiverConfig } from "./core/settings.js";
export { readSecret } from "./core/settings.js";

const list = (value: string | undefined) =>
  value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Overrides from the command line, applied before the checks. */
export interface ConfigOverrides {
  /** The forward target's URL (`serve --forward-to`); its secret still comes from the file or the environment. */
  forwardTo?: string;
}

export interface LoadOptions {
  /**
   * For commands that only read the store (`inbox list`, `inbox check`, `drift`): every check but reading
   * the providers' and the forward target's secrets, which such a command neither needs nor should be
   * given. Their `{"env": "NAME"}` sources are returned unread, and WEBHOOK_CONTRACTS_<PROVIDER>_<SETTING>
   * and _FORWARD_SECRET are ignored.
   */
  storeOnly?: boolean;
  /**
   * Checks of settings the caller owns (the CLI's server limits), run on the configuration as loaded
   * (the environment applied) and reported with every other problem, in the one pass.
   */
  check?: (config: ReceiverConfig) => ConfigProblem[];
}

/** The file's secrets written as strings (a connection string: only with a password in it), by JSON Pointer. */
function plaintextSecrets(config: Record<string, unknown>): string[] {
  const out: string[] = [];
  const providers = config.providers;
  if (providers && typeof providers === "object")
    for (const [name, auth] of Object.entries(providers as Record<string, unknown>))
      for (const key of new Set((authSchemes[name] ?? []).map((s) => s.secrets))) {
        const list = (auth as Record<string, unknown> | null)?.[key];
        if (Array.isArray(list)) list.forEach((s, i) => typeof s === "string" && out.push(`/providers/${name}/${key}/${i}`));
      }
  const forward = config.forward as Record<string, unknown> | undefined;
  if (typeof forward?.secret === "string") out.push("/forward/secret");
  const headers = forward?.headers;
  if (headers && typeof headers === "object")
    for (const [name, value] of Object.entries(headers as Record<string, unknown>))
      if (typeof value === "string") out.push(`/forward/headers/${escapePointerSegment(name)}`);
  if (typeof (config.server as Record<string, unknown> | undefined)?.adminToken === "string") out.push("/server/adminToken");
  const postgres = (config.store as Record<string, unknown> | undefined)?.postgres;
  if (typeof postgres === "string" && holdsPassword(postgres)) out.push("/store/postgres");
  return out;
}

function holdsPassword(connection: string): boolean {
  if (/(^|\s)password\s*=/i.test(connection)) return true;
  try {
    return new URL(connection).password !== "";
  } catch {
    return false;
  }
}

export async function loadConfig(file: string, env: Env = process.env, overrides: ConfigOverrides = {}, options: LoadOptions = {}): Promise<ReceiverConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ReceiverConfigError([{ path: "", message: `cannot read the file: ${(error as Error).message}` }], file);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ReceiverConfigError([{ path: "", message: parsed.error.message }], file);
  // JSON.parse keeps the last of two equal keys silently: a second "secrets" would replace the first unseen.
  const problems: ConfigProblem[] = duplicateKeys(text).map((d) => ({
    path: d.pointer,
    message: `written twice, at line ${d.first.line}, column ${d.first.column} and at line ${d.second.line}, column ${d.second.column}: keep one`,
  }));
  const config = parsed.value as ReceiverConfig;
  const origins: Origins = new Map();
  if (config !== null && typeof config === "object" && !Array.isArray(config)) {
    if (config.allowPlaintextSecrets !== true)
      for (const pointer of plaintextSecrets(config as unknown as Record<string, unknown>))
        problems.push({
          path: pointer,
          message: `a secret written in the file: read it from the environment with {"env": "NAME"}, or set "allowPlaintextSecrets": true for local use`,
        });
    if (env.WEBHOOK_CONTRACTS_SQLITE) {
      config.store = { sqlite: env.WEBHOOK_CONTRACTS_SQLITE };
      origins.set("/store", "environment variable WEBHOOK_CONTRACTS_SQLITE");
    }
    if (env.WEBHOOK_CONTRACTS_POSTGRES) {
      config.store = { postgres: env.WEBHOOK_CONTRACTS_POSTGRES };
      origins.set("/store", "environment variable WEBHOOK_CONTRACTS_POSTGRES");
    }
    for (const [provider, key, name] of options.storeOnly ? [] : secretVariables) {
      const values = list(env[name]);
      if (!values) continue;
      const providers = (config.providers ?? {}) as Record<string, Record<string, unknown> | undefined>;
      // A provider is enabled only by the file: a variable left over from another deployment must not open a path.
      if (!providers[provider] || typeof providers[provider] !== "object") {
        problems.push({
          path: `/providers/${provider}`,
          message: `environment variable ${name} is set, but the file does not list "${provider}": a provider is enabled only by the file; add it to "providers" or unset ${name}`,
        });
        continue;
      }
      providers[provider] = { ...providers[provider], [key]: values };
      origins.set(`/providers/${provider}/${key}`, `environment variable ${name}`);
    }
    const forwardSecret = options.storeOnly ? undefined : env.WEBHOOK_CONTRACTS_FORWARD_SECRET;
    if (env.WEBHOOK_CONTRACTS_FORWARD_URL || forwardSecret) {
      config.forward = {
        ...config.forward,
        ...(env.WEBHOOK_CONTRACTS_FORWARD_URL ? { url: env.WEBHOOK_CONTRACTS_FORWARD_URL } : {}),
        ...(forwardSecret ? { secret: forwardSecret } : {}),
      } as ReceiverConfig["forward"];
      if (env.WEBHOOK_CONTRACTS_FORWARD_URL) origins.set("/forward/url", "environment variable WEBHOOK_CONTRACTS_FORWARD_URL");
      if (forwardSecret) origins.set("/forward/secret", "environment variable WEBHOOK_CONTRACTS_FORWARD_SECRET");
    }
    if (overrides.forwardTo) {
      config.forward = { ...config.forward, url: overrides.forwardTo } as ReceiverConfig["forward"];
      origins.set("/forward/url", "--forward-to");
    }
  }
  // Every secret read now, so that an unset or malformed one stops the start, not the first request.
  checkConfig(config, env, problems, origins, { providers: !options.storeOnly, forward: !options.storeOnly, store: true });
  const adminToken = (config as Partial<ReceiverConfig> | null)?.server?.adminToken;
  if (adminToken && !options.storeOnly) readSecret(adminToken, "/server/adminToken", env, problems);
  if (options.check && config !== null && typeof config === "object") problems.push(...options.check(config));
  if (problems.length > 0) throw new ReceiverConfigError(problems, file);
  // A relative SQLite path is relative to the configuration file, not to wherever the command runs.
  if ("sqlite" in config.store && !path.isAbsolute(config.store.sqlite)) config.store = { sqlite: path.resolve(path.dirname(file), config.store.sqlite) };
  return config;
}

/** The store a configuration names; only its driver is loaded (the other need not be installed). */
export async function storeFromConfig(config: ReceiverConfig, env: Env = process.env): Promise<InboxStore> {
  if ("sqlite" in config.store) {
    const { sqliteStore } = await import("./stores/sqlite.js");
    return sqliteStore(config.store.sqlite);
  }
  const problems: ConfigProblem[] = [];
  const url = readSecret(config.store.postgres, "/store/postgres", env, problems);
  if (problems.length > 0) throw new ReceiverConfigError(problems);
  const { postgresStore } = await import("./stores/postgres.js");
  return postgresStore(url, config.store.table);
}

/** createReceiver's options from a configuration (the store and the functions are yours to add). */
export function receiverSettings(config: ReceiverConfig, env: Env = process.env): Omit<ReceiverOptions, "store"> {
  const { store: _store, server: _server, log: _log, allowPlaintextSecrets: _allow, ...settings } = config;
  return { ...settings, env };
}
