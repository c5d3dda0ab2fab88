/** From bytes to JSON: what is refused and why, the nesting limit, and values read from the raw text. */
import { describe, expect, it } from "vitest";
import { decodeBody, rawValueAt } from "../src/index.js";
import { depthOver, valueAt } from "../src/core/body.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("the nesting limit", () => {
  it.each([
    ["flat", '{"a":1}', 2, -1],
    ["exactly the limit", nested(3), 3, -1],
    ["one past it, at the bracket that passes it", nested(4), 3, 3],
    ["brackets inside strings do not nest", `{"s":"${"[".repeat(10)}"}`, 2, -1],
    ["an escaped quote does not end a string", `{"s":"\\"[[[[[["}`, 2, -1],
    ["an escaped backslash does end it", `{"s":"\\\\",${'"t":'.concat(nested(3))}}`, 3, 16],
    ["many brackets, shallow: counted past the limit, then walked", `[${Array.from({ length: 40 }, () => "{}").join(",")}]`, 3, -1],
    ["deep after many shallow ones", `[${Array.from({ length: 40 }, () => "{}").join(",")},${nested(5)}]`, 3, 123],
  ])("%s", (_name, text, max, expected) => {
    expect(depthOver(text, max)).toBe(expected);
  });

  it("a 4,200-deep array in a body is refused as too deep, not parsed", () => {
    const result = decodeBody(bytes(`{"extra":${nested(4200)}}`));
    expect(result).toMatchObject({ ok: false, error: "too_deep", position: 72 });
  });
});

describe("decoding", () => {
  it.each([
    ["valid JSON", bytes('{"a":[1,2]}'), { ok: true, value: { a: [1, 2] } }],
    ["a byte order mark is ignored", new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]), { ok: true, text: '{"a":1}' }],
    [
      "Latin-1 is not UTF-8: refused with the byte",
      new Uint8Array([...bytes('{"a":"'), 0xe9, ...bytes('"}')]),
      { ok: false, error: "invalid_utf8", position: 6 },
    ],
    ["a truncated multi-byte character", new Uint8Array([...bytes('{"a":"'), 0xe2, 0x82]), { ok: false, error: "invalid_utf8", position: 6 }],
    ["malformed, with line and column", bytes('{\n  "a": 1,,\n}'), { ok: false, error: "malformed_json", line: 2, column: 10 }],
    ["a raw NUL inside a string", bytes('{"a":"\u0000"}'), { ok: false, error: "malformed_json" }],
  ])("%s", (_name, input, expected) => {
    expect(decodeBody(input)).toMatchObject(expected);
  });
});

describe("values read from the raw text", () => {
  const text = '{"id": 12345678901234567890, "o": {"k~/": "v", "n": [10, {"x": 1.50}]}, "id2": "a\\"b", "dup": 1, "dup": 2}';
  it.each([
    ["/id", "12345678901234567890"],
    ["/o/k~0~1", '"v"'],
    ["/o/n/1/x", "1.50"],
    ["/o/n/0", "10"],
    ["/id2", '"a\\"b"'],
    ["/dup", "2"],
    ["/missing", undefined],
    ["/o/n/9", undefined],
    ["/id/deeper", undefined],
  ])("%s", (pointer, expected) => {
    expect(rawValueAt(text, pointer)).toBe(expected);
  });

  it("the whole text for the root pointer; the parsed value agrees where numbers are safe", () => {
    expect(rawValueAt(text, "")).toBe(text);
    expect(valueAt(JSON.parse(text), "/o/n/1/x")).toBe(1.5);
    expect(JSON.parse(text).id).toBe(12345678901234567000);
  });
});
