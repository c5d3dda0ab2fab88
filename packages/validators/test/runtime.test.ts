/** The validators from a user's side: modes, warnings, discriminator errors, error fields, guards, entry points. */
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ValidationIssue, isProviderName, providerNames, validateWebhook, validators } from "@webhook-contracts/validators";
import { isOrderStatusChanged } from "@webhook-contracts/validators/amplia-reg";
import { isOrderUpdatedEvent, ivy, validateIvyWebhook } from "@webhook-contracts/validators/ivy";
import * as ivyEventApi from "@webhook-contracts/validators/ivy/event-api";
import * as ivyMerchantApi from "@webhook-contracts/validators/ivy/merchant-api";
import { isOrderAuthorized, isOrderCreated, validateScalapayWebhook } from "@webhook-contracts/validators/scalapay";
import { loadContracts, pascalCase } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { describe, expect, it } from "vitest";

const root = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
const fixture = (rel: string) => JSON.parse(readFileSync(path.join(root, "fixtures", rel), "utf8")) as Record<string, any>;
const paid = () => fixture("ivy/order_updated/valid/paid.json");
const issued = () => fixture("amplia-reg/OrderStatusChanged/valid/06-certificate-issued.en.json");
const contracts = await loadContracts();

describe("picking the message by its discriminator", () => {
  it("validates an Ivy payload as the message its type names", () => {
    const result = validateWebhook("ivy", paid());
    expect(result).toMatchObject({ ok: true, provider: "ivy", message: "order_updated", warnings: [] });
    if (result.ok && result.message === "order_updated") expect(result.value.payload.status).toBe("paid");
  });

  it("picks the Amplia Reg message by the transition's status", () => {
    expect(validateWebhook("amplia-reg", issued())).toMatchObject({ ok: true, message: "OrderStatusChanged" });
  });

  it("accepts an unknown event type in a well-formed envelope with one warning, naming the types it knows", () => {
    const result = validateWebhook("ivy", { ...paid(), type: "payout.settled" });
    expect(result).toMatchObject({ ok: true, provider: "ivy", message: undefined, unknownMessage: "payout.settled" });
    expect(result.warnings).toEqual([
      expect.objectContaining({ provider: "ivy", path: "/type", keyword: "discriminator", received: '"payout.settled"', inferred: true }),
    ]);
    // Every known type is named, so the reader sees at once what would have been accepted.
    expect(result.warnings[0]!.expected).toMatch(
      /^one of "test", "order_created", "order_updated", .*"user_payout\.initiated".*"mandate_revoked".*"payout\.created".*"fx\.failed"$/,
    );
    const strict = validateWebhook("ivy", { ...paid(), type: "payout.settled" }, { mode: "strict" });
    expect(strict.ok ? [] : strict.errors.map((e) => [e.path, e.keyword])).toEqual([["/type", "discriminator"]]);
  });

  it("takes no empty or missing name for an unknown message, and no type guard narrows to a status it does not know", () => {
    expect(validateWebhook("ivy", { ...paid(), type: "" }).ok).toBe(false);
    const added = issued();
    added.orderStatusTransitionModel.status = "AwaitingResources";
    expect(validateWebhook("amplia-reg", added)).toMatchObject({ ok: true, message: undefined, unknownMessage: "AwaitingResources" });
    expect(isOrderStatusChanged(added)).toBe(false);
    expect(isOrderStatusChanged(issued())).toBe(true);
  });

  it("checks an unknown message against what the provider's messages share, and rejects a broken envelope", () => {
    const body = { ...paid(), type: "payout.returned", date: "yesterday" } as Record<string, unknown>;
    delete body.id;
    const result = validateWebhook("ivy", body);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.keyword])).toEqual([
      ["/id", "required"],
      ["/date", "format"],
    ]);
    expect(result.warnings.map((w) => [w.path, w.keyword])).toEqual([["/type", "discriminator"]]);
    // Scalapay: a status it added since, with its four common keys, passes; without them it does not.
    const scalapay = { status: "partially_refunded", orderToken: "21KLT3YDWT", merchantReference: "A-1", totalAmount: 40.7, refundAmount: 10 };
    expect(validateWebhook("scalapay", scalapay)).toMatchObject({ ok: true, message: undefined, unknownMessage: "partially_refunded" });
    expect(validateWebhook("scalapay", { status: "partially_refunded" }).ok).toBe(false);
  });

  it("reports a missing discriminator as a missing field", () => {
    const body = paid();
    delete body.type;
    const result = validateWebhook("ivy", body);
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.keyword, e.received])).toEqual([["/type", "required", "nothing"]]);
  });

  it("rejects a body that is not a JSON object", () => {
    for (const body of [null, [], "text", 42]) {
      const result = validateWebhook("scalapay", body);
      expect(result.ok ? [] : result.errors.map((e) => [e.path, e.keyword, e.expected])).toEqual([["", "type", "type object"]]);
    }
  });

  it("throws on a provider it does not know", () => {
    expect(() => validateWebhook("stripe" as never, {})).toThrow(/unknown provider "stripe": expected one of amplia-reg, ivy, retorna, scalapay/);
    expect(isProviderName("stripe")).toBe(false);
    expect([...providerNames]).toEqual(["amplia-reg", "ivy", "retorna", "scalapay"]);
  });
});

