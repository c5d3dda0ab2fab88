/**
 * Configuration checked before the first request: createReceiver's options and the serve configuration
 * file, each slip reported at its JSON Pointer, by name for environment variables, never with a secret.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ConfigProblem, type InboxStore, type ReceiverOptions, ReceiverConfigError, createReceiver, signedHeaders } from "../src/index.js";
import { loadConfig } from "../src/config.js";
import { sqliteStore } from "../src/stores/sqlite.js";

const store = (() => {
  const s = sqliteStore(path.join(mkdtempSync(path.join(tmpdir(), "config-")), "inbox.db"));
  return s;
})() as InboxStore;

function problemsOf(options: Partial<ReceiverOptions> & Record<string, unknown>): ConfigProblem[] {
  try {
    createReceiver({ store, worker: false, ...options } as ReceiverOptions);
  } catch (error) {
    if (error instanceof ReceiverConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("createReceiver refuses a configuration slip before the first request", () => {
  it.each([
    [
      "secrets as a string, not a list",
      { ivy: { secrets: "whsec_real" } },
      [{ path: "/providers/ivy/secrets", message: "expected array, received a string of 10 characters" }],
    ],
    [
      "API keys as a string",
      { "amplia-reg": { apiKeys: "key123" } },
      [{ path: "/providers/amplia-reg/apiKeys", message: "expected array, received a string of 6 characters" }],
    ],
    ["an empty secret", { ivy: { secrets: [""] } }, [{ path: "/providers/ivy/secrets/0", message: "expected a non-empty string, received an empty string" }]],
    [
      "no secret at all",
      { scalapay: { apiKeys: [] } },
      [{ path: "/providers/scalapay/apiKeys", message: 'expected at least 1 (a list of secrets, keys or {"env": "NAME"}), received a list of 0' }],
    ],
    [
      "an unset environment variable read with process.env.X!",
      { ivy: { secrets: ["whsec_set", undefined] } },
      [
        {
          path: "/providers/ivy/secrets/1",
          message: 'expected string or object, received nothing (undefined: an unset environment variable? name it with {"env": "NAME"})',
        },
      ],
    ],
    [
      "an unknown provider",
      { stripe: { secrets: ["x"] } },
      [{ path: "/providers/stripe", message: 'unknown provider "stripe": expected one of amplia-reg, ivy, retorna, scalapay' }],
    ],
    [
      "an unknown setting of a provider",
      { ivy: { secrets: ["x"], tolerance: 5 } },
      [{ path: "/providers/ivy/tolerance", message: 'unknown setting "tolerance"' }],
    ],
    [
      "a header name with a space",
      { retorna: { secrets: ["x"], header: "X Secret" } },
      [{ path: "/providers/retorna/header", message: expect.stringMatching(/^expected a string matching/) }],
    ],
  ])("%s", (_name, providers, expected) => {
    expect(problemsOf({ providers: providers as never })).toEqual(expected);
  });

  it("reports every problem at once, and unknown options", () => {
    const problems = problemsOf({ providers: { ivy: { secrets: "s" } } as never, maxBodyBytes: 0, workers: 3, worker: { concurrency: 0 } });
    expect(problems.map((p) => p.path).sort()).toEqual(["/maxBodyBytes", "/providers/ivy/secrets", "/worker/concurrency", "/workers"]);
  });

  it("names unset environment variables; an optional one (the previous secret of a rotation) is skipped", async () => {
    const env = { IVY_SECRET: "whsec_now" };
    expect(problemsOf({ env, providers: { ivy: { secrets: [{ env: "IVY_SECRET" }, { env: "IVY_PREVIOUS_SECRET" }] } } })).toEqual([
      { path: "/providers/ivy/secrets/1", message: "environment variable IVY_PREVIOUS_SECRET is not set" },
    ]);
    expect(problemsOf({ env: {}, providers: { ivy: { secrets: [{ env: "IVY_PREVIOUS_SECRET", optional: true }] } } })).toEqual([
      { path: "/providers/ivy/secrets", message: "no secret is set: IVY_PREVIOUS_SECRET is unset" },
    ]);
    const receiver = createReceiver({
      store,
      worker: false,
      env,
      providers: { ivy: { secrets: [{ env: "IVY_SECRET" }, { env: "IVY_PREVIOUS_SECRET", optional: true }] } },
    });
    const body = '{"id":"evt_1","type":"test","date":"2025-06-12T09:43:21.118Z","payload":{}}';
    const sign = async (secret: string) => (await signedHeaders("ivy", body, secret))["X-Ivy-Signature"]!;
    const post = async (secret: string) =>
      (
        await receiver.handle({
          method: "POST",
          path: "/webhooks/ivy",
          headers: { "content-type": "application/json", "x-ivy-signature": await sign(secret) },
          body: new TextEncoder().encode(body),
        })
      ).status;
    expect(await post("whsec_now")).toBe(200);
    // The empty string and a single character are no keys: only the configured secret signs.
    expect(await post("")).toBe(401);
    expect(await post("w")).toBe(401);
  });

  it("never shows a secret in a problem", () => {
    const problems = problemsOf({ providers: { ivy: { secrets: "whsec_do_not_print" } } as never, forward: { url: "ftp://x", secret: "plain-secret" } });
    expect(JSON.stringify(problems)).not.toMatch(/do_not_print|plain-secret/);
    expect(problems.map((p) => p.path).sort()).toEqual(["/forward/secret", "/forward/url", "/providers/ivy/secrets"]);
  });
});

describe("the serve configuration file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-config-"));
  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };
  const problems = async (file: string, env: Record<string, string> = {}) => {
    try {
      await loadConfig(file, env);
      return [];
    } catch (error) {
      return (error as ReceiverConfigError).problems;
    }
  };

  it("reads the file, with a SQLite path relative to the file", async () => {
    const file = write("receiver.json", {
      store: { sqlite: "./inbox.db" },
      providers: { ivy: { secrets: ["from-file"] }, "amplia-reg": { apiKeys: ["k"], header: "X-Key" } },
    });
    expect(await loadConfig(file, {})).toEqual({
      store: { sqlite: path.join(dir, "inbox.db") },
      providers: { ivy: { secrets: ["from-file"] }, "amplia-reg": { apiKeys: ["k"], header: "X-Key" } },
    });
  });

  it("lets environment variables replace the store, secrets and forward target, keeping the rest", async () => {
    const file = write("env.json", {
      store: { sqlite: "./inbox.db" },
      providers: { ivy: { secrets: ["from-file"] }, "amplia-reg": { apiKeys: ["k"], header: "X-Key" } },
    });
    const config = await loadConfig(file, {
      WEBHOOK_CONTRACTS_POSTGRES: "postgres://u:p@127.0.0.1/db",
      WEBHOOK_CONTRACTS_IVY_SECRETS: "new-secret, old-secret",
      WEBHOOK_CONTRACTS_AMPLIA_REG_API_KEYS: "k2",
      WEBHOOK_CONTRACTS_SCALAPAY_API_KEYS: "sc",
      WEBHOOK_CONTRACTS_FORWARD_URL: "http://127.0.0.1:9000/hooks",
      WEBHOOK_CONTRACTS_FORWARD_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(config.store).toEqual({ postgres: "postgres://u:p@127.0.0.1/db" });
    expect(config.providers).toEqual({
      ivy: { secrets: ["new-secret", "old-secret"] },
      "amplia-reg": { apiKeys: ["k2"], header: "X-Key" },
      scalapay: { apiKeys: ["sc"] },
    });
    expect(config.forward).toEqual({ url: "http://127.0.0.1:9000/hooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
  });

  it("lists every problem with where it is: shape, unknown keys, store, unset variables", async () => {
    const file = write("bad.json", {
      store: { sqlite: "./a.db", postgres: "postgres://x" },
      providers: { ivy: { secrets: [{ env: "IVY_SECRET" }] }, paypal: {} },
      forward: { url: "http://127.0.0.1:1/x" },
      port: 8080,
    });
    expect(await problems(file)).toEqual([
      { path: "/port", message: 'unknown setting "port"' },
      { path: "/providers/paypal", message: 'unknown provider "paypal": expected one of amplia-reg, ivy, retorna, scalapay' },
      { path: "/forward/secret", message: "missing (required)" },
      { path: "/store", message: 'expected exactly one of "sqlite" (a file) or "postgres" (a connection string), received both' },
    ]);
    const unset = write("unset.json", { store: { postgres: { env: "DATABASE_URL" } }, providers: { ivy: { secrets: [{ env: "IVY_SECRET" }] } } });
    expect(await problems(unset)).toEqual([
      { path: "/providers/ivy/secrets/0", message: "environment variable IVY_SECRET is not set" },
      { path: "/store/postgres", message: "environment variable DATABASE_URL is not set" },
    ]);
    expect(await problems(unset, { IVY_SECRET: "s", DATABASE_URL: "postgres://x" })).toEqual([]);
  });

  it("says where malformed JSON breaks, and when the file cannot be read", async () => {
    expect(await problems(write("broken.json", '{"store": {"sqlite": "x"},\n  "providers": }'))).toEqual([
      { path: "", message: expect.stringMatching(/^malformed JSON at line 2, column 16/) },
    ]);
    expect(await problems(path.join(dir, "missing.json"))).toEqual([{ path: "", message: expect.stringMatching(/^cannot read the file: ENOENT/) }]);
  });
});
