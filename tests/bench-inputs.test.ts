/**
 * The benchmark's inputs are what they claim to be: every case validates with our validators (both modes),
 * with Ajv compiled at run time from the same schemas, and (Amplia Reg) with the hand-written floor. A fast
 * correctness check; the timings themselves live in `pnpm bench`, not in the tests.
 */
import { benchCases, entryPointCases } from "@webhook-contracts/bench/cases";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { handWrittenAmpliaOrderStatusChanged } from "@webhook-contracts/bench/peers";
import { syntheticProject } from "@webhook-contracts/bench/measure";
import { brokenPayloads, formatsLacking, strictAjv } from "@webhook-contracts/bench/schema-peers";
import { loadContracts, repoRoot } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import { validateWebhook } from "@webhook-contracts/validators";
import { expect, it } from "vitest";

const cases = await benchCases();
const contracts = await loadContracts();

it("covers the Ivy order_updated fixture and each provider's largest fixture", () => {
  expect(cases[0]!.label).toBe("Ivy order_updated");
  expect(cases.map((c) => c.provider)).toEqual(["ivy", ...contracts.map((p) => p.name)]);
});

it("times a cold start of every entry point, each on a payload of its own messages that it validates whole", async () => {
  const entries = await entryPointCases(cases);
  expect(entries.map((e) => e.entry)).toEqual(contracts.flatMap((p) => [p.name, ...p.entryPoints.map((e) => e.path)]));
  expect(entries.find((e) => e.entry === "ivy")!.parts).toEqual(["ivy/merchant-api", "ivy/event-api"]);
  for (const { entry, case: c } of entries) {
    const module = (await import(`@webhook-contracts/validators/${entry}`)) as Record<string, (body: unknown) => { ok: boolean; message?: string }>;
    const validate = Object.entries(module).find(([name]) => /^validate\w+Webhook$/.test(name))![1];
    expect(validate(JSON.parse(c.text)), entry).toMatchObject({ ok: true, message: c.message });
  }
});

it.each(cases.map((c) => [c.label, c] as const))("%s validates with every validator measured", (_label, c) => {
  expect(validateWebhook(c.provider, JSON.parse(c.text), { mode: "strict" })).toMatchObject({ ok: true, message: c.message });
  expect(validateWebhook(c.provider, c.body)).toMatchObject({ ok: true, warnings: [] });
  expect(strictAjv(c)(JSON.parse(c.text))).toBe(true);
  if (c.provider === "amplia-reg") expect(handWrittenAmpliaOrderStatusChanged(c.body)).toBe(true);
});

it("the hand-written Amplia Reg floor accepts and rejects what our strict validator does", () => {
  const bodies = (["valid", "invalid"] as const).flatMap((kind) =>
    messageFixtures("amplia-reg", "OrderStatusChanged", kind).map((f) => f.body as { orderStatusTransitionModel: Record<string, unknown> }),
  );
  // And an illegal transition, which only the lifecycle check catches.
  const jump = structuredClone(bodies[0]!);
  jump.orderStatusTransitionModel.previousStatus = "Issued";
  bodies.push(jump);
  for (const body of bodies) expect(handWrittenAmpliaOrderStatusChanged(body)).toBe(validateWebhook("amplia-reg", body, { mode: "strict" }).ok);
  expect(bodies.filter((b) => !handWrittenAmpliaOrderStatusChanged(b)).length).toBeGreaterThanOrEqual(9);
});

it("the peers reject what our validators reject", () => {
  const broken = JSON.parse(cases[0]!.text);
  broken.payload.updatedAt = "2025-02-30T10:00:00Z";
  expect(validateWebhook("ivy", broken).ok).toBe(false);
  expect(strictAjv(cases[0]!)(broken)).toBe(false);
});

it("the peers check formats with their own checks, and with ours only for formats they have none for", () => {
  const amplia = cases.find((c) => c.provider === "amplia-reg")!;
  // "+0000" for "+00:00": ajv-formats takes it, RFC 3339 (and ours) does not.
  const offset = structuredClone(amplia.body) as { orderStatusTransitionModel: { date: string } };
  offset.orderStatusTransitionModel.date = offset.orderStatusTransitionModel.date.replace(/[+-]\d{2}:\d{2}$|Z$/, "+0000");
  expect(strictAjv(amplia)(offset)).toBe(true);
  expect(strictAjv(amplia, { ours: true })(offset)).toBe(false);
  expect(validateWebhook("amplia-reg", offset).ok).toBe(false);
  // Amplia Reg's birth dates have no offset: no peer has a format for that, so each is given ours.
  expect(Object.keys(formatsLacking((name) => ["date", "date-time", "uuid", "email", "uri"].includes(name))).sort()).toEqual([
    "iso-date-time",
    "json-object",
    "local-date-time",
  ]);
});

it.each(cases.map((c) => [c.label, c] as const))("%s: every broken payload of the peers' table is rejected by our strict validator and by Ajv", (_label, c) => {
  const broken = brokenPayloads(c);
  // At least a wrong type, a missing field, a closed list's unknown value, an off-pattern string and an unknown property.
  expect(broken.length).toBeGreaterThanOrEqual(5);
  const ajvValidate = strictAjv(c);
  expect(ajvValidate(c.body)).toBe(true);
  for (const b of broken) {
    expect(validateWebhook(c.provider, b.body, { mode: "strict" }).ok, b.label).toBe(false);
    expect(ajvValidate(b.body), b.label).toBe(false);
  }
});

it("the synthetic project of the code-generation benchmark is a contract the generators build", () => {
  const root = syntheticProject(3);
  try {
    for (const generator of ["packages/types/build/generate-types.ts", "packages/validators/build/generate-validators.ts"]) {
      const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, generator)], {
        env: { ...process.env, WEBHOOK_CONTRACTS_ROOT: root },
        encoding: "utf8",
      });
      expect(result.stderr, generator).toBe("");
      expect(result.status, generator).toBe(0);
    }
    expect(readFileSync(path.join(root, "packages/types/dist/synthetic.d.ts"), "utf8")).toContain("export interface SyntheticPayloads");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
