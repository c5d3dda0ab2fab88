/**
 * The keywords the build compiles its own way for speed (fixed-shape patterns, code-point lengths) must
 * answer exactly as a RegExp and as Ajv's own keywords do: checked here on every pattern of the schemas,
 * on patterns made to be awkward, and on mutated strings (same seed every run).
 */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../tests/support/random.js";
import { createAjv } from "../../build/ajv-keywords.ts";
import { walkSchemas } from "@webhook-contracts/contracts/schemas";
import { loadSchemaFiles } from "@webhook-contracts/contracts";
import fc from "fast-check";
import { MAX_FIXED_LENGTH, parseFixedPattern, parseRunPattern, runPatternSource } from "../../build/fixed-pattern.ts";

const schemaPatterns: string[] = [];
for (const schema of (await loadSchemaFiles()).values()) {
  walkSchemas(schema, (node) => {
    if (typeof node.pattern === "string") schemaPatterns.push(node.pattern);
  });
}

const random = seededRandom(0xc0ffee);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
// ASCII edges of the classes (/, :, @, [, `, {), a digit and letters outside ASCII, a surrogate pair.
const alphabet = [..."09/:@AZ[`az{-_. \\^$]\t\n", "٣", "İ", "\u00e9", "😀", "\u212a"];

/** Strings near `base`: one to three characters removed, added or replaced. */
function mutations(base: string, count: number): string[] {
  const out = [base];
  for (let n = 0; n < count; n++) {
    const chars = [...base];
    for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
      const at = Math.floor(random() * (chars.length + 1));
      const op = Math.floor(random() * 3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, pick(alphabet));
      else chars[at] = pick(alphabet);
    }
    out.push(chars.join(""));
  }
  return out;
}

describe("parseFixedPattern", () => {
  it.each([
    ["^[0-9]{11}$", 11],
    ["^[0-9]{3}-[0-9]{3}-[0-9]{3}$", 11],
    ["^[A-Z]{3}$", 3],
    ["^\\d{4}\\.\\w$", 6],
    ["^[^a-z\\d]x$", 2],
  ])("takes %s as %i positions", (pattern, length) => expect(parseFixedPattern(pattern)).toHaveLength(length));

  it.each([
    "^-?[0-9]+\\.[0-9]{2}$", // optional and repeated parts: no fixed length
    "[0-9]{3}$", // not anchored at the start
    "^[0-9]{3}", // nor at the end
    "^(ab|cd)$",
    "^a.b$", // "." is every character but line terminators: left to the RegExp
    "^\\s$",
    "^[0-9]{2,3}$",
    "^é$", // not ASCII
    `^[0-9]{${MAX_FIXED_LENGTH + 1}}$`, // long enough for one RegExp call to be cheaper
    "^$",
    "^a$b$",
  ])("leaves %s to a regular expression", (pattern) => expect(parseFixedPattern(pattern)).toBeUndefined());
});

describe("parseRunPattern", () => {
  // Each with an alphabet that reaches its edges, for strings made at random and compared with the RegExp.
  const taken: [string, string][] = [
    ["^-?[0-9]+(\\.[0-9]+)?$", "-.019a"],
    ["^[0-9]+$", "09a/:"],
    ["^[a-z]*(-[a-z]+)?$", "az-A_"],
    ["^\\d{2}x?[A-F]+$", "09xAFG"],
    ["^(?:ab)?c*$", "abcd"],
    ["^[ab]{2}c+d?$", "abcde"],
  ];
  it.each(taken)("%s: one pass answers as the RegExp does", (pattern, chars) => {
    const parts = parseRunPattern(pattern);
    expect(parts).toBeDefined();
    const match = new Function(`return ${runPatternSource(parts!)}`)() as (s: string) => boolean;
    const regExp = new RegExp(pattern);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...chars), maxLength: 9 }), (s) => match(s) === regExp.test(s)),
      { numRuns: 3000, seed: 1 },
    );
  });

  it.each([
    "^a+a$", // the run could take what follows it: deciding needs going back
    "^[0-9]*[0-9]$",
    "^(ab)?a$", // the group starts with what may follow it
    "^(a+)?a$",
    "^[^a]+b$", // a negated class: its overlap is not worked out, so not taken
    "^a|b$",
    "^(a(b)?)?$", // nested groups
    "^a{2,3}$",
    "^[0-9]{11}$", // fixed: parseFixedPattern's
    "^a+", // not anchored at the end
  ])("leaves %s to a regular expression", (pattern) => expect(parseRunPattern(pattern)).toBeUndefined());
});

