/**
 * The benchmark's inputs are what they claim to be: every case validates with our validators (both modes),
 * with Ajv compiled at run time from the same schemas, and (for the Ivy order) with the zod peer. A fast
 * correctness check; the timings themselves live in `pnpm bench`, not in the tests.
 */
import { benchCases } from "@webhook-contracts/bench/cases";
import { runtimeAjv, zodIvyOrderUpdated } from "@webhook-contracts/bench/peers";
import { loadContracts } from "@webhook-contracts/scripts/contracts";
import { validateWebhook } from "@webhook-contracts/validators";
import { expect, it } from "vitest";

const cases = await benchCases();
const contracts = await loadContracts();
const ajvFor = await runtimeAjv();

it("covers the Ivy order_updated fixture and each provider's largest fixture", () => {
  expect(cases[0]!.label).toBe("Ivy order_updated");
  expect(cases.map((c) => c.provider)).toEqual(["ivy", ...contracts.map((p) => p.name)]);
});

it.each(cases.map((c) => [c.label, c] as const))("%s validates with every validator measured", (_label, c) => {
  expect(validateWebhook(c.provider, JSON.parse(c.text), { mode: "strict" })).toMatchObject({ ok: true, message: c.message });
  expect(validateWebhook(c.provider, c.body)).toMatchObject({ ok: true, warnings: [] });
  const schemaId = contracts.find((p) => p.name === c.provider)!.messages.find((m) => m.name === c.message)!.schemaId;
  expect(ajvFor(schemaId)(JSON.parse(c.text))).toBe(true);
  if (c.provider === "ivy" && c.message === "order_updated") expect(zodIvyOrderUpdated.safeParse(JSON.parse(c.text)).success).toBe(true);
});

it("the peers reject what our validators reject", () => {
  const broken = JSON.parse(cases[0]!.text);
  broken.payload.updatedAt = "2025-02-30T10:00:00Z";
  expect(validateWebhook("ivy", broken).ok).toBe(false);
  expect(ajvFor("https://webhook-contracts.example/schemas/ivy/order-updated.schema.json")(broken)).toBe(false);
  broken.payload.updatedAt = "yesterday";
  expect(zodIvyOrderUpdated.safeParse(broken).success).toBe(false);
});
