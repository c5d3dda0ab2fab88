/**
 * Fixtures that can be committed: a delivery's body with every value under a field that may hold personal
 * data (personal.ts) replaced by a fake of the same format, made by Faker seeded from the value itself, so
 * the same value always becomes the same fake (a fixture written twice does not change, and a value that
 * appears twice in a body stays one value):
 *   - an email address: another, at a reserved example domain (faker.internet.exampleEmail);
 *   - a name (a field named ...name holding only letters, spaces, apostrophes, dots and hyphens): a fake
 *     first name, last name, or both, in the same case;
 *   - an ISO 8601 date (a birth date): another valid day of the same year, anything after the date kept;
 *   - a UUID (an account's id): another (faker.string.uuid), in the same case;
 *   - anything else (document, phone, account and card numbers, IBANs, street lines): each digit by a
 *     digit, each letter by a letter of the same case, everything else kept (faker.helpers.replaceSymbols);
 *   - an integer: one of as many digits (and the same sign).
 * What says which kind of thing a value is (a `type`, `country`, `currency` under a personal field) stays,
 * as do booleans, null and fractional numbers. Dev-time only: the receiver shows no personal value at all.
 */
import { faker } from "@faker-js/faker/locale/en";
import { isPersonalField, kindField } from "./personal.ts";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(.*)$/s;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERSON_NAME = /^\p{L}[\p{L}' .-]*$/u;
const NAME_FIELD = /name/i;
const FIRST_NAME = /first|given|fore/i;
const LAST_NAME = /last|sur|family/i;

/** Faker, seeded from `value` (FNV-1a): the same value, the same fakes. */
function seeded(value: string): typeof faker {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  faker.seed(h >>> 0);
  return faker;
}

/** Each digit by a digit, each letter by a letter of the same case; everything else kept. */
export function fakeOfForm(value: string): string {
  const f = seeded(value);
  // replaceSymbols reads # (digit), ? (letter) and * (either): any of those in the value are kept as they are.
  return value
    .split(/([#?*])/)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      const chars = [...part];
      const template = chars.map((c) => (/\d/.test(c) ? "#" : /\p{L}/u.test(c) ? "?" : c)).join("");
      const filled = [...f.helpers.replaceSymbols(template)];
      return chars.map((c, j) => (/\p{L}/u.test(c) && c === c.toLowerCase() && c !== c.toUpperCase() ? filled[j]!.toLowerCase() : filled[j]!)).join("");
    })
    .join("");
}

function fakeName(field: string, value: string): string {
  const f = seeded(value);
  const words = value.trim().split(/\s+/).length;
  const name = FIRST_NAME.test(field)
    ? f.person.firstName()
    : LAST_NAME.test(field)
      ? f.person.lastName()
      : words === 1
        ? f.person.firstName()
        : `${f.person.firstName()} ${f.person.lastName()}`;
  return value === value.toUpperCase() ? name.toUpperCase() : name;
}

/** A fake of a personal field's string value (see the module's comment). */
export function fakeString(field: string, value: string): string {
  if (value === "") return value;
  if (EMAIL.test(value)) return seeded(value).internet.exampleEmail().toLowerCase();
  const date = ISO_DATE.exec(value);
  if (date) {
    const year = date[1]!;
    const day = seeded(value).date.between({ from: `${year}-01-01T00:00:00.000Z`, to: `${year}-12-31T23:59:59.999Z` });
    return `${day.toISOString().slice(0, 10)}${date[4]}`;
  }
  if (UUID.test(value)) {
    const uuid = seeded(value).string.uuid();
    return value === value.toUpperCase() ? uuid.toUpperCase() : uuid;
  }
  if (NAME_FIELD.test(field) && PERSON_NAME.test(value)) return fakeName(field, value);
  return fakeOfForm(value);
}

/** A fake integer of as many digits, the same sign. */
export function fakeInteger(value: number): number {
  const digits = String(Math.abs(value));
  const fake = seeded(digits).string.numeric({ length: digits.length, allowLeadingZeros: digits.length === 1 });
  return Number(fake) * (value < 0 ? -1 : 1);
}

/** `body` with every value under a personal field replaced by its fake (see the module's comment). */
export function redactPersonal(body: unknown, field = "", personal = false): unknown {
  if (Array.isArray(body)) return body.map((v) => redactPersonal(v, field, personal));
  if (body !== null && typeof body === "object")
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, kindField.test(k) ? v : redactPersonal(v, k, personal || isPersonalField(k))]));
  if (!personal) return body;
  if (typeof body === "string") return fakeString(field, body);
  if (typeof body === "number" && Number.isSafeInteger(body)) return fakeInteger(body);
  return body;
}