describe("pattern keyword", () => {
  const made = ["^[A-Za-z_]{2}-[^0-9]$", "^\\w\\d[\\.\\-x]$", "^[-a]{2}[a-]$", "^[\\d-z]$", "^\\$\\^\\\\\\[\\]$", "^[0-9]{16}$", "^ab$"];
  const patterns = [...new Set([...schemaPatterns, ...made])];

  it("has fixed-shape patterns among the schemas' own (the case it speeds up)", () => {
    expect(schemaPatterns.filter((p) => parseFixedPattern(p)).length).toBeGreaterThanOrEqual(3);
  });

  it.each(patterns)("%s: same answer as RegExp on mutated strings", (pattern) => {
    const validate = createAjv().compile({ type: "string", pattern });
    expect(validate.toString().includes(".test(")).toBe(parseFixedPattern(pattern) === undefined && parseRunPattern(pattern) === undefined);
    const regExp = new RegExp(pattern);
    // Strings that match, to mutate: made from each position's first accepted character.
    const positions = parseFixedPattern(pattern);
    const bases = positions
      ? [
          positions.map((p) => String.fromCharCode(p.negated ? 33 : p.ranges[p.ranges.length - 1]![1])).join(""),
          positions.map((p) => String.fromCharCode(p.negated ? 126 : p.ranges[0]![0])).join(""),
        ]
      : ["12.34", "-0.50", "BR", "USD", "16545693050"];
    const disagreements: string[] = [];
    for (const base of bases) {
      for (const s of mutations(base, 4000)) {
        if (validate(s) !== regExp.test(s)) disagreements.push(JSON.stringify(s));
      }
    }
    expect(bases.some((b) => regExp.test(b)) || positions === undefined).toBe(true);
    expect(disagreements).toEqual([]);
  });

  it("reports a mismatch as Ajv's own pattern keyword does", () => {
    const ours = createAjv().compile({ type: "string", pattern: "^[A-Z]{3}$" });
    const theirs = new Ajv({ allErrors: true, messages: false }).compile({ type: "string", pattern: "^[A-Z]{3}$" });
    expect(ours("usd")).toBe(false);
    theirs("usd");
    expect(ours.errors).toEqual(theirs.errors);
  });
});

describe("minLength and maxLength", () => {
  it("count code points exactly as Ajv does, on strings with and without surrogate pairs", () => {
    const strings = ["", "a", "ab", "😀", "a😀", "😀😀", "abcd", "😀😀😀", "a😀b😀", "\ud800", "\ud800a"];
    for (const base of ["ab😀cd", "😀😀😀😀😀", "abcdefg"]) strings.push(...mutations(base, 300));
    const disagreements: string[] = [];
    for (let min = 0; min <= 6; min++) {
      for (let max = min; max <= 7; max++) {
        const schema = { type: "string", minLength: min, maxLength: max };
        const ours = createAjv().compile(schema);
        const theirs = new Ajv({ allErrors: true, messages: false }).compile(schema);
        for (const s of strings) {
          ours(s);
          theirs(s);
          if (JSON.stringify(ours.errors ?? null) !== JSON.stringify(theirs.errors ?? null)) disagreements.push(`${min}-${max} ${JSON.stringify(s)}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});

const closed: string[][] = [];
for (const schema of (await loadSchemaFiles()).values()) {
  walkSchemas(schema, (node) => {
    if (node.additionalProperties === false && node.properties && !node.patternProperties) closed.push(Object.keys(node.properties as object));
  });
}

describe("additionalProperties: false", () => {
  const awkward = ["__proto__", "constructor", "toString", "hasOwnProperty", "", "0", "a.b", "😀"];

  /** Objects near `props`: some present, some left out, some set to undefined, extra keys added. */
  function objects(props: string[], count: number): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [{}, Object.fromEntries(props.map((p) => [p, 1]))];
    for (let n = 0; n < count; n++) {
      const value: Record<string, unknown> = {};
      for (const p of props) if (random() < 0.6) value[p] = random() < 0.1 ? undefined : n;
      for (let extra = Math.floor(random() * 3); extra > 0; extra--) {
        const key = random() < 0.5 ? pick(awkward) : `x${Math.floor(random() * 5)}`;
        Object.defineProperty(value, key, { value: n, enumerable: true, configurable: true, writable: true });
      }
      out.push(value);
    }
    return out;
  }

  it("has closed objects among the schemas' own (the case it speeds up)", () => {
    expect(closed.length).toBeGreaterThan(20);
  });

  it("names exactly the keys Ajv's own names, in the same order, on every closed object of the schemas and on awkward keys", () => {
    const disagreements: string[] = [];
    for (const props of [...closed, ["a"], [], ["a", "b", "c"]]) {
      const schema = { type: "object", properties: Object.fromEntries(props.map((p) => [p, {}])), additionalProperties: false };
      const ours = createAjv().compile(schema);
      const theirs = new Ajv({ allErrors: true, messages: false }).compile(schema);
      for (const value of objects(props, 40)) {
        ours(value);
        theirs(value);
        if (JSON.stringify(ours.errors ?? null) !== JSON.stringify(theirs.errors ?? null))
          disagreements.push(`${props.join(",")}: ${Object.keys(value).join(",")}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
