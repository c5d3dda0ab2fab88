/** The serve configuration: the file's shape, paths relative to it, and environment variables over it. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { loadConfig } from "../src/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-config-"));
const file = path.join(dir, "receiver.json");
writeFileSync(file, JSON.stringify({ store: { sqlite: "./inbox.db" }, providers: { ivy: { secrets: ["from-file"] }, "amplia-reg": { apiKeys: ["k"], header: "X-Key" } } }));

it("reads the file, with a SQLite path relative to the file", async () => {
  expect(await loadConfig(file, {})).toEqual({
    store: { sqlite: path.join(dir, "inbox.db") },
    providers: { ivy: { secrets: ["from-file"] }, "amplia-reg": { apiKeys: ["k"], header: "X-Key" } },
  });
});

it("lets environment variables replace the store and secrets, keeping the rest", async () => {
  const config = await loadConfig(file, {
    WEBHOOK_CONTRACTS_POSTGRES: "postgres://u:p@127.0.0.1/db",
    WEBHOOK_CONTRACTS_IVY_SECRETS: "new-secret, old-secret",
    WEBHOOK_CONTRACTS_AMPLIA_REG_API_KEYS: "k2",
    WEBHOOK_CONTRACTS_SCALAPAY_API_KEYS: "sc",
  });
  expect(config.store).toEqual({ postgres: "postgres://u:p@127.0.0.1/db" });
  expect(config.providers).toEqual({
    ivy: { secrets: ["new-secret", "old-secret"] },
    "amplia-reg": { apiKeys: ["k2"], header: "X-Key" },
    scalapay: { apiKeys: ["sc"] },
  });
});

it("says what is missing", async () => {
  const bad = path.join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ providers: {} }));
  await expect(loadConfig(bad, {})).rejects.toThrow(/"store" is missing/);
});
