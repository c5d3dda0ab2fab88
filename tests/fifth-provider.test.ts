/**
 * Adding a provider touches only schemas/, fixtures/ and asyncapi.yaml. In a copy of this repository, a
 * fifth, synthetic provider (an HMAC-signed envelope named by its `type`, two messages) is added through
 * those three places alone; then, as a user would: the build, the CLI's `validate` on its fixtures, a
 * signed delivery sent with the CLI's `send` and received by `serve` into its inbox, and its docs pages.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { type RepositoryCopy, copyRepository } from "./support/copy.js";

let repo: RepositoryCopy;
let copy = "";
const run = (command: string, args: string[]) => repo.run(command, args);
const runCli = (args: string[]) => repo.cli(args);
const write = (file: string, value: unknown) => repo.write(file, value);

const provenance = { kind: "docs", sources: ["synthetic: tests/fifth-provider.test.ts (Acme's webhook page, imagined)"] };
const envelope = (type: string, title: string, data: object) => ({
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: `https://webhook-contracts.example/schemas/acme/${type.replace(".", "-")}.schema.json`,
  title,
  description: `Acme's ${type} event.`,
  "x-provenance": provenance,
  type: "object",
  additionalProperties: false,
  required: ["id", "type", "created", "data"],
  properties: {
    id: { description: "Event id, the same on every retry.", type: "string", minLength: 1 },
    type: { description: "Event type.", type: "string", const: type },
    created: { description: "When the event happened.", type: "string", format: "date-time" },
    data: data,
  },
});
const paid = { id: "evt_1", type: "invoice.paid", created: "2026-11-29T10:00:00Z", data: { invoice: "in_1", amount: 1250 } };
const voided = { id: "evt_2", type: "invoice.voided", created: "2026-11-29T11:00:00Z", data: { invoice: "in_2", reason: "duplicate" } };

function addProvider(): void {
  write("schemas/acme/common/invoice-ref.schema.json", {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://webhook-contracts.example/schemas/acme/common/invoice-ref.schema.json",
    title: "InvoiceRef",
    description: "The invoice an event is about.",
    "x-provenance": provenance,
    type: "string",
    pattern: "^in_[0-9a-z]+$",
  });
  write(
    "schemas/acme/invoice-paid.schema.json",
    envelope("invoice.paid", "InvoicePaidEvent", {
      description: "The paid invoice.",
      type: "object",
      additionalProperties: false,
      required: ["invoice", "amount"],
      properties: { invoice: { $ref: "common/invoice-ref.schema.json" }, amount: { description: "Amount paid, in cents.", type: "integer", minimum: 1 } },
    }),
  );
  write(
    "schemas/acme/invoice-voided.schema.json",
    envelope("invoice.voided", "InvoiceVoidedEvent", {
      description: "The voided invoice.",
      type: "object",
      additionalProperties: false,
      required: ["invoice", "reason"],
      properties: {
        invoice: { $ref: "common/invoice-ref.schema.json" },
        reason: { description: "Why it was voided.", type: "string", enum: ["duplicate", "fraudulent"] },
      },
    }),
  );
  write("fixtures/acme/invoice.paid/valid/paid.json", paid);
  write("fixtures/acme/invoice.paid/invalid/negative.json", { ...paid, data: { ...paid.data, amount: -5 } });
  write("fixtures/acme/invoice.paid/invalid/negative.expected.json", { path: "/data/amount", keyword: "minimum" });
  write("fixtures/acme/invoice.voided/valid/voided.json", voided);
  write("fixtures/acme/invoice.voided/invalid/bad-ref.json", { ...voided, data: { ...voided.data, invoice: "INV-2" } });
  write("fixtures/acme/invoice.voided/invalid/bad-ref.expected.json", { path: "/data/invoice", keyword: "pattern" });

  const doc = parseDocument(readFileSync(path.join(copy, "asyncapi.yaml"), "utf8"));
  const message = (name: string, title: string, file: string, fixture: string) => ({
    name,
    title,
    summary: `Acme's ${name} event.`,
    contentType: "application/json",
    payload: { schemaFormat: "application/schema+json;version=draft-07", schema: { $ref: `./schemas/acme/${file}` } },
    examples: [{ name: fixture, summary: "The docs' example", payload: { $ref: `./fixtures/acme/${name}/valid/${fixture}.json` } }],
  });
  doc.setIn(["channels", "acme"], {
    title: "Acme",
    address: "/webhooks/acme",
    summary: "Invoice events from Acme.",
    description: "Acme POSTs an envelope named by its `type`, signed: `Acme-Signature` is `v1=` and the base64 HMAC-SHA256 of `{timestamp}.{body}`.",
    "x-discriminator": "/type",
    "x-delivery-key": ["/id"],
    servers: [{ $ref: "#/servers/receiver" }],
    messages: {
      "invoice.paid": message("invoice.paid", "Invoice paid", "invoice-paid.schema.json", "paid"),
      "invoice.voided": message("invoice.voided", "Invoice voided", "invoice-voided.schema.json", "voided"),
    },
  });
  doc.setIn(["operations", "receiveAcme"], {
    action: "receive",
    title: "Receive Acme invoice events",
    channel: { $ref: "#/channels/acme" },
    security: [{ $ref: "#/components/securitySchemes/acmeSignature" }],
    bindings: { http: { method: "POST", bindingVersion: "0.3.0" } },
    messages: [{ $ref: "#/channels/acme/messages/invoice.paid" }, { $ref: "#/channels/acme/messages/invoice.voided" }],
  });
  doc.setIn(["components", "securitySchemes", "acmeSignature"], {
    type: "httpApiKey",
    name: "Acme-Signature",
    in: "header",
    description: "v1= and the base64 HMAC-SHA256 of {timestamp}.{body}, keyed with the endpoint secret.",
    "x-webhook-auth": {
      secrets: "endpointSecrets",
      secretsDescription: "Endpoint secrets from Acme's dashboard.",
      signature: {
        algorithm: "hmac-sha256",
        encoding: "base64",
        prefix: "v1=",
        signed: "{timestamp}.{body}",
        timestamp: { header: "Acme-Timestamp", unit: "seconds", toleranceSeconds: 300 },
      },
    },
  });
  writeFileSync(path.join(copy, "asyncapi.yaml"), doc.toString({ lineWidth: 0 }));
}

let server: ChildProcess | undefined;

beforeAll(() => {
  repo = copyRepository("fifth provider", { ACME_SECRET: "acme-endpoint-secret" });
  repo.release();
  copy = repo.dir;
  addProvider();
  run("pnpm", ["build"]);
}, 300_000);

afterAll(() => {
  server?.kill("SIGKILL");
  repo.remove();
});

it("was added through schemas/, fixtures/ and asyncapi.yaml alone", () => {
  const changed = run("git", ["status", "--porcelain", "--untracked-files=all"])
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(3));
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.filter((f) => !/^(schemas\/acme\/|fixtures\/acme\/|asyncapi\.yaml$)/.test(f))).toEqual([]);
});

it("is, to the CLI's diff against the commit before it, a provider added: accepts more, compatible types", () => {
  const diff = runCli(["diff", "--json"]);
  expect(diff.status, diff.stdout).toBe(0);
  expect(JSON.parse(diff.stdout)).toEqual([
    { provider: "acme", message: null, pointer: "", change: "provider added", acceptance: "accepts-more", types: "compatible" },
  ]);
});

it("asks for a release: without a changeset the release check fails, naming each package; with one it passes", () => {
  const check = () => {
    try {
      return { status: 0, stdout: run(path.join(copy, "node_modules/.bin/tsx"), ["contracts/src/release-check.ts", "--base", "HEAD"]) };
    } catch (error) {
      return { status: (error as { status: number }).status, stdout: (error as { stdout: string }).stdout };
    }
  };
  const without = check();
  expect(without.status).toBe(1);
  expect(
    without.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" needs ")[0]),
  ).toEqual([
    "@webhook-contracts/types",
    "@webhook-contracts/validators",
    "@webhook-contracts/fixtures",
    "@webhook-contracts/schemas",
    "@webhook-contracts/docs",
  ]);
  expect(without.stdout).toContain("needs a minor changeset (acme /: provider added, accepts-more, types compatible)");
  write(
    ".changeset/acme.md",
    '---\n"@webhook-contracts/types": minor\n"@webhook-contracts/validators": minor\n"@webhook-contracts/fixtures": minor\n"@webhook-contracts/schemas": minor\n"@webhook-contracts/docs": minor\n---\n\nAcme, a fifth provider.\n',
  );
  try {
    expect(check()).toEqual({ status: 0, stdout: "" });
  } finally {
    rmSync(path.join(copy, ".changeset/acme.md"));
  }
});

it("validates its fixtures with the CLI: the valid ones pass as their message, the invalid ones fail at their pointer", () => {
  expect(runCli(["validate", "--provider", "acme", path.join(copy, "fixtures/acme/invoice.paid/valid/paid.json")])).toEqual({
    status: 0,
    stdout: expect.stringContaining("valid: acme invoice.paid"),
  });
  expect(runCli(["validate", "--provider", "acme", "--strict", path.join(copy, "fixtures/acme/invoice.voided/valid/voided.json")]).status).toBe(0);
  const negative = runCli(["validate", "--provider", "acme", "--json", path.join(copy, "fixtures/acme/invoice.paid/invalid/negative.json")]);
  expect(negative.status).toBe(1);
  expect(JSON.parse(negative.stdout)).toMatchObject({
    ok: false,
    provider: "acme",
    errors: [{ messageName: "invoice.paid", path: "/data/amount", keyword: "minimum" }],
  });
  const badRef = runCli(["validate", "--provider", "acme", "--json", path.join(copy, "fixtures/acme/invoice.voided/invalid/bad-ref.json")]);
  expect(JSON.parse(badRef.stdout)).toMatchObject({ ok: false, errors: [{ path: "/data/invoice", keyword: "pattern" }] });
});

it("receives a delivery the CLI signed as declared, refuses one signed with another secret, and keeps the first in its inbox", async () => {
  const config = path.join(copy, "receiver.json");
  writeFileSync(
    config,
    JSON.stringify({
      store: { sqlite: "./inbox.db" },
      providers: { acme: { endpointSecrets: [{ env: "ACME_SECRET" }] } },
      worker: false,
      log: { level: "silent" },
    }),
  );
  const served = await repo.serve(config);
  server = served.child;
  const base = served.base;
  const sent = runCli(["send", "--provider", "acme", "--fixture", "invoice.paid", "--to", base, "--secret", "acme-endpoint-secret"]);
  expect(sent.stdout).toMatch(/202|200/);
  expect(sent.status).toBe(0);
  const forged = runCli(["send", "--provider", "acme", "--fixture", "invoice.voided", "--to", base, "--secret", "guess"]);
  expect(forged.stdout).toMatch(/401/);
  const listed = runCli(["inbox", "list", "--config", config, "--json"]);
  expect(listed.status, listed.stdout).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ provider: "acme", message: "invoice.paid" })]);
});

it("renders its docs: a provider page with its authentication, and a page per message", () => {
  const dist = path.join(copy, "packages/docs/dist");
  const provider = readFileSync(path.join(dist, "providers/acme.html"), "utf8");
  expect(provider).toContain("Acme-Signature");
  expect(provider).toContain("{timestamp}.{body}");
  expect(provider).toContain("WEBHOOK_CONTRACTS_ACME_ENDPOINT_SECRETS");
  for (const [m, field] of [
    ["invoice.paid", "amount"],
    ["invoice.voided", "reason"],
  ] as const) {
    const page = readFileSync(path.join(dist, `messages/acme/${encodeURIComponent(m)}.html`), "utf8");
    expect(page, m).toContain(`id="field-data.${field}"`);
  }
  expect(readFileSync(path.join(dist, "index.html"), "utf8")).toContain("providers/acme.html");
});
