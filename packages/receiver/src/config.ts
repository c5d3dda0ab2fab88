/**
 * The configuration file of `webhook-contracts serve` and `worker` (JSON, checked against
 * config.schema.json), with environment variables over it:
 *   WEBHOOK_CONTRACTS_SQLITE / WEBHOOK_CONTRACTS_POSTGRES replace the store;
 *   WEBHOOK_CONTRACTS_<PROVIDER>_<SETTING> (comma-separated; e.g. _IVY_SECRETS, from asyncapi.yaml's
 *   security schemes) replace a provider's secrets; WEBHOOK_CONTRACTS_FORWARD_URL / _FORWARD_SECRET the
 *   forward target. Secrets in the file may also be {"env": "NAME"}.
 * Every problem (unreadable file, malformed JSON, a wrong or unknown setting, an unset variable) is
 * reported at once, with where it is, before anything starts.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseJson } from "./core/json.js";
import { secretVariables } from "./generated/auth-schemes.js";
import { type ConfigProblem, type Env, ReceiverConfigError, type ReceiverConfig, configProblems, readSecret, resolveProviders } from "./core/settings.js";
import type { InboxStore } from "./core/store.js";
import type { ReceiverOptions } from "./core/receiver.js";

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

export async function loadConfig(file: string, env: Env = process.env, overrides: ConfigOverrides = {}): Promise<ReceiverConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ReceiverConfigError([{ path: "", message: `cannot read the file: ${(error as Error).message}` }], file);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ReceiverConfigError([{ path: "", message: parsed.error.message }], file);
  const config = parsed.value as ReceiverConfig;
  if (config !== null && typeof config === "object" && !Array.isArray(config)) {
    if (env.WEBHOOK_CONTRACTS_SQLITE) config.store = { sqlite: env.WEBHOOK_CONTRACTS_SQLITE };
    if (env.WEBHOOK_CONTRACTS_POSTGRES) config.store = { postgres: env.WEBHOOK_CONTRACTS_POSTGRES };
    for (const [provider, key, name] of secretVariables) {
      const values = list(env[name]);
      if (!values) continue;
      const providers = (config.providers ??= {}) as Record<string, Record<string, unknown> | undefined>;
      providers[provider] = { ...providers[provider], [key]: values };
    }
    if (env.WEBHOOK_CONTRACTS_FORWARD_URL || env.WEBHOOK_CONTRACTS_FORWARD_SECRET) {
      config.forward = {
        ...config.forward,
        ...(env.WEBHOOK_CONTRACTS_FORWARD_URL ? { url: env.WEBHOOK_CONTRACTS_FORWARD_URL } : {}),
        ...(env.WEBHOOK_CONTRACTS_FORWARD_SECRET ? { secret: env.WEBHOOK_CONTRACTS_FORWARD_SECRET } : {}),
      } as ReceiverConfig["forward"];
    }
    if (overrides.forwardTo) config.forward = { ...config.forward, url: overrides.forwardTo } as ReceiverConfig["forward"];
  }
  const problems: ConfigProblem[] = configProblems(config);
  if (problems.length === 0) {
    // Read every secret once now, so that an unset variable stops the start, not the first request.
    resolveProviders(config.providers, env, problems);
    if (config.forward) readSecret(config.forward.secret, "/forward/secret", env, problems);
    if ("postgres" in config.store) readSecret(config.store.postgres, "/store/postgres", env, problems);
    if (config.server?.adminToken) readSecret(config.server.adminToken, "/server/adminToken", env, problems);
  }
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
  const { store: _store, server: _server, log: _log, ...settings } = config;
  return { ...settings, env };
}