describe("tolerant by default, strict on request", () => {
  it("turns an unknown field into a warning in tolerant mode and an error in strict mode", () => {
    const body = paid();
    body.payload.loyaltyPoints = 120;
    const tolerant = validateWebhook("ivy", body);
    expect(tolerant.ok).toBe(true);
    expect(tolerant.warnings.map((w) => [w.path, w.keyword])).toEqual([["/payload/loyaltyPoints", "additionalProperties"]]);
    const strict = validateWebhook("ivy", body, { mode: "strict" });
    expect(strict.ok).toBe(false);
    expect(strict.ok ? [] : strict.errors.map((e) => [e.path, e.keyword])).toEqual([["/payload/loyaltyPoints", "additionalProperties"]]);
  });

  it("warns on an unlisted value of an open list (a reason, a status), and errors on it in strict mode", () => {
    const body = paid();
    body.payload.statusHistoryList[2].reason = "BANK_CONFIRMED_LATE";
    const open = validateWebhook("ivy", body);
    expect(open.ok).toBe(true);
    expect(open.warnings).toEqual([
      expect.objectContaining({ path: "/payload/statusHistoryList/2/reason", keyword: "x-known-values", received: '"BANK_CONFIRMED_LATE"' }),
    ]);
    body.payload.status = "settled";
    const status = validateWebhook("ivy", body);
    expect(status.ok).toBe(true);
    expect(status.warnings.map((w) => [w.path, w.keyword])).toEqual([
      ["/payload/status", "x-known-values"],
      ["/payload/statusHistoryList/2/reason", "x-known-values"],
    ]);
    const strict = validateWebhook("ivy", body, { mode: "strict" });
    expect(strict.ok ? [] : strict.errors.map((e) => [e.path, e.keyword])).toEqual([
      ["/payload/status", "x-known-values"],
      ["/payload/statusHistoryList/2/reason", "x-known-values"],
    ]);
  });

  it("keeps wrong types, missing fields and bad formats as errors in tolerant mode, with warnings alongside", () => {
    const body = paid();
    body.payload.price.total = "129.90";
    delete body.payload.referenceId;
    body.payload.updatedAt = "2025-02-30T10:00:00Z";
    body.extra = true;
    const result = validateWebhook("ivy", body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.path, e.keyword]).sort()).toEqual(
      [
        ["/payload/price/total", "type"],
        ["/payload/referenceId", "required"],
        ["/payload/updatedAt", "format"],
      ].sort(),
    );
    expect(result.warnings.map((w) => w.path)).toEqual(["/extra"]);
  });

  it("says what was expected and what came, in words", () => {
    const body = issued();
    body.orderStatusTransitionModel.date = "2025-03-18T17:44:36.301203";
    const result = validateWebhook("amplia-reg", body);
    expect(result.ok ? undefined : result.errors[0]).toEqual({
      provider: "amplia-reg",
      messageName: "OrderStatusChanged",
      path: "/orderStatusTransitionModel/date",
      keyword: "format",
      expected: "an RFC 3339 date-time with an offset (e.g. 2025-03-18T15:26:11Z)",
      received: '"2025-03-18T17:44:36.301203"',
      message: 'expected an RFC 3339 date-time with an offset (e.g. 2025-03-18T15:26:11Z), received "2025-03-18T17:44:36.301203"',
    });
  });

  it("collapses a nullable field's alternatives to the branch the data was meant for", () => {
    const body = issued();
    delete body.orderStatusTransitionModel.validationAgent.identifier;
    body.orderStatusTransitionModel.confirmationAgent = 42;
    const result = validateWebhook("amplia-reg", body);
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.keyword, e.expected])).toEqual([
      ["/orderStatusTransitionModel/validationAgent/identifier", "required", 'property "identifier"'],
      ["/orderStatusTransitionModel/confirmationAgent", "type", "type object or null"],
    ]);
  });

  it("accepts birthDate without an offset but rejects 30 February", () => {
    const body = issued();
    body.orderStatusTransitionModel.validationAgent.birthDate = "1988-02-29T00:00:00";
    expect(validateWebhook("amplia-reg", body).ok).toBe(true);
    body.orderStatusTransitionModel.validationAgent.birthDate = "1986-02-29T00:00:00";
    const result = validateWebhook("amplia-reg", body);
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.keyword])).toEqual([["/orderStatusTransitionModel/validationAgent/birthDate", "format"]]);
  });
});

