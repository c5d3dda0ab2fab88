/**
 * Redacted fixtures: each personal value replaced by Faker's fake of the same format, seeded from the
 * value (the same value, the same fake), the rest kept. That the fakes keep every fixture valid against
 * its schema is checked in tests/fixtures.test.ts, with the built validators.
 */
import { describe, expect, it } from "vitest";
import { fakeInteger, fakeString, redactPersonal } from "../src/redact.ts";

describe("fakeString", () => {
  it.each([
    // field, value, fake
    ["email", "ana.lima@example.com", "niko_von@example.org"],
    ["phone", "+55 11 98765-4321", "+66 69 63271-8094"],
    ["documentNumber", "123.456.789-09", "148.604.595-00"],
    ["iban", "DE89 3704 0044 0532 0130 00", "TP06 6296 6164 3156 4475 76"],
    ["accountNumber", "0012345-6", "1501536-4"],
    ["street", "Rua X #12", "Hbi H #12"],
    ["name", "Zoë Müller", "Jeannette Kilback"],
    ["firstName", "Ana", "Blaise"],
    ["lastName", "LIMA", "BLANDA"],
    ["name", "Shop 12", "Xzxq 26"],
    ["birthDate", "1986-02-28", "1986-07-02"],
    ["birthDate", "1986-02-28T10:00:00Z", "1986-06-21T10:00:00Z"],
    ["accountId", "0b8e1f52-4b8e-4b8e-8b8e-0b8e1f524b8e", "1f3719d9-ec17-4ad6-bc7a-3118fd187621"],
    ["accountId", "0B8E1F52-4B8E-4B8E-8B8E-0B8E1F524B8E", "83323430-CD4F-4F02-9D29-A30DCF0ECACC"],
    ["email", "", ""],
  ])("%s %j -> %j", (field, value, fake) => {
    expect(fakeString(field, value)).toBe(fake);
    expect(fakeString(field, value)).toBe(fake); // the same every time
  });

  it("keeps the form of what it does not recognise: digits, letters of the same case, the rest", () => {
    for (const value of ["AB-12.cd/ef 9", "0000", "x?y#z*1"]) {
      const fake = fakeString("documentNumber", value);
      const form = (s: string) => s.replace(/\d/g, "9").replace(/[a-z]/g, "a").replace(/[A-Z]/g, "A");
      expect(form(fake)).toBe(form(value));
    }
  });
});

describe("fakeInteger", () => {
  it.each([
    [5511987654321, 9873640330754],
    [-42, -27],
    [0, 4],
  ])("%d -> %d (as many digits)", (value, fake) => {
    expect(fakeInteger(value)).toBe(fake);
  });
});

describe("redactPersonal", () => {
  it("replaces what personal fields hold, at any depth, keeps what says which kind of thing it is, and the rest", () => {
    const body = {
      id: "evt_1",
      amount: 12.5,
      customer: { name: "Ana Lima", email: "ana@x.io", phone: 5511987654321, tags: ["vip"], verified: true },
      billingAddress: { line1: "Rua X 12", country: "BR", lines: ["apto 3"] },
      accountNumber: "0012345-6",
      status: "paid",
    };
    expect(redactPersonal(body)).toEqual({
      id: "evt_1",
      amount: 12.5,
      customer: { name: "Dominic Schulist", email: "laisha48@example.com", phone: 9873640330754, tags: ["vip"], verified: true },
      billingAddress: { line1: "Gcc B 41", country: "BR", lines: ["okdc 6"] },
      accountNumber: "1501536-4",
      status: "paid",
    });
    // The same value, the same fake, wherever it is.
    expect(redactPersonal({ payer: { email: "ana@x.io" }, receiptEmail: "ana@x.io" })).toEqual({
      payer: { email: "laisha48@example.com" },
      receiptEmail: "laisha48@example.com",
    });
  });
});
