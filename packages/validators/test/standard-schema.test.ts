/**
 * Standard Schema v1: every provider validator and every message validator, checked against the spec's own
 * types (@standard-schema/spec), by its results on the fixtures, and through one real integrator (Hono's
 * @hono/standard-validator middleware, which accepts any Standard Schema).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sValidator } from "@hono/standard-validator";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type ProviderPayload, type ProviderValidator, validators } from "@webhook-contracts/validators";
import { type IvyPayloads, type IvyWebhook, ivy } from "@webhook-contracts/validators/ivy";
import { type ScalapayNarrowedPayloads, scalapay } from "@webhook-contracts/validators/scalapay";
import { loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { Hono } from "hono";
import { describe, expect, expectTypeOf, it } from "vitest";

const root = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
const fixture = (rel: string) => JSON.parse(readFileSync(path.join(root, "fixtures", rel), "utf8")) as Record<string, any>;
const paid = () => fixture("ivy/order_updated/valid/paid.json");
const contracts = await loadContracts();

describe("the spec's types", () => {
  it("makes every provider validator and message validator a StandardSchemaV1 with unknown input and the payload as output", () => {
    // Assignability is the check (tsc runs over the tests): a message validator outputs its payload type...
    const message: StandardSchemaV1<unknown, IvyPayloads["order_updated"]> = ivy.messages.order_updated;
    const charged: StandardSchemaV1<unknown, ScalapayNarrowedPayloads["charged"]> = scalapay.messages.charged;
    // ...and a provider validator one of its messages' payloads, or, as tolerant mode passes it, a payload
    // of a message we do not know.
    const provider: StandardSchemaV1<unknown, IvyWebhook | Record<string, unknown>> = validators.ivy;
    // @ts-expect-error not IvyWebhook alone: tolerant mode passes an event type we have no schema for
    const narrow: StandardSchemaV1<unknown, IvyWebhook> = validators.ivy;
    void narrow;
    expectTypeOf<StandardSchemaV1.InferOutput<typeof ivy.messages.order_updated>>().toEqualTypeOf<IvyPayloads["order_updated"]>();
    expectTypeOf<StandardSchemaV1.InferInput<typeof validators.ivy>>().toEqualTypeOf<unknown>();
    expectTypeOf<StandardSchemaV1.InferOutput<typeof validators.scalapay>>().toEqualTypeOf<ProviderPayload<ScalapayNarrowedPayloads>>();
    for (const schema of [message, charged, provider]) expect(schema["~standard"]).toMatchObject({ version: 1, vendor: "webhook-contracts" });
  });
});

describe("results", () => {
  it("returns the value of a valid payload, and tolerant mode's warnings do not fail it", () => {
    const body = { ...paid(), unexpected: 1 };
    expect(validators.ivy.validate(body).warnings).toHaveLength(1);
    expect(validators.ivy["~standard"].validate(body)).toEqual({ value: body });
    expect(ivy.messages.order_updated["~standard"].validate(body)).toEqual({ value: body });
    // A message we do not know passes tolerant mode, as validate() has it.
    const unknown = { ...paid(), type: "payout.settled" };
    expect(validators.ivy["~standard"].validate(unknown)).toEqual({ value: unknown });
  });

  it("takes strict mode as the library's option", () => {
    const body = { ...paid(), unexpected: 1 };
    expect(validators.ivy["~standard"].validate(body, { libraryOptions: { mode: "strict" } })).toEqual({
      issues: [{ message: 'ivy order_updated: unknown property "unexpected", received 1', path: ["unexpected"] }],
    });
    expect(ivy.messages.order_updated["~standard"].validate(body, { libraryOptions: { mode: "strict" } })).toHaveProperty("issues");
  });

  it("gives issues with our messages (provider, message, expected, received) and paths as keys, array indices as numbers", () => {
    const body = paid();
    body.payload.lineItems[0].amount = "12";
    delete body.payload.status;
    const result = validators.ivy["~standard"].validate(body);
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { message: 'ivy order_updated: missing required property "status"', path: ["payload", "status"] },
        { message: 'ivy order_updated: expected type number, received "12"', path: ["payload", "lineItems", 0, "amount"] },
      ]),
    );
    // What the payload is not: no message picked, and the whole payload as the path.
    expect(validators.scalapay["~standard"].validate([])).toEqual({
      issues: [{ message: "scalapay ?: a Scalapay payload must be a JSON object: expected type object, received []", path: [] }],
    });
    // A pointer's escapes (~1, ~0) are undone in the keys.
    const weird = { ...paid(), "a/b~c": 1 };
    expect(validators.ivy["~standard"].validate(weird, { libraryOptions: { mode: "strict" } }).issues?.[0]?.path).toEqual(["a/b~c"]);
  });

  it("never throws: a value JSON cannot hold is an issue", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
      },
    );
    expect(validators.ivy["~standard"].validate(hostile)).toEqual({ issues: [expect.objectContaining({ path: [] })] });
    expect(ivy.messages.order_updated["~standard"].validate(hostile)).toHaveProperty("issues");
  });

  describe.each(contracts.map((p) => [p.name, p] as const))("%s", (name, provider) => {
    // Any provider, typed loosely: the types of each are checked above.
    const validator = validators[name as keyof typeof validators] as unknown as ProviderValidator<string, Record<string, unknown>>;
    it("has one message validator per message, each agreeing with validateMessage on every fixture", () => {
      expect(Object.keys(validator.messages)).toEqual(provider.messages.map((m) => m.name));
      for (const message of provider.messages) {
        const schema = validator.messages[message.name]!;
        expect(schema).toMatchObject({ provider: name, name: message.name });
        for (const kind of ["valid", "invalid"] as const) {
          for (const { body, expected } of messageFixtures(name, message.name, kind)) {
            for (const mode of ["tolerant", "strict"] as const) {
              const ours = validator.validateMessage(message.name, body, { mode });
              const standard = schema["~standard"].validate(body, { libraryOptions: { mode } });
              expect(standard.issues === undefined).toBe(ours.ok);
              expect(schema.validate(body, { mode }).ok).toBe(ours.ok);
              if (kind === "valid") expect(standard).toEqual({ value: body });
              // The provider's own Standard Schema agrees with validate().
              expect(validator["~standard"].validate(body, { libraryOptions: { mode } }).issues === undefined).toBe(validator.validate(body, { mode }).ok);
            }
            if (kind === "invalid" && expected?.mode !== "strict") {
              const issues = schema["~standard"].validate(body).issues ?? [];
              expect(issues.map((i) => i.path!.map(String).join("/"))).toContain(expected!.path.slice(1));
            }
            if (kind === "valid") expect(schema.is(body)).toBe(validator.is(message.name, body));
          }
        }
      }
    });
  });
});

describe("through Hono's Standard Schema validator (@hono/standard-validator)", () => {
  const app = new Hono()
    .post("/webhooks/ivy", sValidator("json", validators.ivy), (c) => {
      const body = c.req.valid("json");
      return c.json({ type: body.type });
    })
    .post("/webhooks/ivy/order_updated", sValidator("json", ivy.messages.order_updated), (c) => {
      const body = c.req.valid("json");
      expectTypeOf(body).toEqualTypeOf<IvyPayloads["order_updated"]>();
      return c.json({ status: body.payload.status });
    });
  const post = (url: string, body: unknown) =>
    app.request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("passes a valid payload to the handler, typed", async () => {
    const response = await post("/webhooks/ivy", paid());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: "order_updated" });
    const message = await post("/webhooks/ivy/order_updated", paid());
    expect(await message.json()).toEqual({ status: "paid" });
  });

  it("answers 400 with our issues for a broken one", async () => {
    const body = paid();
    body.payload.status = 42;
    for (const url of ["/webhooks/ivy", "/webhooks/ivy/order_updated"]) {
      const response = await post(url, body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { success: boolean; error: StandardSchemaV1.Issue[] };
      expect(answer.success).toBe(false);
      expect(answer.error).toContainEqual({ message: expect.stringMatching(/^ivy order_updated: .*received 42/), path: ["payload", "status"] });
    }
  });
});
