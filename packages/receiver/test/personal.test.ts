/** Redacted fixtures: personal fields replaced by deterministic fakes of the same form, the rest kept. */
import { describe, expect, it } from "vitest";
import { fake, redactPersonal as redact } from "../src/core/personal.js";

describe("fake", () => {
  it.each([["ana.lima@example.com"], ["+55 11 98765-4321"], ["123.456.789-09"], ["DE89 3704 0044 0532 0130 00"], ["Zoë Müller"]])(
    "%s keeps its form",
    (value) => {
      const f = fake(value);
      expect(f).not.toBe(value);
      expect(f).toBe(fake(value)); // deterministic
      expect([...f].length).toBe([...value].length);
      expect(f.replace(/[0-9]/g, "9").replace(/[a-z]/g, "a").replace(/[A-Z]/g, "A")).toBe(
        value
          .replace(/[0-9]/g, "9")
          .replace(/[a-zäöüë]/g, "a")
          .replace(/[A-Z]/g, "A")
          .replace(/[äöüë]/g, "a"),
      );
      expect(f.match(/[@.+\- ]/g)).toEqual(value.match(/[@.+\- ]/g));
    },
  );
});

describe("redact", () => {
  it("replaces what personal fields hold, at any depth, and keeps everything else", () => {
    const body = {
      id: "evt_1",
      amount: 12.5,
      customer: { name: "Ana Lima", email: "ana@x.io", phone: 5511987654321, tags: ["vip"] },
      accountNumber: "0012345-6",
      status: "paid",
    };
    const r = redact(body) as typeof body;
    expect(r).toMatchObject({ id: "evt_1", amount: 12.5, status: "paid" });
    expect(r.customer.name).not.toBe("Ana Lima");
    expect(r.customer.email).toMatch(/^[a-z]{3}@[a-z]\.[a-z]{2}$/);
    expect(String(r.customer.phone)).toMatch(/^\d{13}$/);
    expect(r.customer.tags).toEqual(["vip"]);
    // Under a personal field, every value is faked.
    expect(redact({ billingAddress: { line1: "Rua X 12", tags: ["home"] } })).toEqual({
      billingAddress: { line1: expect.stringMatching(/^[A-Z][a-z]{2} [A-Z] \d{2}$/), tags: [expect.not.stringMatching(/^home$/)] },
    });
    expect(r.accountNumber).toMatch(/^\d{7}-\d$/);
    expect(redact(body)).toEqual(r);
    // What says which kind of thing it is stays; a date stays a valid date of the same year.
    const address = redact({ payerFinancialAddress: { type: "iban", country: "DE", iban: "DE89370400440532013000" }, birthDate: "1986-02-28" }) as Record<
      string,
      Record<string, string>
    >;
    expect(address.payerFinancialAddress).toMatchObject({ type: "iban", country: "DE", iban: expect.stringMatching(/^[A-Z]{2}\d{20}$/) });
    expect(address.birthDate).toMatch(/^1986-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])$/);
  });
});
