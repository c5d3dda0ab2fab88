/**
 * Personal data in payloads: which fields may hold it (by their names), how a value of one is shown in a
 * report (described, never shown), and how a body becomes a fixture that can be committed (each such value
 * replaced by a deterministic fake of the same form). One definition for the drift report and the
 * fixtures `drift --propose` writes.
 */

/** Field names whose values may identify a person or an account. */
const PERSONAL = /name|mail|phone|document|doc_?number|cpf|cnpj|iban|account|card|address|birth|tax|passport|ssn|street|city|zip|postal/i;
/** Under a personal field, what says which kind of thing it is (not whose): kept, so a fixture stays valid. */
const KIND = /^(type|kind|status|currency|country|countryCode|code|scheme|format|locale|language|method|mode)$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(.*)$/;

export const isPersonalField = (name: string): boolean => PERSONAL.test(name);

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** A value to show in a report: a personal field's value is replaced by what it looks like. */
export function described(field: string, value: unknown): unknown {
  if (!isPersonalField(field) || value === null || value === undefined || typeof value === "boolean") return value;
  if (typeof value === "string") return `<redacted string of ${[...value].length}>`;
  return `<redacted ${jsonType(value)}>`;
}

/** Numbers from `seed`, the same every time (FNV-1a, then mulberry32): fakes, not secrets. */
function numbers(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A fake of `value` with the same form (letters by letters, digits by digits, the rest kept), the same every time. */
export function fake(value: string): string {
  const next = numbers(value);
  return [...value]
    .map((c) => {
      if (/[0-9]/.test(c)) return String(next() % 10);
      if (/[a-z]/.test(c)) return String.fromCharCode(97 + (next() % 26));
      if (/[A-Z]/.test(c)) return String.fromCharCode(65 + (next() % 26));
      if (/\p{L}/u.test(c)) return "x";
      return c;
    })
    .join("");
}

/**
 * `body` with every value under a personal field replaced by its fake: a number by one of as many digits,
 * a date by another valid date of the same year; what says which kind of thing it is stays.
 */
export function redactPersonal(body: unknown, personal = false): unknown {
  if (Array.isArray(body)) return body.map((v) => redactPersonal(v, personal));
  if (body !== null && typeof body === "object")
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, KIND.test(k) ? v : redactPersonal(v, personal || isPersonalField(k))]));
  if (!personal) return body;
  if (typeof body === "string") {
    const date = ISO_DATE.exec(body);
    if (date) {
      const n = Number.parseInt(fake(`${date[2]}${date[3]}`), 10);
      return `${date[1]}-${String((n % 12) + 1).padStart(2, "0")}-${String((Math.floor(n / 12) % 28) + 1).padStart(2, "0")}${date[4]}`;
    }
    return fake(body);
  }
  if (typeof body === "number" && Number.isInteger(body)) {
    // As many digits: a leading zero would drop one.
    const digits = fake(String(Math.abs(body))).replace(/^0(?=\d)/, "1");
    return Number(digits) * Math.sign(body || 1);
  }
  return body;
}
