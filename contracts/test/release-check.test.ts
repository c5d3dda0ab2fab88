/** The bumps a contract change needs, and what is missing when the changesets give less. */
import { describe, expect, it } from "vitest";
import type { ContractChange } from "../src/diff.ts";
import { type DeclaredRelease, releaseProblems, requiredBumps } from "../src/release-check.ts";

const change = (c: Partial<ContractChange>): ContractChange => ({
  provider: "p",
  message: "m",
  pointer: "/a",
  change: "x",
  acceptance: "none",
  types: "none",
  ...c,
});
const T = "@webhook-contracts/types";
const V = "@webhook-contracts/validators";
const F = "@webhook-contracts/fixtures";
const S = "@webhook-contracts/schemas";
const D = "@webhook-contracts/docs";

describe("requiredBumps", () => {
  it.each<[string, ContractChange[], Record<string, string>]>([
    ["nothing changed", [], {}],
    [
      "a field removed",
      [change({ change: "field removed", acceptance: "rejects-more", types: "breaking" })],
      { [T]: "major", [V]: "major", [F]: "major", [S]: "major", [D]: "major" },
    ],
    [
      "a format added",
      [change({ change: "format added", acceptance: "rejects-more", types: "none" })],
      { [T]: "none", [V]: "major", [F]: "patch", [S]: "major", [D]: "major" },
    ],
    [
      "an optional field added",
      [change({ change: "optional field added", acceptance: "accepts-more", types: "compatible" })],
      { [T]: "minor", [V]: "minor", [F]: "minor", [S]: "minor", [D]: "minor" },
    ],
    [
      "a value added to a closed list",
      [change({ change: "value added", acceptance: "accepts-more", types: "breaking" })],
      { [T]: "major", [V]: "major", [F]: "major", [S]: "minor", [D]: "minor" },
    ],
    [
      "a pattern removed",
      [change({ change: "pattern removed", acceptance: "accepts-more", types: "none" })],
      { [T]: "none", [V]: "minor", [F]: "patch", [S]: "minor", [D]: "minor" },
    ],
    ["a description changed", [change({ change: "description changed" })], { [T]: "patch", [V]: "patch", [F]: "patch", [S]: "patch", [D]: "patch" }],
    [
      "an inferred rule added",
      [change({ change: "minLength added (inferred rule)" })],
      { [T]: "none", [V]: "patch", [F]: "patch", [S]: "patch", [D]: "patch" },
    ],
  ])("%s", (_label, changes, expected) => {
    expect(requiredBumps(changes)).toEqual(expected);
  });
});

describe("releaseProblems", () => {
  const breaking = [change({ change: "field removed", acceptance: "rejects-more", types: "breaking" })];
  it.each<[string, DeclaredRelease[], number]>([
    ["no changeset", [], 5],
    [
      "minor where major is needed",
      [
        { name: T, type: "minor" },
        { name: V, type: "major" },
        { name: F, type: "major" },
        { name: S, type: "major" },
        { name: D, type: "major" },
      ],
      1,
    ],
    [
      "every package major",
      [
        { name: T, type: "major" },
        { name: V, type: "major" },
        { name: F, type: "major" },
        { name: S, type: "major" },
        { name: D, type: "major" },
      ],
      0,
    ],
    [
      "the highest of several changesets counts",
      [
        { name: T, type: "patch" },
        { name: T, type: "major" },
        { name: V, type: "major" },
        { name: F, type: "major" },
        { name: S, type: "major" },
        { name: D, type: "major" },
      ],
      0,
    ],
  ])("%s", (_label, declared, count) => {
    expect(releaseProblems(breaking, declared)).toHaveLength(count);
  });

  it("names the package, the bump, the change that needs it and what the changesets give", () => {
    expect(
      releaseProblems(breaking, [
        { name: T, type: "minor" },
        { name: V, type: "major" },
        { name: F, type: "major" },
        { name: S, type: "major" },
        { name: D, type: "major" },
      ]),
    ).toEqual(["@webhook-contracts/types needs a major changeset (p m /a: field removed, rejects-more, types breaking); the changesets give minor"]);
  });
});
