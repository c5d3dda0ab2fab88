/**
 * drift --propose: what it infers from observed values (tables of small inputs and exact outputs), and a
 * new message proposed for a discriminator value we had no schema for, in a copy of the contracts
 * (WEBHOOK_CONTRACTS_ROOT): its schema, its entries in asyncapi.yaml (nothing else of the file changed),
 * its redacted fixture, valid against it, and the contract model that loads the result.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dereferenceSchema, loadContracts } from "../src/model.ts";
import { MIN_OBSERVATIONS, closestEntryPoint, fieldSchema, formatOf, inferSchema, observedFormats, type ObservedShape } from "../src/propose.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const tsx = path.join(repo, "contracts/node_modules/.bin/tsx");

describe("inferSchema", () => {
  it.each([
    [["a", "b"], { type: "string" }],
    [[1, 2], { type: "number" }],
    [[1, 2.5], { type: "number" }],
    [["a", null], { type: ["string", "null"] }],
    [[true], { type: "boolean" }],
    [[null], {}], // only nulls: no type, or the first string would be an error
    [[null, null, null], {}],
    [["a", 1], { type: ["string", "number"] }],
    [[{ a: 1 }, "x"], {}],
    [["2026-11-29T10:00:00Z", "2026-11-29T10:00:00.5+01:00"], { type: "string" }], // two values: too few for a format
    [Array.from({ length: 10 }, (_, i) => `2026-11-${10 + i}T10:00:00Z`), { type: "string", "x-inferred": { format: "date-time" } }],
    [[...Array.from({ length: 9 }, () => "2026-11-29T10:00:00Z"), "2026-11-29T10:00:00"], { type: "string" }], // one without offset
    [[[], ["a"]], { type: "array", items: { type: "string" } }],
    [[[]], { type: "array" }],
    [
      [{ a: 1, b: "x", c: null }, { a: 2 }],
      {
        type: "object",
        additionalProperties: false,
        properties: {
          a: { description: "Not documented by the provider: seen in 2 of the 2 data objects observed.", type: "number" },
          b: { description: "Not documented by the provider: seen in 1 of the 2 data objects observed.", type: "string" },
          c: { description: "Not documented by the provider: seen in 1 of the 2 data objects observed." },
        },
      },
    ],
    [[{}, null], { anyOf: [{ type: "object", additionalProperties: false, properties: {} }, { type: "null" }] }],
  ])("%j -> %j", (values, schema) => {
    expect(inferSchema(values, "data objects")).toEqual(schema);
  });

  it.each([
    [["2026-11-29T10:00:00Z", "2026-11-29T10:00:00.5+01:00"], 2, { type: "string", "x-inferred": { format: "date-time" } }],
    [["2026-11-29T10:00:00"], 1, { type: "string" }], // no offset: not a date-time the validators take
    [["2026-02-28"], 1, { type: "string", "x-inferred": { format: "date" } }],
    [["2026-02-30"], 1, { type: "string" }],
    [["2026-02-28"], 2, { type: "string" }],
  ])("%j with at least %d observations -> %j", (values, minimum, schema) => {
    expect(inferSchema(values, "data objects", minimum)).toEqual(schema);
  });
});

describe("fieldSchema: a new field's type from the drift report, narrowed only on enough evidence", () => {
  const observed = (count: number, types: string[], formats: string[] = [], examples: unknown[] = []): ObservedShape => ({
    provider: "scalapay",
    message: "charged",
    unknownMessage: false,
    pointer: "/x",
    keyword: "additionalProperties",
    severity: "warning",
    count,
    firstSeen: "2026-12-01T00:00:00.000Z",
    lastSeen: "2026-12-02T00:00:00.000Z",
    shape: { types, formats },
    examples,
  });
  const typeOf = (s: ObservedShape) => {
    const schema = fieldSchema(s, ["x"]);
    return [schema.type, (schema["x-inferred"] as { format?: string } | undefined)?.format];
  };
  const dates = (n: number) => Array.from({ length: n }, (_, i) => ({ x: `2026-11-${10 + i}T10:00:00Z` }));
  it.each<[string, ObservedShape, unknown[]]>([
    ["a reason only ever null: no type", observed(40, ["null"]), [undefined, undefined]],
    ["null or missing: no type", observed(40, ["null", "missing"]), [undefined, undefined]],
    ["one whole riskScore: a number, not an integer", observed(1, ["integer"]), ["number", undefined]],
    [`${MIN_OBSERVATIONS} whole values: an integer`, observed(MIN_OBSERVATIONS, ["integer"]), ["integer", undefined]],
    ["whole and not: a number", observed(50, ["integer", "number"]), ["number", undefined]],
    ["two date-times: a string", observed(2, ["string"], ["date-time"], dates(2)), ["string", undefined]],
    [
      `${MIN_OBSERVATIONS} date-times: a date-time, inferred`,
      observed(MIN_OBSERVATIONS, ["string"], ["date-time"], dates(MIN_OBSERVATIONS)),
      ["string", "date-time"],
    ],
  ])("%s", (_case, s, expected) => {
    expect(typeOf(s)).toEqual(expected);
  });

  it("says why it proposes no type", () => {
    expect(fieldSchema(observed(3, ["null"]), ["x"]).description).toMatch(/only null so far: none proposed/);
  });
});

describe("formatOf", () => {
  it.each([
    [["ana@example.com"], "email"],
    [["ana@example"], undefined],
    [["0b8e1f52-4b8e-4b8e-8b8e-0b8e1f524b8e"], "uuid"],
    [["https://example.com/a?b=1"], "uri"],
    [["2026-11-29T23:59:59Z", "2026-11-29"], undefined],
    [[], undefined],
  ])("%j -> %s", (values, format) => {
    expect(formatOf(values)).toBe(format);
  });
  it("only offers formats the drift report saw in every value", () => {
    expect(formatOf(["ana@example.com"], ["uri"])).toBeUndefined();
    expect(formatOf(["ana@example.com"], ["email"])).toBe("email");
  });
});

describe("closestEntryPoint: which of Ivy's two APIs a new event's deliveries look like", async () => {
  const ivy = (await loadContracts()).find((p) => p.name === "ivy")!;
  const dereferenced = await Promise.all(ivy.messages.map((m) => dereferenceSchema(m.schemaId)));
  const envelope = { id: "evt_1", type: "payout.reversed", date: "2026-11-29T10:00:00Z" };
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "a snake_case payload with api_version: the event API",
      {
        ...envelope,
        api_version: "2025-03-01",
        payload: { id: "po_1", amount: "10.00", currency: "EUR", status: "returned", created_at: "x", updated_at: "x" },
      },
      "event-api",
      /closest to a message of that API's: merchant-api \d+%, event-api \d+%/,
    ],
    [
      "a camelCase payload: the merchant API",
      { ...envelope, payload: { id: "o_1", referenceId: "r", status: "paid", createdAt: 1, updatedAt: 2, price: {} } },
      "merchant-api",
      /closest/,
    ],
    [
      "nothing but the envelope: the merchant API, whose unpublished events are just that",
      { ...envelope, payload: {} },
      "merchant-api",
      /merchant-api 80%, event-api 29%/,
    ],
  ])("%s", (_case, body, name, why) => {
    const chosen = closestEntryPoint(ivy, [body], dereferenced);
    expect(chosen.name).toBe(name);
    expect(chosen.why).toMatch(why);
  });

  it("takes the first declared on a tie, and says so", () => {
    const same = { type: "object", required: ["id"], properties: { id: { type: "string" } } };
    const twoParts = {
      entryPoints: [
        { name: "a", path: "p/a", summary: "A.", messages: ["x"] },
        { name: "b", path: "p/b", summary: "B.", messages: ["y"] },
      ],
      messages: ivy.messages.slice(0, 2).map((m, i) => ({ ...m, entryPoint: i === 0 ? "a" : "b" })),
    };
    expect(closestEntryPoint(twoParts, [{ id: "1" }], [same, same])).toEqual({
      name: "a",
      why: "its deliveries' fields are as close to a message of each (100%): the first declared",
    });
  });
});

describe("a new message for an unknown discriminator value", () => {
  let root = "";
  let stdout = "";
  const before = readFileSync(path.join(repo, "asyncapi.yaml"), "utf8");
  const bodies = [
    {
      id: "evt_1",
      type: "payout.settled",
      date: "2026-11-29T10:00:00.000Z",
      payload: { id: "po_1", amount: 1250, settledAt: "2026-11-29T09:59:00Z", beneficiary: { name: "Ana Lima", email: "ana@lima.example" }, note: null },
    },
    {
      id: "evt_2",
      type: "payout.settled",
      date: "2026-11-29T10:30:00.000Z",
      payload: { id: "po_2", amount: 99.5, settledAt: "2026-11-29T10:29:00Z", beneficiary: { name: "Bo Berg", email: "bo@berg.example" }, note: "x" },
    },
  ];
  const shape: ObservedShape = {
    provider: "ivy",
    message: "payout.settled",
    unknownMessage: true,
    pointer: "/type",
    keyword: "discriminator",
    severity: "warning",
    count: 2,
    firstSeen: "2026-11-29T10:00:00.000Z",
    lastSeen: "2026-11-29T10:30:00.000Z",
    shape: { types: ["string"], formats: [] },
    examples: bodies,
  };
  /** A new Scalapay status: a message too, whose place in the lifecycle is left to a person. */
  const cancelled: ObservedShape = {
    ...shape,
    provider: "scalapay",
    message: "cancelled",
    pointer: "/status",
    count: 1,
    lastSeen: shape.firstSeen,
    examples: [{ status: "cancelled", orderToken: "21KLT3YDWT", merchantReference: "m-1", totalAmount: 40.7, cancelledBy: "merchant" }],
  };
  const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "webhook-contracts-propose-"));
    for (const f of ["schemas", "fixtures", "asyncapi.yaml"]) cpSync(path.join(repo, f), path.join(root, f), { recursive: true });
    writeFileSync(path.join(root, "shapes.json"), JSON.stringify([shape, cancelled]));
    stdout = execFileSync(tsx, [path.join(repo, "contracts/src/propose.ts"), path.join(root, "shapes.json")], {
      env: { ...process.env, WEBHOOK_CONTRACTS_ROOT: root },
      encoding: "utf8",
    });
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("says what it wrote and what is left to a person", () => {
    expect(stdout.split("\n").filter(Boolean)).toEqual([
      "edited schemas/ivy/payout-settled.schema.json",
      "edited asyncapi.yaml",
      "edited schemas/scalapay/cancelled.schema.json",
      "wrote fixtures/ivy/payout.settled/valid/observed-payout-settled.json",
      "wrote fixtures/scalapay/cancelled/valid/observed-cancelled.json",
      "not proposed: scalapay cancelled: also a status of scalapay's lifecycle: add it to schemas/scalapay/lifecycle.json with its transitions (none observed)",
      "to do: ivy payout.settled: schemas/ivy/payout-settled.schema.json is inferred from traffic; name what it is in its description, write its invalid fixtures (fixtures/ivy/payout.settled/invalid/, three at least), and run pnpm readme",
      "to do: ivy payout.settled: put in the entry point merchant-api (its deliveries' fields are closest to a message of that API's: merchant-api 43%, event-api 35%); if it is the other API's, change its x-entry-point and headers in asyncapi.yaml",
      "to do: scalapay cancelled: schemas/scalapay/cancelled.schema.json is inferred from traffic; name what it is in its description, write its invalid fixtures (fixtures/scalapay/cancelled/invalid/, three at least), and run pnpm readme",
    ]);
    // Titled and named as the provider's other messages are.
    expect(read("schemas/scalapay/cancelled.schema.json")).toMatchObject({
      title: "OrderCancelled",
      required: ["status", "orderToken", "merchantReference", "totalAmount"],
      properties: { status: { type: "string", const: "cancelled" }, cancelledBy: { type: "string" } },
    });
  });

  it("writes its schema: the envelope all Ivy messages share, the type as const, the rest inferred and optional, observed", () => {
    const schema = read("schemas/ivy/payout-settled.schema.json");
    const mandate = read("schemas/ivy/mandate-revoked.schema.json") as { properties: Record<string, unknown> };
    expect(schema).toMatchObject({
      $id: "https://webhook-contracts.example/schemas/ivy/payout-settled.schema.json",
      title: "PayoutSettledEvent",
      "x-provenance": {
        kind: "observed",
        sources: ["observed in 2 deliveries from 2026-11-29T10:00:00.000Z to 2026-11-29T10:30:00.000Z (webhook-contracts drift)"],
      },
      additionalProperties: false,
      required: ["id", "type", "date", "payload"],
    });
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toEqual(["id", "type", "date", "api_version", "payload"]);
    for (const p of ["id", "date", "api_version"]) expect(properties[p]).toEqual(mandate.properties[p]);
    expect(properties.type).toEqual({ description: "Event type.", type: "string", const: "payout.settled" });
    const payload = properties.payload as { properties: Record<string, Record<string, unknown>>; required?: unknown };
    expect(payload.required).toBeUndefined();
    expect(Object.fromEntries(Object.entries(payload.properties).map(([k, v]) => [k, [v.type, (v["x-inferred"] as { format?: string })?.format]]))).toEqual({
      id: ["string", undefined],
      amount: ["number", undefined],
      // Two deliveries: too few to propose a format (MIN_OBSERVATIONS); the string stays a string.
      settledAt: ["string", undefined],
      beneficiary: ["object", undefined],
      note: [["string", "null"], undefined],
    });
    expect((payload.properties.beneficiary as { properties: Record<string, Record<string, unknown>> }).properties.email).toEqual({
      description: "Not documented by the provider: seen in 2 of the 2 beneficiary objects observed.",
      type: "string",
    });
  });

  it("adds the message and its operation entry to asyncapi.yaml, changing nothing else of it", () => {
    const after = readFileSync(path.join(root, "asyncapi.yaml"), "utf8");
    const doc = parse(after) as {
      channels: { ivy: { messages: Record<string, unknown> } };
      operations: { receiveIvy: { messages: { $ref: string }[] } };
    };
    expect(doc.channels.ivy.messages["payout.settled"]).toEqual({
      name: "payout.settled",
      title: "Payout settled",
      summary: "Seen in traffic, with no schema until now (webhook-contracts drift --propose).",
      contentType: "application/json",
      // With the API its deliveries look like (no api_version: the merchant API's envelope), and the headers its messages declare.
      "x-entry-point": "merchant-api",
      headers: { $ref: "#/components/schemas/IvySignatureHeaders" },
      payload: { schemaFormat: "application/schema+json;version=draft-07", schema: { $ref: "./schemas/ivy/payout-settled.schema.json" } },
      examples: [
        {
          name: "observed-payout-settled",
          summary: "A delivery seen in traffic, redacted",
          payload: { $ref: "./fixtures/ivy/payout.settled/valid/observed-payout-settled.json" },
        },
      ],
    });
    expect(doc.operations.receiveIvy.messages.at(-1)).toEqual({ $ref: "#/channels/ivy/messages/payout.settled" });
    // Only lines added, comments and quoting of the rest kept.
    const removed = before.split("\n").filter((line) => !after.includes(line));
    expect(removed).toEqual([]);
    expect(after.split("\n").length - before.split("\n").length).toBe(35);
  });

  it("writes a redacted fixture that its schema takes, and the contract model loads the result", () => {
    const fixture = read("fixtures/ivy/payout.settled/valid/observed-payout-settled.json") as (typeof bodies)[0];
    expect(fixture).toMatchObject({ id: "evt_1", payload: { id: "po_1", amount: 1250, note: null } });
    expect(fixture.payload.beneficiary.name).not.toBe("Ana Lima");
    expect(fixture.payload.beneficiary.email).not.toBe("ana@lima.example");
    const ajv = new Ajv({ strict: false, allErrors: true });
    for (const [name, check] of observedFormats) ajv.addFormat(name, check);
    // Strict mode's reading of x-inferred: its subschema applies to the same value.
    ajv.addKeyword({ keyword: "x-inferred", macro: (schema: object) => schema });
    const validate = ajv.compile(read("schemas/ivy/payout-settled.schema.json"));
    expect(validate(fixture), JSON.stringify(validate.errors)).toBe(true);
    writeFileSync(
      path.join(root, "load.mts"),
      `const { loadContracts } = await import(${JSON.stringify(path.join(repo, "contracts/src/model.ts"))});
const ivy = (await loadContracts()).find((p) => p.name === "ivy");
console.log(JSON.stringify(ivy.messages.find((m) => m.name === "payout.settled")));
`,
    );
    const model = execFileSync(tsx, [path.join(root, "load.mts")], { env: { ...process.env, WEBHOOK_CONTRACTS_ROOT: root }, encoding: "utf8" });
    expect(JSON.parse(model)).toMatchObject({
      name: "payout.settled",
      schemaFile: "schemas/ivy/payout-settled.schema.json",
      typeName: "PayoutSettledEvent",
      discriminatorValues: ["payout.settled"],
    });
    expect(readdirSync(path.join(root, "fixtures/ivy/payout.settled/valid"))).toEqual(["observed-payout-settled.json"]);
  });
});
