/** Every fixture against the generated validators: valid ones pass strict mode, invalid ones fail as their .expected.json says. */
import { loadContracts } from "@webhook-contracts/contracts";
import { validateWebhook, type ProviderName } from "@webhook-contracts/validators";
import { describe, expect, it } from "vitest";
import { listFixtures } from "@webhook-contracts/contracts/fixtures";
import { redactPersonal } from "@webhook-contracts/contracts/redact";

const fixtures = listFixtures();
const contracts = await loadContracts();
const problems = (r: { errors?: { path: string; keyword: string }[]; warnings: { path: string; keyword: string }[] }, key: "errors" | "warnings") =>
  (r[key] ?? []).map(({ path, keyword }) => ({ path, keyword }));

describe("valid fixtures pass strict mode as their own message", () => {
  it.each(fixtures.filter((f) => f.kind === "valid").map((f) => [`${f.provider}/${f.message}/${f.name}`, f] as const))("%s", (_n, f) => {
    const result = validateWebhook(f.provider as ProviderName, f.body, { mode: "strict" });
    expect(problems(result, "errors")).toEqual([]);
    expect(result).toMatchObject({ ok: true, provider: f.provider, message: f.message, warnings: [] });
  });
});

describe("valid fixtures, redacted as drift --propose redacts them, still pass strict mode", () => {
  // The fakes keep each value's format (an email stays an email, a date a date, a pattern's digits and
  // letters where they were), so an observed fixture is as valid as the delivery it was made from.
  it.each(fixtures.filter((f) => f.kind === "valid").map((f) => [`${f.provider}/${f.message}/${f.name}`, f] as const))("%s", (_n, f) => {
    const result = validateWebhook(f.provider as ProviderName, redactPersonal(f.body), { mode: "strict" });
    expect(problems(result, "errors")).toEqual([]);
    expect(result).toMatchObject({ ok: true, message: f.message, warnings: [] });
  });
});

describe("invalid fixtures produce exactly their expected error", () => {
  it.each(fixtures.filter((f) => f.kind === "invalid").map((f) => [`${f.provider}/${f.message}/${f.name}`, f] as const))("%s", (_n, f) => {
    const expected = { path: f.expected!.path, keyword: f.expected!.keyword };
    const strict = validateWebhook(f.provider as ProviderName, f.body, { mode: "strict" });
    expect(strict.ok).toBe(false);
    expect(problems(strict, "errors")).toEqual([expected]);
    const tolerant = validateWebhook(f.provider as ProviderName, f.body);
    if (f.expected!.mode === "strict") {
      // Tolerant at the door: the same problem is only a warning.
      expect(tolerant.ok).toBe(true);
      expect(problems(tolerant, "warnings")).toEqual([expected]);
    } else {
      expect(problems(tolerant, "errors")).toEqual([expected]);
    }
  });
});

describe("the Ivy docs template", () => {
  // Its values are placeholders ("<string>", "<any>"), so only formats may fail: every field, type and
  // enum of the template must still fit the schema, which makes it a check of the schema's shape.
  it.each(fixtures.filter((f) => f.kind === "template").map((f) => [`${f.provider}/${f.message}/${f.name}`, f] as const))(
    "%s fails on formats only",
    (_n, f) => {
      const result = validateWebhook(f.provider as ProviderName, f.body, { mode: "strict" });
      expect(result.ok).toBe(false);
      const keywords = new Set(problems(result, "errors").map((e) => e.keyword));
      expect([...keywords]).toEqual(["format"]);
    },
  );
});

describe("fixture coverage", () => {
  it("every message has at least one valid and three invalid fixtures", () => {
    for (const provider of contracts) {
      for (const message of provider.messages) {
        const mine = fixtures.filter((f) => f.provider === provider.name && f.message === message.name);
        expect.soft(mine.filter((f) => f.kind === "valid").length, `${provider.name}/${message.name} valid`).toBeGreaterThanOrEqual(1);
        expect.soft(mine.filter((f) => f.kind === "invalid").length, `${provider.name}/${message.name} invalid`).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it("every fixture folder is a message of asyncapi.yaml", () => {
    const known = new Set(contracts.flatMap((p) => p.messages.map((m) => `${p.name}/${m.name}`)));
    for (const f of fixtures) expect(known, f.file).toContain(`${f.provider}/${f.message}`);
  });

  it("keeps all nine Amplia Reg examples of each docs language", () => {
    const amplia = fixtures.filter((f) => f.provider === "amplia-reg" && f.kind === "valid");
    expect(amplia.filter((f) => f.name.endsWith(".en")).length).toBe(9);
    expect(amplia.filter((f) => f.name.endsWith(".pt-BR")).length).toBe(9);
    const statuses = new Set(amplia.map((f) => (f.body as { orderStatusTransitionModel: { status: string } }).orderStatusTransitionModel.status));
    expect(statuses.size).toBe(9);
  });
});
