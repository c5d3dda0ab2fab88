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

/** Long enough for the 16-character minimum. */
const IVY_SECRET = "ivy-signing-secret-1";
const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

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
    [
      "an empty secret",
      { ivy: { secrets: [""] } },
      [
        {
          path: "/providers/ivy/secrets/0",
          message: "expected at least 16 characters (a secret or key as issued, not a placeholder), received an empty string",
        },
      ],
    ],
    [
      "a short secret",
      { ivy: { secrets: ["changeme"] } },
      [
        {
          path: "/providers/ivy/secrets/0",
          message: "expected at least 16 characters (a secret or key as issued, not a placeholder), received a string of 8 characters",
        },
      ],
    ],
    [
      "a blank API key",
      { scalapay: { apiKeys: [" ".repeat(20)] } },
      [{ path: "/providers/scalapay/apiKeys/0", message: "expected a secret that is not blank (only spaces), received a string of 20 characters" }],
    ],
    [
      "a tolerance of more than an hour",
      { scalapay: { apiKeys: [IVY_SECRET], toleranceSeconds: 1e15 } },
      [{ path: "/providers/scalapay/toleranceSeconds", message: "expected a number <= 3600, received 1000000000000000" }],
    ],
    [
      "no secret at all",
      { scalapay: { apiKeys: [] } },
      [{ path: "/providers/scalapay/apiKeys", message: 'expected at least 1 (a list of secrets, keys or {"env": "NAME"}), received a list of 0' }],
    ],
    [
      "an unset environment variable read with process.env.X!",
      { ivy: { secrets: [IVY_SECRET, undefined] } },
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
      { ivy: { secrets: [IVY_SECRET], tolerance: 5 } },
      [{ path: "/providers/ivy/tolerance", message: 'unknown setting "tolerance"' }],
    ],
    [
      "a header name with a space",
      { retorna: { secrets: [IVY_SECRET], header: "X Secret" } },
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
    const env = { IVY_SECRET };
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
    expect(await post(IVY_SECRET)).toBe(200);
    // The empty string and a single character are no keys: only the configured secret signs.
    expect(await post("")).toBe(401);
    expect(await post("w")).toBe(401);
  });

  it("checks a value from the environment as its literal, and refuses credentials in the forward URL", () => {
    expect(
      problemsOf({ env: { FORWARD: "whsec_abc" }, forward: { url: "http://user:pw-secret@127.0.0.1:1/", secret: { env: "FORWARD" } }, providers: {} }),
    ).toEqual([
      {
        path: "/forward/secret",
        message:
          'expected "whsec_" and the base64 of a key of 24 bytes or more (a Standard Webhooks secret, e.g. from `openssl rand -base64 32`), received a string of 9 characters (from environment variable FORWARD)',
      },
      {
        path: "/forward/url",
        message:
          "the URL holds credentials (user:password@ before the host); they would be written to logs and to the inbox: remove them (the target authenticates the webhook-signature header)",
      },
    ]);
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
      providers: { ivy: { secrets: [{ env: "IVY_SECRET" }] }, "amplia-reg": { apiKeys: [{ env: "AMPLIA_KEY" }], header: "X-Key" } },
    });
    expect(await loadConfig(file, { IVY_SECRET, AMPLIA_KEY: "amplia-api-key-0001" })).toEqual({
      store: { sqlite: path.join(dir, "inbox.db") },
      providers: { ivy: { secrets: [{ env: "IVY_SECRET" }] }, "amplia-reg": { apiKeys: [{ env: "AMPLIA_KEY" }], header: "X-Key" } },
    });
  });

  it("lets environment variables replace the store, secrets and forward target, keeping the rest", async () => {
    const file = write("env.json", {
      store: { sqlite: "./inbox.db" },
      providers: {
        ivy: { secrets: [{ env: "IVY_SECRET" }] },
        "amplia-reg": { apiKeys: [{ env: "AMPLIA_KEY" }], header: "X-Key" },
        scalapay: { apiKeys: [{ env: "SCALAPAY_KEY" }] },
      },
    });
    const config = await loadConfig(file, {
      WEBHOOK_CONTRACTS_POSTGRES: "postgres://u:p@127.0.0.1/db",
      WEBHOOK_CONTRACTS_IVY_SECRETS: "ivy-new-secret-0001, ivy-old-secret-0001",
      WEBHOOK_CONTRACTS_AMPLIA_REG_API_KEYS: "amplia-api-key-0002",
      WEBHOOK_CONTRACTS_SCALAPAY_API_KEYS: "scalapay-api-key-01",
      WEBHOOK_CONTRACTS_FORWARD_URL: "http://127.0.0.1:9000/hooks",
      WEBHOOK_CONTRACTS_FORWARD_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(config.store).toEqual({ postgres: "postgres://u:p@127.0.0.1/db" });
    expect(config.providers).toEqual({
      ivy: { secrets: ["ivy-new-secret-0001", "ivy-old-secret-0001"] },
      "amplia-reg": { apiKeys: ["amplia-api-key-0002"], header: "X-Key" },
      scalapay: { apiKeys: ["scalapay-api-key-01"] },
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
      // Read although the shape is wrong elsewhere: every problem in one pass.
      { path: "/providers/ivy/secrets/0", message: "environment variable IVY_SECRET is not set" },
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
    expect(await problems(unset, { IVY_SECRET, DATABASE_URL: "postgres://x" })).toEqual([]);
  });

  const sqlite = { sqlite: "./inbox.db" };
  const ivyFromEnv = { ivy: { secrets: [{ env: "IVY_SECRET" }] } };
  const forwardFromEnv = { url: "http://127.0.0.1:9000/hooks", secret: { env: "FORWARD_SECRET" } };
  const short = (n: number) => `expected at least 16 characters (a secret or key as issued, not a placeholder), received a string of ${n} characters`;
  const notWhsec = (n: number) =>
    `expected "whsec_" and the base64 of a key of 24 bytes or more (a Standard Webhooks secret, e.g. from \`openssl rand -base64 32\`), received a string of ${n} characters`;
  const credentials =
    "the URL holds credentials (user:password@ before the host); they would be written to logs and to the inbox: remove them (the target authenticates the webhook-signature header)";
  const plaintext = 'a secret written in the file: read it from the environment with {"env": "NAME"}, or set "allowPlaintextSecrets": true for local use';

  it.each<[string, unknown, Record<string, string>, ConfigProblem[]]>([
    [
      "a value from {env} gets its literal's checks: the forward secret's form, named by variable",
      { store: sqlite, providers: ivyFromEnv, forward: forwardFromEnv },
      { IVY_SECRET, FORWARD_SECRET: "whsec_abc" },
      [{ path: "/forward/secret", message: `${notWhsec(9)} (from environment variable FORWARD_SECRET)` }],
    ],
    [
      "WEBHOOK_CONTRACTS_FORWARD_SECRET not base64",
      { store: sqlite, providers: ivyFromEnv, forward: forwardFromEnv },
      { IVY_SECRET, FORWARD_SECRET, WEBHOOK_CONTRACTS_FORWARD_SECRET: "whsec_not base64!" },
      [{ path: "/forward/secret", message: `${notWhsec(17)} (from environment variable WEBHOOK_CONTRACTS_FORWARD_SECRET)` }],
    ],
    [
      "secrets from the environment: short, blank",
      { store: sqlite, providers: { ivy: { secrets: [{ env: "IVY_SECRET" }] }, retorna: { secrets: [{ env: "RETORNA_SECRET" }] } } },
      { IVY_SECRET: "changeme", RETORNA_SECRET: " ".repeat(16) },
      [
        { path: "/providers/ivy/secrets/0", message: `${short(8)} (from environment variable IVY_SECRET)` },
        {
          path: "/providers/retorna/secrets/0",
          message: "expected a secret that is not blank (only spaces), received a string of 16 characters (from environment variable RETORNA_SECRET)",
        },
      ],
    ],
    [
      "WEBHOOK_CONTRACTS_<PROVIDER>_SECRETS gets the same checks",
      { store: sqlite, providers: ivyFromEnv },
      { WEBHOOK_CONTRACTS_IVY_SECRETS: `${IVY_SECRET},short` },
      [{ path: "/providers/ivy/secrets/1", message: `${short(5)} (from environment variable WEBHOOK_CONTRACTS_IVY_SECRETS)` }],
    ],
    [
      "Ivy's Standard Webhooks keys: whsec_ form checked, from the file or WEBHOOK_CONTRACTS_IVY_WEBHOOK_KEYS",
      { store: sqlite, providers: { ivy: { webhookKeys: [{ env: "IVY_KEY" }] } } },
      { IVY_KEY: FORWARD_SECRET, WEBHOOK_CONTRACTS_IVY_WEBHOOK_KEYS: `${FORWARD_SECRET},whsec_abc` },
      [{ path: "/providers/ivy/webhookKeys/1", message: `${notWhsec(9)} (from environment variable WEBHOOK_CONTRACTS_IVY_WEBHOOK_KEYS)` }],
    ],
    [
      "a provider with several lists of secrets needs one of them, said once",
      { store: sqlite, providers: { ivy: {} } },
      {},
      [{ path: "/providers/ivy", message: "missing: expected at least one of secrets or webhookKeys (one list of secrets per way the provider signs)" }],
    ],
    [
      "a provider is enabled only by the file",
      { store: sqlite, providers: ivyFromEnv },
      { IVY_SECRET, WEBHOOK_CONTRACTS_SCALAPAY_API_KEYS: "scalapay-api-key-01" },
      [
        {
          path: "/providers/scalapay",
          message:
            'environment variable WEBHOOK_CONTRACTS_SCALAPAY_API_KEYS is set, but the file does not list "scalapay": a provider is enabled only by the file; add it to "providers" or unset WEBHOOK_CONTRACTS_SCALAPAY_API_KEYS',
        },
      ],
    ],
    [
      "timers below 2^31 ms (Node fires a longer one after 1 ms)",
      {
        store: sqlite,
        providers: ivyFromEnv,
        bodyTimeoutMs: 2 ** 31,
        worker: { handlerTimeoutMs: 2 ** 31 },
        forward: { ...forwardFromEnv, timeoutMs: 2 ** 31 },
      },
      { IVY_SECRET, FORWARD_SECRET },
      [
        { path: "/bodyTimeoutMs", message: "expected a number <= 2147483647, received 2147483648" },
        { path: "/worker/handlerTimeoutMs", message: "expected a number <= 2147483647, received 2147483648" },
        { path: "/forward/timeoutMs", message: "expected a number <= 2147483647, received 2147483648" },
      ],
    ],
    [
      "a plaintext secret in the file, and a connection string with a password",
      {
        store: { postgres: "postgres://app:hunter2hunter2@127.0.0.1/db" },
        providers: { ivy: { secrets: [{ env: "IVY_SECRET" }, IVY_SECRET] } },
        forward: { ...forwardFromEnv, secret: FORWARD_SECRET },
      },
      { IVY_SECRET },
      [
        { path: "/providers/ivy/secrets/1", message: plaintext },
        { path: "/forward/secret", message: plaintext },
        { path: "/store/postgres", message: plaintext },
      ],
    ],
    ["plaintext secrets allowed for local use", { allowPlaintextSecrets: true, store: sqlite, providers: { ivy: { secrets: [IVY_SECRET] } } }, {}, []],
    ["a connection string without a password is no secret", { store: { postgres: "postgres://127.0.0.1/db" }, providers: ivyFromEnv }, { IVY_SECRET }, []],
    [
      "credentials in the forward URL, from the file",
      { store: sqlite, providers: ivyFromEnv, forward: { ...forwardFromEnv, url: "https://user:pass-w0rd@internal.example/hooks" } },
      { IVY_SECRET, FORWARD_SECRET },
      [{ path: "/forward/url", message: credentials }],
    ],
    [
      "credentials in the forward URL, from WEBHOOK_CONTRACTS_FORWARD_URL",
      { store: sqlite, providers: ivyFromEnv, forward: forwardFromEnv },
      { IVY_SECRET, FORWARD_SECRET, WEBHOOK_CONTRACTS_FORWARD_URL: "http://user:pass-w0rd@127.0.0.1:9000/" },
      [{ path: "/forward/url", message: `${credentials} (from environment variable WEBHOOK_CONTRACTS_FORWARD_URL)` }],
    ],
    [
      "every problem in one pass: an unknown provider does not hide an unset variable or a bad value",
      { store: sqlite, providers: { ...ivyFromEnv, paypal: {} }, forward: forwardFromEnv },
      { FORWARD_SECRET: "whsec_abc" },
      [
        { path: "/providers/ivy/secrets/0", message: "environment variable IVY_SECRET is not set" },
        { path: "/providers/paypal", message: 'unknown provider "paypal": expected one of amplia-reg, ivy, retorna, scalapay' },
        { path: "/forward/secret", message: `${notWhsec(9)} (from environment variable FORWARD_SECRET)` },
      ],
    ],
  ])("%s", async (_name, content, env, expected) => {
    expect(await problems(write("table.json", content), env)).toEqual(expected);
    // No problem shows a secret's value.
    for (const value of Object.values(env)) if (value.trim().length > 3) expect(JSON.stringify(expected)).not.toContain(value);
  });

  it("refuses a key written twice, naming both places (JSON would keep the last silently)", async () => {
    const file = write(
      "twice.json",
      `{
  "store": { "sqlite": "./inbox.db" },
  "providers": {
    "ivy": { "secrets": [{ "env": "IVY_SECRET" }],
             "secrets": [{ "env": "OTHER" }] }
  },
  "store": { "sqlite": "./other.db" }
}`,
    );
    expect(await problems(file, { IVY_SECRET, OTHER: IVY_SECRET })).toEqual([
      { path: "/providers/ivy/secrets", message: "written twice, at line 4, column 14 and at line 5, column 14: keep one" },
      { path: "/store", message: "written twice, at line 2, column 3 and at line 7, column 3: keep one" },
    ]);
  });

  it("credentials in --forward-to are refused, never echoed", async () => {
    const file = write("forward-to.json", { store: sqlite, providers: ivyFromEnv, forward: forwardFromEnv });
    let error: unknown;
    await loadConfig(file, { IVY_SECRET, FORWARD_SECRET }, { forwardTo: "http://ops:s3cr3t-pass@127.0.0.1:1/" }).catch((e: unknown) => (error = e));
    expect((error as ReceiverConfigError).problems).toEqual([{ path: "/forward/url", message: `${credentials} (from --forward-to)` }]);
    expect((error as Error).message).not.toContain("s3cr3t-pass");
  });

  it("storeOnly (inbox list, inbox check, drift): no provider or forward secret is read, everything else is checked", async () => {
    const file = write("store-only.json", { store: { postgres: { env: "DATABASE_URL" } }, providers: ivyFromEnv, forward: forwardFromEnv });
    const load = (env: Record<string, string>) => loadConfig(file, env, {}, { storeOnly: true });
    expect((await load({ DATABASE_URL: "postgres://127.0.0.1/db" })).providers).toEqual(ivyFromEnv);
    await expect(load({})).rejects.toThrow("/store/postgres: environment variable DATABASE_URL is not set");
    const bad = write("store-only-bad.json", { store: sqlite, providers: { ivy: { secrets: [{ env: "IVY_SECRET" }], header: "X-Ivy" } } });
    await expect(loadConfig(bad, {}, {}, { storeOnly: true })).rejects.toThrow('/providers/ivy/header: unknown setting "header"');
  });

  it("says where malformed JSON breaks, and when the file cannot be read", async () => {
    expect(await problems(write("broken.json", '{"store": {"sqlite": "x"},\n  "providers": }'))).toEqual([
      { path: "", message: expect.stringMatching(/^malformed JSON at line 2, column 16/) },
    ]);
    expect(await problems(path.join(dir, "missing.json"))).toEqual([{ path: "", message: expect.stringMatching(/^cannot read the file: ENOENT/) }]);
  });
});
