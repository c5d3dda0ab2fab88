/**
 * The string formats our schemas use, said so that a validator in another language can check them as
 * ours do (packages/validators/src/formats.ts is the implementation; packages/schemas/test/schemas.test.ts checks
 * every fixture with Python's jsonschema and checkers written from these words). `pattern` is the shape;
 * `also` is what a pattern cannot say. Two are ours, not JSON Schema's: `local-date-time` and `json-object`.
 */
export interface FormatDefinition {
  standard: boolean;
  description: string;
  pattern?: string;
  also?: string;
}

export const formats: Record<string, FormatDefinition> = {
  "date-time": {
    standard: true,
    description:
      "RFC 3339 date-time, as RFC 3339 section 5.6 says it and stricter than some libraries: the separator is T, t or a space, the offset Z, z or ±hh:mm.",
    pattern: "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[Tt ]([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d+)?([Zz]|[+-]([01]\\d|2[0-3]):[0-5]\\d)$",
    also: "The date exists (30 February does not); a second of 60 is a leap second, 23:59:60 in UTC.",
  },
  "local-date-time": {
    standard: false,
    description:
      "A date and time with no offset, as .NET serialises a date with no time zone (Amplia Reg's birth dates): YYYY-MM-DDThh:mm:ss, an optional fraction.",
    pattern: "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d+)?$",
    also: "The date exists.",
  },
  uuid: {
    standard: true,
    description: "RFC 4122 UUID of any version, either case, with no urn:uuid: prefix (as the JSON Schema Test Suite has it).",
    pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
  },
  email: {
    standard: true,
    description: "An email address as ajv-formats' full mode has it: dot-separated atoms, @, and a domain of at least two labels.",
    pattern:
      "^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)+[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$",
  },
  "json-object": {
    standard: false,
    description:
      "A string that holds a JSON object (Retorna's paymentInstructions): the payload keeps the string; a validator parses it only to check it.",
    also: "Parses as JSON, and the value is an object (not an array, not null).",
  },
};
