/**
 * String formats: the same answers as ajv-formats' "full" mode where RFC 3339 and RFC 4122 agree with it,
 * and several times faster, because format checks are most of what validating a webhook costs. The build
 * compiles the schemas with these, and the generated validators call them.
 *
 * Deliberate differences from ajv-formats (stricter, as RFC 3339 §5.6 says): the date/time separator is
 * "T", "t" or a space (not any whitespace), an offset is "Z", "z" or "±hh:mm" (not "±hh" or "±hhmm"),
 * and the hour is 00-23 even in a leap second (ajv-formats takes 24:59:60+01:00). As the JSON Schema Test
 * Suite has it (test/json-schema-test-suite/, every string case of date-time, date, uuid, email and uri
 * passes): a uuid has no "urn:uuid:" prefix, and a uri's hier-part is never one "/" then an authority
 * ("http:/[::1]", "http://example.com:abc/path"), both of which ajv-formats accepts.
 * Deliberate differences from the suite: none (its date-time cases agree with the stricter separators
 * and offsets above).
 * The IP-literal and the rest of the uri grammar follow ajv-formats, whose regular expressions they replace.
 */

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// The shapes with every range a regular expression can say (month 01-12, day 01-31, hour 00-23, minute
// 00-59, second 00-60, offset hour 00-23 and minute 00-59), checked in one pass by V8's regular-expression
// engine, which costs about a third of a charCodeAt loop per character. What needs arithmetic (a day from
// 29 on, a second of 60) is rare, and only the strings that have one go on to it.
const DATE_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const ISO_DATE_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/;
const LOCAL_DATE_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?$/;
const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

/** The two digits at `i` as a number (the shape was checked already). */
const two = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/**
 * The date at the start of `s` exists (shape and ranges already checked). Days 01-28 exist in every
 * month, so only a day from 29 on is looked at.
 */
function validDate(s: string): boolean {
  const tens = s.charCodeAt(8);
  if (tens < 50 || (tens === 50 && s.charCodeAt(9) !== 57)) return true;
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS[month]!);
}

/**
 * A second of 60 (shape and ranges already checked) is a leap second, which is 23:59:60 UTC: with an
 * offset, the local time minus the offset must be 23:59.
 */
function validSecond(s: string): boolean {
  if (s.charCodeAt(17) !== 54) return true;
  const hour = two(s, 11);
  const minute = two(s, 14);
  const last = s.charCodeAt(s.length - 1);
  let offset = 0;
  if (s.length >= 25 && s.charCodeAt(s.length - 3) === 58 && last !== 90 && last !== 122) {
    const sign = s.charCodeAt(s.length - 6);
    if (sign === 43 || sign === 45) offset = (sign === 45 ? -1 : 1) * (two(s, s.length - 5) * 60 + two(s, s.length - 2));
  }
  return (((hour * 60 + minute - offset) % 1440) + 1440) % 1440 === 23 * 60 + 59;
}

/** RFC 3339 full-date: YYYY-MM-DD, a day that exists. */
export function date(s: string): boolean {
  return DATE.test(s) && validDate(s);
}

/** RFC 3339 date-time: a date that exists, a valid time, and an offset. */
export function dateTime(s: string): boolean {
  return DATE_TIME.test(s) && validDate(s) && validSecond(s);
}

/** ISO 8601 date-time as ajv-formats' iso-date-time: like date-time, but the offset may be absent. */
export function isoDateTime(s: string): boolean {
  return ISO_DATE_TIME.test(s) && validDate(s) && validSecond(s);
}

/**
 * A local date-time: YYYY-MM-DDThh:mm:ss[.fraction], a date that exists, and no offset (ours: .NET's
 * serialisation of a date with no time zone, as Amplia Reg sends birth dates).
 */
export function localDateTime(s: string): boolean {
  return LOCAL_DATE_TIME.test(s) && validDate(s) && validSecond(s);
}

/**
 * RFC 4122 (RFC 9562) UUID, any version, either case: 36 characters, a length and four dashes at their
 * places, then one scan for five runs of hex digits separated by exactly four dashes: twice as fast as
 * counting {8}-{4}-{4}-{4}-{12} in the pattern. No "urn:uuid:" prefix: that is the UUID's URN, not the
 * UUID (the JSON Schema Test Suite rejects it; ajv-formats accepts it).
 */
const HEX_RUNS = /^[0-9a-fA-F]+-[0-9a-fA-F]+-[0-9a-fA-F]+-[0-9a-fA-F]+-[0-9a-fA-F]+$/;
export function uuid(s: string): boolean {
  return s.length === 36 && s.charCodeAt(8) === 45 && s.charCodeAt(13) === 45 && s.charCodeAt(18) === 45 && s.charCodeAt(23) === 45 && HEX_RUNS.test(s);
}

/**
 * An email address as ajv-formats' full mode has it (the same expression): dot-separated atoms, "@", and
 * a domain of at least two labels of letters, digits and inner hyphens.
 */
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
export function email(s: string): boolean {
  return EMAIL.test(s);
}

/** A table of the ASCII code units that are in `chars` (pure: a bundle that checks no uri leaves it out). */
function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}

const HEX = /* @__PURE__ */ charTable("0123456789abcdefABCDEF");
const isDigit = (c: number) => c >= 48 && c <= 57;

