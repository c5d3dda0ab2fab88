/**
 * The receiver's configuration file (JSON), as `webhook-contracts serve` reads it, with environment
 * variables over it:
 *   {"store": {"sqlite": "./inbox.db"} | {"postgres": "postgres://...", "table": "webhook_deliveries"},
 *    "providers": {"ivy": {"secrets": [...]}, "scalapay": {"apiKeys": [...], "toleranceSeconds": 300},
 *                  "amplia-reg": {"apiKeys": [...], "header": "X-Api-Key"}, "retorna": {"secrets": [...], "header": "..."}}}
 * WEBHOOK_CONTRACTS_SQLITE / WEBHOOK_CONTRACTS_POSTGRES replace the store; WEBHOOK_CONTRACTS_IVY_SECRETS,
 * _SCALAPAY_API_KEYS, _AMPLIA_REG_API_KEYS, _RETORNA_SECRETS (comma-separated) replace a provider's secrets.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ProvidersConfig } from "./auth.js";
import { postgresStore } from "./postgres-store.js";
import { sqliteStore } from "./sqlite-store.js";
import type { InboxStore } from "./store.js";

export interface ReceiverConfig {
  store: { sqlite: string } | { postgres: string; table?: string };
  providers: ProvidersConfig;
  maxBodyBytes?: number;
}

const list = (value: string | undefined) => value?.split(",").map((s) => s.trim()).filter(Boolean);

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ReceiverConfig> {
  const config = JSON.parse(await readFile(file, "utf8")) as ReceiverConfig;
  if (!config.providers || typeof config.providers !== "object") throw new Error(`${file}: "providers" is missing`);
  if (env.WEBHOOK_CONTRACTS_SQLITE) config.store = { sqlite: env.WEBHOOK_CONTRACTS_SQLITE };
  if (env.WEBHOOK_CONTRACTS_POSTGRES) config.store = { postgres: env.WEBHOOK_CONTRACTS_POSTGRES };
  if (!config.store) throw new Error(`${file}: "store" is missing ({"sqlite": "./inbox.db"} or {"postgres": "postgres://..."})`);
  // A relative SQLite path is relative to the configuration file, not to wherever the command runs.
  if ("sqlite" in config.store && !path.isAbsolute(config.store.sqlite)) config.store = { sqlite: path.resolve(path.dirname(file), config.store.sqlite) };
  const p = config.providers;
  const ivy = list(env.WEBHOOK_CONTRACTS_IVY_SECRETS);
  if (ivy) p.ivy = { ...p.ivy, secrets: ivy };
  const scalapay = list(env.WEBHOOK_CONTRACTS_SCALAPAY_API_KEYS);
  if (scalapay) p.scalapay = { ...p.scalapay, apiKeys: scalapay };
  const amplia = list(env.WEBHOOK_CONTRACTS_AMPLIA_REG_API_KEYS);
  if (amplia) p["amplia-reg"] = { ...p["amplia-reg"], apiKeys: amplia };
  const retorna = list(env.WEBHOOK_CONTRACTS_RETORNA_SECRETS);
  if (retorna) p.retorna = { ...p.retorna, secrets: retorna };
  return config;
}

export async function storeFromConfig(config: ReceiverConfig): Promise<InboxStore> {
  const store = "sqlite" in config.store ? sqliteStore(config.store.sqlite) : postgresStore(config.store.postgres, config.store.table);
  await store.init();
  return store;
}
