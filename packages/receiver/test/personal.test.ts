/** Personal data in the drift report: a value of a field that may hold it is described, never shown. */
import { describe, expect, it } from "vitest";
import { described, isPersonalField } from "../src/core/personal.js";

describe("isPersonalField (contracts/src/personal.ts, generated)", () => {
  it.each([
    ["customerEmail", true],
    ["payerFinancialAddress", true],
    ["birthDate", true],
    ["iban", true],
    ["accountNumber", true],
    ["status", false],
    ["amount", false],
    ["referenceId", false],
  ])("%s: %s", (field, personal) => {
    expect(isPersonalField(field)).toBe(personal);
  });
});

describe("described", () => {
  it.each([
    ["email", "ana@example.com", "<redacted string of 15>"],
    ["name", "Zoë", "<redacted string of 3>"],
    ["phone", 5511987654321, "<redacted number>"],
    ["billingAddress", { line1: "Rua X 12" }, "<redacted object>"],
    ["accountNumbers", ["1"], "<redacted array>"],
    ["email", null, null],
    ["emailVerified", true, true],
    ["status", "paid", "paid"],
  ])("%s %j -> %j", (field, value, shown) => {
    expect(described(field, value)).toEqual(shown);
  });
});