describe("per-provider entry points and type guards", () => {
  it("validates through the provider's own entry point", async () => {
    expect(validateIvyWebhook(paid()).ok).toBe(true);
    expect([...ivy.messageNames]).toEqual((await loadContracts()).find((p) => p.name === "ivy")!.messages.map((m) => m.name));
    expect(ivy.messageNames).toContain("user_payout.paid");
    expect(ivy.discriminator).toBe("/type");
    expect(validateScalapayWebhook(fixture("scalapay/charged/valid/docs-example.json"))).toMatchObject({ ok: true, message: "charged" });
    expect(Object.keys(validators)).toEqual([...providerNames]);
  });

  it("guards narrow only on a valid payload of that message", () => {
    const authorized = fixture("scalapay/authorized/valid/docs-example.json");
    expect(isOrderAuthorized(authorized)).toBe(true);
    expect(isOrderCreated(authorized)).toBe(false);
    expect(isOrderUpdatedEvent(paid())).toBe(true);
    expect(isOrderUpdatedEvent({ ...paid(), date: "yesterday" })).toBe(false);
    expect(isOrderStatusChanged(issued())).toBe(true);
  });

  it("validateMessage checks against a named message whatever the discriminator says", () => {
    const result = ivy.validateMessage("order_created", paid());
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.keyword])).toEqual([["/type", "const"]]);
  });

  it("works from CommonJS too", () => {
    const require = createRequire(import.meta.url);
    const cjs = require("@webhook-contracts/validators/scalapay") as typeof import("@webhook-contracts/validators/scalapay");
    expect(cjs.validateScalapayWebhook(fixture("scalapay/expired/valid/docs-example.json"))).toMatchObject({ ok: true, message: "expired" });
  });
});