// RFC 3986 character classes (both cases: the grammar is case-insensitive where it matters).
// unreserved / sub-delims
const UNRESERVED_SUB = /* @__PURE__ */ charTable("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=");
const SCHEME = /* @__PURE__ */ charTable("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
// IP-literal, as ajv-formats (and RFC 3986) have it: only met inside "[...]", so a regular expression is fine.
const IPV6 =
  /^((([0-9a-f]{1,4}:){7}([0-9a-f]{1,4}|:))|(([0-9a-f]{1,4}:){6}(:[0-9a-f]{1,4}|((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){5}(((:[0-9a-f]{1,4}){1,2})|:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){4}(((:[0-9a-f]{1,4}){1,3})|((:[0-9a-f]{1,4})?:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){3}(((:[0-9a-f]{1,4}){1,4})|((:[0-9a-f]{1,4}){0,2}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){2}(((:[0-9a-f]{1,4}){1,5})|((:[0-9a-f]{1,4}){0,3}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){1}(((:[0-9a-f]{1,4}){1,6})|((:[0-9a-f]{1,4}){0,4}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(:(((:[0-9a-f]{1,4}){1,7})|((:[0-9a-f]{1,4}){0,5}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))$/i;
const IP_FUTURE = /^[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+$/i;

/**
 * Whether s[from, to) consists of pchar (unreserved, pct-encoded, sub-delims, plus the characters of
 * `extra`) only.
 */
function chars(s: string, from: number, to: number, extra: string): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && UNRESERVED_SUB[c] === 1) continue;
    if (c === 37) {
      // "%" HEXDIG HEXDIG
      const h1 = s.charCodeAt(i + 1);
      const h2 = s.charCodeAt(i + 2);
      if (i + 2 >= to || h1 > 127 || h2 > 127 || HEX[h1] !== 1 || HEX[h2] !== 1) return false;
      i += 2;
      continue;
    }
    if (extra.indexOf(s[i]!) < 0) return false;
  }
  return true;
}

/** "//" or "/" then authority then path-abempty, over s[from, to). */
function authorityAndPath(s: string, from: number, to: number): boolean {
  let pathStart = s.indexOf("/", from);
  if (pathStart < 0 || pathStart > to) pathStart = to;
  if (!chars(s, pathStart, to, ":@/")) return false;
  let hostStart = from;
  const at = s.indexOf("@", from);
  if (at >= 0 && at < pathStart) {
    if (!chars(s, from, at, ":")) return false;
    hostStart = at + 1;
  }
  let portColon: number;
  if (s.charCodeAt(hostStart) === 91) {
    // "[" IP-literal "]"
    const close = s.indexOf("]", hostStart);
    if (close < 0 || close > pathStart) return false;
    const literal = s.slice(hostStart + 1, close);
    if (!IPV6.test(literal) && !IP_FUTURE.test(literal)) return false;
    portColon = close + 1;
    if (portColon < pathStart && s.charCodeAt(portColon) !== 58) return false;
  } else {
    portColon = s.indexOf(":", hostStart);
    if (portColon < 0 || portColon > pathStart) portColon = pathStart;
    if (!chars(s, hostStart, portColon, "")) return false;
  }
  for (let i = portColon + 1; i < pathStart; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/**
 * An absolute URI (RFC 3986), as ajv-formats' full mode has it: scheme ":" hier-part, then an optional
 * query and fragment; but hier-part as RFC 3986 has it: "//" authority path-abempty, path-absolute or
 * path-rootless. ajv-formats' expression also reads one "/" then an authority ("http:/[::1]", and
 * "http://example.com:abc/path" as an empty authority then a path), which the JSON Schema Test Suite rejects.
 */
export function uri(s: string): boolean {
  const first = s.charCodeAt(0);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false;
  let i = 1;
  while (i < s.length && s.charCodeAt(i) < 128 && SCHEME[s.charCodeAt(i)] === 1) i++;
  if (s.charCodeAt(i) !== 58) return false; // ":"
  i++;
  let end = i;
  while (end < s.length && s.charCodeAt(end) !== 63 && s.charCodeAt(end) !== 35) end++; // up to "?" or "#"
  let hier: boolean;
  if (s.charCodeAt(i) === 47) {
    hier =
      (s.charCodeAt(i + 1) === 47 && authorityAndPath(s, i + 2, end)) ||
      // path-absolute: "/" [ segment-nz *( "/" segment ) ]
      (s.charCodeAt(i + 1) !== 47 && chars(s, i + 1, end, ":@/"));
  } else {
    // path-rootless: segment-nz *( "/" segment )
    hier = end > i && chars(s, i, end, ":@/");
  }
  if (!hier) return false;
  if (end === s.length) return true;
  const hash = s.indexOf("#", end);
  if (s.charCodeAt(end) === 63 && !chars(s, end + 1, hash < 0 ? s.length : hash, ":@/?")) return false;
  return hash < 0 || chars(s, hash + 1, s.length, ":@/?");
}

/** Name to check, for Ajv (`addFormat`) and for the generated code (`code.formats`). */
/**
 * `json-object`: a string that holds a JSON object, for fields a provider documents as JSON text (Retorna's
 * paymentInstructions). Parsed only to be checked; the payload keeps the string.
 */
export function jsonObject(s: string): boolean {
  const first = s.trimStart().charCodeAt(0);
  if (first !== 123) return false; // "{": anything else is not an object, so no parse is needed
  try {
    const value: unknown = JSON.parse(s);
    return value !== null && typeof value === "object" && !Array.isArray(value);
  } catch {
    return false;
  }
}

export const formats: Readonly<Record<string, (s: string) => boolean>> = {
  date,
  "date-time": dateTime,
  "iso-date-time": isoDateTime,
  "local-date-time": localDateTime,
  uuid,
  email,
  uri,
  "json-object": jsonObject,
};
