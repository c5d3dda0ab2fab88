/**
 * The hand-written format checks: edge cases by name, and a differential test against ajv-formats' full
 * mode on a few hundred thousand mutated strings (same seed every run), where only the documented
 * differences (stricter RFC 3339 separators and offsets) may show.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../tests/support/random.js";
import { date, dateTime, email, formats, isoDateTime, jsonObject, localDateTime, uri, uuid } from "../src/formats.js";

const require = createRequire(import.meta.url);
const ajvFull = (require("ajv-formats/dist/formats") as { fullFormats: Record<string, unknown> }).fullFormats;
function reference(name: string, s: string): boolean {
  const f = ajvFull[name] as ((s: string) => boolean) | RegExp | { validate: ((s: string) => boolean) | RegExp };
  const check = typeof f === "function" || f instanceof RegExp ? f : f.validate;
  return typeof check === "function" ? check(s) : check.test(s);
}

describe("json-object (a string holding a JSON object)", () => {
  it.each([
    ['{"bank_name":"Banco de Venezuela","phone_number":"04141234567"}', true],
    [' {"a": [1, 2]} ', true],
    ["{}", true],
    ['{"bank_name":"Banco"', false],
    ["{'bank_name':'Banco'}", false],
    ["[]", false],
    ["null", false],
    ['"{}"', false],
    ["", false],
    ["{} {}", false],
  ])("%j -> %s", (input, valid) => {
    expect(jsonObject(input)).toBe(valid);
    expect(formats["json-object"]!(input)).toBe(valid);
  });
});

describe("date-time (RFC 3339)", () => {
  it.each([
    ["2025-03-18T15:26:11.704304+00:00", true],
    ["2025-03-18T15:26:11Z", true],
    ["2025-03-18t15:26:11z", true],
    ["2025-03-18 15:26:11Z", true],
    ["2024-02-29T00:00:00Z", true],
    ["2023-02-29T00:00:00Z", false],
    ["2000-02-29T00:00:00Z", true],
    ["1900-02-29T00:00:00Z", false],
    ["2024-02-30T10:00:00Z", false],
    ["2024-04-31T10:00:00Z", false],
    ["2024-13-01T10:00:00Z", false],
    ["2024-00-10T10:00:00Z", false],
    ["2025-03-18T15:26:11", false],
    ["2025-03-18T24:00:00Z", false],
    ["2025-03-18T23:60:00Z", false],
    ["1990-12-31T23:59:60Z", true],
    ["1990-12-31T15:59:60-08:00", true],
    ["1990-12-31T23:59:60+01:00", false],
    ["2025-03-18T15:26:11.Z", false],
    ["2025-03-18T15:26:11+0100", false],
    ["2025-03-18T15:26:11+01", false],
    ["2025-03-18T15:26:11+24:00", false],
    ["2025-03-18\t15:26:11Z", false],
    ["２０２５-03-18T15:26:11Z", false],
  ])("%s -> %s", (s, valid) => expect(dateTime(s)).toBe(valid));
});

describe("local-date-time, iso-date-time, date", () => {
  it("takes a local date-time only without an offset", () => {
    expect(localDateTime("1988-04-01T00:00:00")).toBe(true);
    expect(localDateTime("1988-04-01T00:00:00.5")).toBe(true);
    expect(localDateTime("1988-02-29T00:00:00")).toBe(true);
    expect(localDateTime("1986-02-29T00:00:00")).toBe(false);
    expect(localDateTime("1988-04-01T00:00:00Z")).toBe(false);
    expect(localDateTime("1988-04-01T00:00:00+00:00")).toBe(false);
    expect(localDateTime("1988-04-01 00:00:00")).toBe(false);
  });
  it("takes an ISO date-time with or without an offset", () => {
    expect(isoDateTime("1988-04-01T00:00:00")).toBe(true);
    expect(isoDateTime("1988-04-01T00:00:00+02:00")).toBe(true);
    expect(isoDateTime("1988-04-31T00:00:00")).toBe(false);
  });
  it("takes a full date", () => {
    expect(date("2024-02-29")).toBe(true);
    expect(date("2100-02-29")).toBe(false);
    expect(date("2024-2-29")).toBe(false);
  });
});

describe("email, uuid, uri", () => {
  it.each([
    ["lena.hoffmann@example.com", true],
    ["a+b@sub.example.co", true],
    ["o'brien@example.ie", true],
    ["[email protected]", false],
    ["lena.hoffmann(at)example.com", false],
    ["a..b@example.com", false],
    [".a@example.com", false],
    ["a@example", false],
    ["a@-example.com", false],
    ["a@example-.com", false],
    ["a@b@example.com", false],
    ["ä@example.com", false],
  ])("email %s -> %s", (s, valid) => expect(email(s)).toBe(valid));

  it("takes a UUID of any version, either case, optionally as a URN", () => {
    expect(uuid("0195a9dc-c0f0-4f5c-83d3-bf562ae98ed9")).toBe(true);
    expect(uuid("0195A9DC-C0F0-4F5C-83D3-BF562AE98ED9")).toBe(true);
    // The UUID's URN is not the UUID (the JSON Schema Test Suite's answer; ajv-formats accepts it).
    expect(uuid("urn:uuid:0195a9dc-c0f0-4f5c-83d3-bf562ae98ed9")).toBe(false);
    expect(uuid("0195a9dc-c0f0-4f5c-83d3-bf562ae98ed")).toBe(false);
    expect(uuid("0195a9dcc0f04f5c83d3bf562ae98ed9")).toBe(false);
    expect(uuid("0195a9dc-c0f0-4f5c-83d3-bf562ae98edg")).toBe(false);
  });

  it("takes an absolute URI", () => {
    expect(uri("https://staging.portal.scalapay.com/success-url")).toBe(true);
    expect(uri("http://user:pw@[::1]:8080/p?q=1#f")).toBe(true);
    expect(uri("mailto:a@b.c")).toBe(true);
    expect(uri("/success-url")).toBe(false);
    expect(uri("https://exa mple.com")).toBe(false);
    expect(uri("https://example.com/%zz")).toBe(false);
    expect(uri("file:///etc/hosts")).toBe(true);
    // One "/" then an authority is no RFC 3986 hier-part (the suite's answer; ajv-formats accepts both).
    expect(uri("http:/[::1]")).toBe(false);
    expect(uri("http://example.com:abc/path")).toBe(false);
  });
});

describe("agreement with ajv-formats' full mode", () => {
  const random = seededRandom(0x5eed);
  const seeds: Record<string, string[]> = {
    "date-time": ["2025-03-18T15:26:11.704304+00:00", "2024-02-29T00:00:00Z", "1990-12-31T23:59:60Z", "2025-01-01t10:00:00z"],
    "iso-date-time": ["1988-04-01T00:00:00", "2024-02-29T00:00:00.5", "2025-03-18T15:26:11+01:00"],
    date: ["2024-02-29", "2023-12-31"],
    uuid: ["0195a9dc-c0f0-4f5c-83d3-bf562ae98ed9", "urn:uuid:0195A9DC-C0F0-4F5C-83D3-BF562AE98ED9"],
    email: ["lena.hoffmann@example.com", "a+b@sub.example.co"],
    uri: ["https://staging.portal.scalapay.com/success-url", "http://user:pw@[::1]:8080/p?q=1#f", "mailto:a@b.c", "https://x.y/a?b=c&d=%2F#frag/x?y"],
  };
  const alphabet = "0123456789-:+.TtZz @_/%?#[]ab\t";
  // RFC 3339 §5.6 is stricter than ajv-formats: "T", "t" or " " only, and offsets as ±hh:mm. As the JSON
  // Schema Test Suite has it: a uuid has no "urn:uuid:" prefix, and a uri's hier-part is no single "/"
  // then an authority (what ajv-formats reads so is a uri of ours with "//" there).
  const documented = (name: string, s: string, ours: boolean) =>
    ((name === "date-time" || name === "iso-date-time") && !ours && (/\s/.test(s.slice(10, 11)) || /[+-]\d\d(\d\d)?$/.test(s))) ||
    (name === "uuid" && !ours && /^urn:uuid:/i.test(s)) ||
    (name === "uri" && !ours && /^[a-z][a-z0-9+.-]*:\//i.test(s) && uri(s.replace(/^([a-z][a-z0-9+.-]*:)\//i, "$1//")));

  // Every day 00-32 of every month 00-13 in leap, century and common years, and every edge of every time
  // field and offset: the ranges said in the regular expressions must agree with ajv-formats' arithmetic.
  it("every calendar and clock edge", () => {
    const pad = (n: number) => String(n).padStart(2, "0");
    const differences: string[] = [];
    const check = (name: string, s: string) => {
      const ours = formats[name]!(s);
      // ajv-formats' leap-second arithmetic lets hour 24 through when the offset brings it to 23:59 UTC
      // (24:59:00+01:00); RFC 3339's time-hour is 00-23, and ours says no.
      const documented = !ours && s.slice(11, 13) === "24";
      if (ours !== reference(name, s) && !documented) differences.push(`${name} ${s}`);
    };
    for (const year of ["1900", "2000", "2023", "2024", "0000", "9999"]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const d = `${year}-${pad(month)}-${pad(day)}`;
          check("date", d);
          check("date-time", `${d}T12:00:00Z`);
          check("iso-date-time", `${d}T12:00:00`);
        }
      }
    }
    for (let hour = 0; hour <= 25; hour++) {
      for (const minute of [0, 1, 9, 10, 59, 60, 99]) {
        for (const second of [0, 9, 59, 60, 61, 99]) {
          for (const offset of ["Z", "z", "+00:00", "-00:00", "+01:00", "-08:00", "+23:59", "-23:59", "+24:00", "+01:60", ".5Z", ".123456-01:00"]) {
            check("date-time", `1990-12-31T${pad(hour)}:${pad(minute)}:${pad(second)}${offset}`);
          }
          check("iso-date-time", `1990-12-31T${pad(hour)}:${pad(minute)}:${pad(second)}`);
        }
      }
    }
    expect(differences).toEqual([]);
    expect(dateTime("1990-12-31T24:59:00+01:00")).toBe(false);
    expect(reference("date-time", "1990-12-31T24:59:00+01:00")).toBe(true);
  });

  it.each(Object.keys(seeds))("%s", (name) => {
    const differences: string[] = [];
    for (const base of seeds[name]!) {
      for (let n = 0; n < 15000; n++) {
        const chars = base.split("");
        for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
          const at = Math.floor(random() * (chars.length + 1));
          const c = alphabet[Math.floor(random() * alphabet.length)]!;
          const op = Math.floor(random() * 3);
          if (op === 0) chars.splice(at, 1);
          else if (op === 1) chars.splice(at, 0, c);
          else chars[at] = c;
        }
        const s = n === 0 ? base : chars.join("");
        const ours = formats[name]!(s);
        if (ours !== reference(name, s) && !documented(name, s, ours)) differences.push(JSON.stringify(s));
      }
    }
    expect(differences).toEqual([]);
  });
});
