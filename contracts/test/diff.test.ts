/**
 * The change classification on a corpus of edits: one base schema and snapshot, an edit each, and the
 * exact changes expected (pointer, change, acceptance, types).
 */
import { describe, expect, it } from "vitest";
import { type ContractChange, type ProviderSnapshot, diffAuth, diffContracts, diffSchemas, strongest } from "../src/diff.ts";
import type { AuthScheme } from "../src/model.ts";
import { base, corpus } from "./diff-corpus.ts";

const line = (c: Pick<ContractChange, "pointer" | "change" | "acceptance" | "types">) => `${c.pointer} | ${c.change} | ${c.acceptance} | ${c.types}`;

describe("diffSchemas on a corpus of edits", () => {
  it("has at least 40 edits", () => expect(corpus.length).toBeGreaterThanOrEqual(40));

  it("finds nothing between a schema and itself", () => expect(diffSchemas(base(), base())).toEqual([]));

  it.each(corpus)("%s", (_name, edit, expected) => {
    const after = base();
    edit(after);
    expect(diffSchemas(base(), after).map(line).sort()).toEqual(expected.map((e) => (e.startsWith("|") ? ` ${e}` : e)).sort());
  });
});

describe("a number's bounds compared as intervals, inclusive and exclusive together", () => {
  const row = (c: { change: string; acceptance: string; before?: unknown; after?: unknown }) =>
    `${c.change} | ${c.acceptance} | ${String(c.before)} -> ${String(c.after)}`;
  it.each<[string, object, object, string[]]>([
    ["exclusiveMinimum 0 -> minimum 0 lets 0 in", { exclusiveMinimum: 0 }, { minimum: 0 }, ["lower bound loosened | accepts-more | > 0 -> >= 0"]],
    ["minimum 0 -> exclusiveMinimum 0 keeps 0 out", { minimum: 0 }, { exclusiveMinimum: 0 }, ["lower bound tightened | rejects-more | >= 0 -> > 0"]],
    ["exclusiveMaximum 100 -> maximum 100", { exclusiveMaximum: 100 }, { maximum: 100 }, ["upper bound loosened | accepts-more | < 100 -> <= 100"]],
    ["the same interval written otherwise: nothing", { minimum: 1, exclusiveMinimum: 0 }, { minimum: 1 }, []],
    [
      "both kept, the tighter decides",
      { minimum: 0, exclusiveMinimum: 5 },
      { minimum: 6, exclusiveMinimum: 5 },
      ["lower bound tightened | rejects-more | > 5 -> >= 6"],
    ],
    ["a bound removed", { maximum: 10 }, {}, ["upper bound loosened | accepts-more | <= 10 -> none"]],
    ["a bound added", {}, { exclusiveMinimum: 0 }, ["lower bound tightened | rejects-more | none -> > 0"]],
  ])("%s", (_case, before, after, expected) => {
    expect(diffSchemas({ type: "number", ...before }, { type: "number", ...after }).map(row)).toEqual(expected);
  });
});

/** Standard Webhooks as asyncapi.yaml declares it for Ivy, and an API key: the alternatives the table below changes. */
const standard = (change: Partial<Extract<AuthScheme, { kind: "signature" }>["signature"]> = {}, scheme: Partial<AuthScheme> = {}): AuthScheme =>
  ({
    id: "sw",
    description: "Standard Webhooks.",
    secrets: "webhookKeys",
    kind: "signature",
    header: "webhook-signature",
    signature: {
      algorithm: "hmac-sha256",
      encoding: "base64",
      prefix: "v1,",
      signed: "{id}.{timestamp}.{body}",
      timestamp: { header: "webhook-timestamp", unit: "seconds", toleranceSeconds: 300 },
      id: { header: "webhook-id", pointer: "/id" },
      separator: " ",
      key: { prefix: "whsec_", encoding: "base64" },
      ...change,
    },
    ...scheme,
  }) as AuthScheme;
const apiKey: AuthScheme = { id: "key", description: "A key.", secrets: "apiKeys", kind: "apiKey", header: "x-api-key", configurableHeader: false };