describe("an entry point per part of a provider's messages (x-entry-points: Ivy's two APIs)", () => {
  const ivyContract = contracts.find((p) => p.name === "ivy")!;
  const parts = [
    { entry: ivyMerchantApi, part: ivyContract.entryPoints.find((e) => e.name === "merchant-api")! },
    { entry: ivyEventApi, part: ivyContract.entryPoints.find((e) => e.name === "event-api")! },
  ];

  it("splits Ivy's messages in two, every message in one part, and exports the same names for its own messages", () => {
    expect(parts.flatMap(({ part }) => part.messages).sort()).toEqual([...ivy.messageNames].sort());
    for (const { entry, part } of parts) {
      expect([...entry.ivy.messageNames], part.name).toEqual(part.messages);
      expect(entry.validateIvyWebhook, part.name).toBeTypeOf("function");
      const guards = Object.keys(entry).filter((k) => k.startsWith("is"));
      const own = ivyContract.messages.filter((m) => part.messages.includes(m.name)).map((m) => `is${m.typeName}`);
      expect(guards.sort(), part.name).toEqual(own.sort());
      // A lifecycle goes with the part its messages are in.
      expect(entry.ivy.lifecycles.map((l) => l.name).sort(), part.name).toEqual(
        ivy.lifecycles
          .filter((l) => l.messages.every((m) => part.messages.includes(m)))
          .map((l) => l.name)
          .sort(),
      );
    }
    expect(ivyEventApi.ivy.lifecycles.map((l) => l.name).sort()).toEqual(["conversion", "deposit", "payout", "return"]);
    expect(ivyMerchantApi.ivy.lifecycle?.title).toBe("Ivy order");
  });

  it("judges every fixture of a part's messages, valid or invalid, in both modes, as the provider's entry point does", () => {
    // An unknown type is named as the entry point knows it: a part lists its own types as those expected.
    const sameBut = (result: ReturnType<typeof ivy.validate>) => {
      const issues = (list: readonly ValidationIssue[]) =>
        list.map((i) => (i.keyword === "discriminator" ? { ...i, expected: "(types known)", message: "(types known)" } : i));
      return { ...result, warnings: issues(result.warnings), ...(result.ok ? {} : { errors: issues(result.errors) }) };
    };
    let judged = 0;
    for (const { entry, part } of parts) {
      for (const message of part.messages) {
        for (const kind of ["valid", "invalid"] as const) {
          for (const { text } of messageFixtures("ivy", message, kind)) {
            for (const mode of ["tolerant", "strict"] as const) {
              const own = entry.validateIvyWebhook(JSON.parse(text), { mode });
              expect(sameBut(own as ReturnType<typeof ivy.validate>), `${part.name} ${message}`).toEqual(sameBut(ivy.validate(JSON.parse(text), { mode })));
              judged++;
            }
          }
        }
      }
    }
    expect(judged).toBeGreaterThan(200);
  });

  it("takes a message of the other part as one it does not hold: checked against what all Ivy messages share, and told where it is checked whole", () => {
    const payout = fixture("ivy/payout.paid/valid/paid-sort-code-gbp.json");
    const tolerant = ivyMerchantApi.validateIvyWebhook(payout);
    expect(tolerant).toMatchObject({ ok: true, message: undefined, unknownMessage: "payout.paid" });
    expect(tolerant.warnings).toEqual([expect.objectContaining({ path: "/type", keyword: "discriminator", inferred: true })]);
    expect(tolerant.warnings[0]!.message).toContain("@webhook-contracts/validators/ivy/event-api");
    const strict = ivyMerchantApi.validateIvyWebhook(payout, { mode: "strict" });
    expect(strict.ok ? [] : strict.errors.map((e) => e.keyword)).toEqual(["discriminator"]);
    // Its envelope is still checked: a date that is none fails in either mode.
    const broken = ivyMerchantApi.validateIvyWebhook({ ...payout, date: "yesterday" });
    expect(broken.ok ? [] : broken.errors.map((e) => [e.path, e.keyword])).toEqual([["/date", "format"]]);
    // The other way round, and a name no part holds is unknown as before.
    expect(ivyEventApi.validateIvyWebhook(paid()).warnings[0]!.message).toContain("@webhook-contracts/validators/ivy/merchant-api");
    expect(ivyEventApi.validateIvyWebhook({ ...paid(), type: "payout.settled" }).warnings[0]!.message).toMatch(/^an unknown Ivy message/);
  });
});

describe("compiled at build time", () => {
  const dist = path.join(root, "packages/validators/dist");
  const bundles = ["esm", "cjs"].flatMap((d) =>
    readdirSync(path.join(dist, d), { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => path.join(f.parentPath, f.name)),
  );

  it("has one entry point per provider of the model and per part of its messages, each reached through the exports map, ESM and CommonJS", async () => {
    const providers = await loadContracts();
    const names = ["index", "lifecycles", "formats", ...providers.flatMap((p) => [p.name, ...p.entryPoints.map((e) => e.path)])];
    expect(names).toContain("ivy/event-api");
    expect(bundles.map((f) => path.relative(dist, f).split(path.sep).join("/")).sort()).toEqual(names.flatMap((n) => [`esm/${n}.js`, `cjs/${n}.cjs`]).sort());
    const require = createRequire(import.meta.url);
    for (const name of names.slice(3)) {
      const esm = (await import(`@webhook-contracts/validators/${name}`)) as Record<string, unknown>;
      expect(Object.keys(esm).sort(), name).toEqual(Object.keys(require(`@webhook-contracts/validators/${name}`) as object).sort());
      expect(esm, name).toHaveProperty(`validate${pascalCase(name.split("/")[0]!)}Webhook`);
    }
  });

  it("a provider's entry point carries the uri parser only when its schemas check a uri", () => {
    for (const contract of contracts) {
      const checksUri = readdirSync(path.join(root, "schemas", contract.name), { recursive: true })
        .filter((f) => String(f).endsWith(".json"))
        .some((f) => readFileSync(path.join(root, "schemas", contract.name, String(f)), "utf8").includes('"format": "uri"'));
      // The IP-literal expression of the uri parser (formats.ts).
      const code = readFileSync(path.join(dist, "esm", `${contract.name}.js`), "utf8");
      expect(code.includes("25[0-5]"), contract.name).toBe(checksUri);
    }
    expect(readFileSync(path.join(dist, "esm", "formats.js"), "utf8")).toContain("25[0-5]");
  });

  it("ships bundles that neither import Ajv nor compile code at run time", () => {
    for (const file of bundles) {
      const code = readFileSync(file, "utf8");
      expect(code, file).not.toMatch(/new Function|\beval\(/);
      // (Ajv's ucs2length helper carries its own require() as a string, for code generation; that is not a call.)
      expect(code, file).not.toMatch(/(?<!['"])require\(["']ajv|from ["']ajv/);
    }
  });
});

describe("a result for any JavaScript value, never an exception", () => {
  // Built as text: JSON.stringify itself overflows the stack on values this deep.
  const deep = (depth: number) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown;

  it("an unknown field holding an array nested 4,200 deep: a bounded warning in tolerant mode, an error in strict", () => {
    const body = { ...paid(), extra: deep(4200) };
    const tolerant = validateWebhook("ivy", body);
    expect(tolerant).toMatchObject({ ok: true, warnings: [{ path: "/extra", keyword: "additionalProperties" }] });
    expect(tolerant.warnings[0]!.received.length).toBeLessThanOrEqual(80);
    expect(validateWebhook("ivy", body, { mode: "strict" })).toMatchObject({ ok: false, errors: [{ path: "/extra" }] });
  });

  it("cycles, BigInt, functions and symbols", () => {
    const cyclic: Record<string, unknown> = { ...paid() };
    cyclic.self = cyclic;
    expect(validateWebhook("ivy", cyclic).warnings[0]).toMatchObject({ path: "/self", received: expect.stringMatching(/^\{"id":"a3c9f0e4.{60,}…$/) });
    const loop: unknown[] = [];
    loop.push(loop);
    expect(validateWebhook("ivy", { ...paid(), loop }).warnings[0]).toMatchObject({ path: "/loop", received: '["[Circular]"]' });
    const big = { ...paid(), payload: { ...paid().payload, price: { ...paid().payload.price, total: 10n } } };
    expect(validateWebhook("ivy", big)).toMatchObject({ ok: false, errors: [{ path: "/payload/price/total", keyword: "type", received: "10n" }] });
    expect(validateWebhook("scalapay", { status: "created", orderToken: () => 1, extra: Symbol("x") }).ok).toBe(false);
    expect(validateWebhook("ivy", 10n)).toMatchObject({ ok: false, errors: [{ keyword: "type", received: "10n" }] });
  });

  it("a property whose getter throws, a Proxy that refuses to be read", () => {
    const body = { ...paid() };
    Object.defineProperty(body, "payload", {
      enumerable: true,
      get: () => {
        throw new Error("no access");
      },
    });
    // Named by its discriminator, which could be read: the message it failed in is said.
    expect(validateWebhook("ivy", body)).toMatchObject({
      ok: false,
      message: "order_updated",
      errors: [{ keyword: "unreadable", messageName: "order_updated", received: '"Error: no access"' }],
    });
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("trap");
        },
        ownKeys: () => {
          throw new Error("trap");
        },
      },
    );
    expect(validateWebhook("ivy", hostile)).toMatchObject({ ok: false, errors: [{ keyword: "unreadable" }] });
    expect(ivy.deliveryKeyOf(hostile)).toBeUndefined();
  });

  it("a huge string and a hundred thousand unknown fields: the answer stays short", () => {
    const huge = validateWebhook("ivy", { ...paid(), id: "x".repeat(5_000_000), date: "y".repeat(5_000_000) });
    expect(JSON.stringify(huge).length).toBeLessThan(2000);
    const crowded: Record<string, unknown> = { ...paid() };
    for (let i = 0; i < 100_000; i++) crowded[`extra_${i}`] = i;
    const result = validateWebhook("ivy", crowded);
    expect(result.ok).toBe(true);
    expect(result.warnings).toHaveLength(101);
    expect(result.warnings[100]).toMatchObject({ keyword: "limit", message: expect.stringMatching(/^more than 100 problems/) });
  });
});

describe("what identifies a delivery", () => {
  it("a message may have its own key: a Scalapay refund is the whole payload (it carries no refund id)", () => {
    const refund = fixture("scalapay/refunded/valid/with-refund-amount.json");
    expect(validators.scalapay.deliveryKeyPointers("refunded")).toEqual([""]);
    expect(validators.scalapay.deliveryKeyPointers("charged")).toEqual(["/orderToken", "/status"]);
    const first = validators.scalapay.deliveryKeyOf(refund);
    expect(validators.scalapay.deliveryKeyOf({ ...refund, refundAmount: 10 })).not.toBe(first);
    expect(validators.scalapay.deliveryKeyOf(structuredClone(refund))).toBe(first);
    expect(validators.scalapay.deliveryKeyOf(fixture("scalapay/charged/valid/docs-example.json"))).toBe('["E1KLSVMATB","charged"]');
  });
});

describe("the generated switches agree with the tables they are written from", () => {
  it("every previousStatus -> status pair of known statuses (and null) is judged as the lifecycle table says", () => {
    const lifecycle = validators["amplia-reg"].lifecycle!;
    const statuses = Object.keys(lifecycle.successors);
    const previous = [null, ...statuses];
    let pairs = 0;
    for (const from of previous) {
      for (const to of statuses) {
        const body = issued();
        body.orderStatusTransitionModel.previousStatus = from;
        body.orderStatusTransitionModel.status = to;
        const listed = (from === null ? lifecycle.initial : (lifecycle.successors[from] ?? [])).includes(to);
        for (const mode of ["tolerant", "strict"] as const) {
          const result = validateWebhook("amplia-reg", body, { mode });
          const issues = [...(result.ok ? [] : result.errors), ...result.warnings].filter((i) => i.keyword === "transition");
          expect(issues.length === 0, `${String(from)} -> ${to} (${mode})`).toBe(listed);
        }
        pairs++;
      }
    }
    expect(pairs).toBe((statuses.length + 1) * statuses.length);
  });

  it("a valid delivery takes the generated shortcut and comes out as the general path gives it", () => {
    let checked = 0;
    for (const contract of contracts) {
      const v = validators[contract.name as keyof typeof validators];
      for (const m of contract.messages) {
        for (const { body } of messageFixtures(contract.name, m.name, "valid")) {
          const expected = { ok: true, provider: contract.name, message: m.name, value: body, warnings: [] };
          // validate() answers from the generated shortcut; a message's own validator from the runtime's check.
          for (const mode of ["tolerant", "strict"] as const) {
            const picked = v.validate(body, { mode });
            expect(picked).toEqual(expected);
            expect((picked as { value: unknown }).value).toBe(body);
            expect((v.messages as Record<string, { validate: (b: unknown, o: object) => unknown }>)[m.name]!.validate(body, { mode })).toEqual(expected);
          }
          // One unknown field: the shortcut declines, and the general path warns (tolerant) or fails (strict).
          const extended = { ...(body as object), addedByTheProvider: 1 };
          expect(v.validate(extended).warnings.map((w) => w.keyword)).toEqual(["additionalProperties"]);
          expect(v.validate(extended, { mode: "strict" }).ok).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("every discriminator value picks its message, and nothing else does", () => {
    for (const name of providerNames) {
      const v = validators[name];
      if (v.discriminator === undefined) continue;
      const contract = contracts.find((p) => p.name === name)!;
      for (const m of contract.messages) {
        for (const value of m.discriminatorValues) {
          const body = {} as Record<string, unknown>;
          const keys = v.discriminator.slice(1).split("/");
          let node = body;
          for (const key of keys.slice(0, -1)) node = (node[key] = {}) as Record<string, unknown>;
          node[keys.at(-1)!] = value;
          expect(v.messageOf(body), `${name} ${value}`).toBe(m.name);
          node[keys.at(-1)!] = `${value}-not`;
          expect(v.messageOf(body)).toBeUndefined();
          node[keys.at(-1)!] = 1;
          expect(v.messageOf(body)).toBeUndefined();
        }
      }
    }
  });
});