describe("diffAuth", () => {
  const row = (c: { change: string; acceptance: string }) => `${c.change} | ${c.acceptance}`;
  it.each<[string, AuthScheme[], string[]]>([
    ["nothing", [standard(), apiKey], []],
    [
      "a second alternative added: its senders get in, others are unaffected",
      [standard(), apiKey, { ...apiKey, id: "key2" }],
      ["authentication alternative key2 added | accepts-more"],
    ],
    ["an alternative removed", [standard()], ["authentication alternative key removed | rejects-more"]],
    [
      "the tolerance widened",
      [standard({ timestamp: { header: "webhook-timestamp", unit: "seconds", toleranceSeconds: 600 } }), apiKey],
      ["authentication sw: timestamp tolerance widened | accepts-more"],
    ],
    [
      "the tolerance narrowed",
      [standard({ timestamp: { header: "webhook-timestamp", unit: "seconds", toleranceSeconds: 60 } }), apiKey],
      ["authentication sw: timestamp tolerance narrowed | rejects-more"],
    ],
    ["a reworded description", [standard({}, { description: "Standard Webhooks, v1." }), apiKey], ["authentication sw: description changed | none"]],
    ["another algorithm", [standard({ algorithm: "hmac-sha512" as "hmac-sha256" }), apiKey], ["authentication sw: signature algorithm changed | rejects-more"]],
    ["another encoding", [standard({ encoding: "hex" }), apiKey], ["authentication sw: signature encoding changed | rejects-more"]],
    [
      "another signed template",
      [standard({ signed: "{timestamp}.{body}", id: undefined }), apiKey],
      ["authentication sw: signature signed changed | rejects-more", "authentication sw: signature id changed | rejects-more"],
    ],
    ["another header", [standard({}, { header: "x-signature" }), apiKey], ["authentication sw: its kind or header changed | rejects-more"]],
    ["the header's case only: HTTP headers are not case-sensitive", [standard({}, { header: "Webhook-Signature" }), apiKey], []],
    [
      "secrets read from another setting",
      [standard({}, { secrets: "keys" }), apiKey],
      ["authentication sw: its secrets are read from another setting (the old one is no longer read) | rejects-more"],
    ],
    [
      "the api key's header made configurable",
      [standard(), { ...apiKey, configurableHeader: true }],
      ["authentication key: its header may now be configured | accepts-more"],
    ],
    [
      "reordered: judged conservatively, and said so",
      [apiKey, standard()],
      ["authentication alternatives reordered (not exact: a request that carries two is checked by another first) | rejects-more"],
    ],
  ])("%s", (_case, after, expected) => {
    expect(diffAuth([standard(), apiKey], after).map(row)).toEqual(expected);
  });
});

describe("diffContracts", () => {
  const snapshot = (change: Partial<ProviderSnapshot> = {}): ProviderSnapshot[] => [
    {
      name: "p",
      messages: { order: base() },
      transitions: ["null -> new", "new -> paid"],
      impossible: [],
      auth: [standard()],
      deliveryKey: ["/id"],
      address: "/webhooks/p",
      ...change,
    },
  ];
  it.each<[string, ProviderSnapshot[], string[]]>([
    ["a message added", snapshot({ messages: { order: base(), refund: base() } }), ["p refund  | message added | accepts-more | breaking"]],
    ["a message removed", snapshot({ messages: {} }), ["p order  | message removed | rejects-more | breaking"]],
    ["a transition listed", snapshot({ transitions: ["null -> new", "new -> paid", "paid -> new"] }), ["p -  | transition listed | accepts-more | none"]],
    ["a transition ruled out", snapshot({ impossible: ["paid -> new"] }), ["p -  | transition ruled out | rejects-more | none"]],
    ["an authentication alternative added", snapshot({ auth: [standard(), apiKey] }), ["p -  | authentication alternative key added | accepts-more | none"]],
    ["the channel's address changed: senders get 404", snapshot({ address: "/hooks/p" }), ["p -  | channel address changed | rejects-more | none"]],
    ["a provider added", [...snapshot(), { ...snapshot()[0]!, name: "q" }], ["q -  | provider added | accepts-more | compatible"]],
  ])("%s", (_name, after, expected) => {
    expect(diffContracts(snapshot(), after).map((c) => `${c.provider} ${c.message ?? "-"} ${line(c)}`)).toEqual(expected);
  });

  it("sums up the strongest impact", () => {
    const changes = diffContracts(snapshot(), snapshot({ messages: { order: { ...base(), title: "x" } }, transitions: ["null -> new"] }));
    expect(strongest(changes)).toEqual({ acceptance: "rejects-more", types: "none" });
  });
});
