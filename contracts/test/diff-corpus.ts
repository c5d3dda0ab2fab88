/** A corpus of schema edits with the changes each makes, as our classifier must see them (pointer | change | acceptance | types). */
import type { JsonSchema } from "../src/model.ts";

export const base = (): JsonSchema => ({
  type: "object",
  additionalProperties: false,
  description: "An order.",
  required: ["id", "status", "amount"],
  properties: {
    id: { type: "string", minLength: 1, description: "Id." },
    status: { type: "string", enum: ["new", "paid"] },
    method: { type: "string", "x-known-values": ["card", "bank"] },
    amount: { type: "number", minimum: 0 },
    currency: { type: "string", pattern: "^[A-Z]{3}$" },
    created: { type: "string", format: "date-time" },
    note: { type: ["string", "null"] },
    customer: {
      anyOf: [
        {
          type: "object",
          additionalProperties: false,
          required: ["email"],
          properties: { email: { type: "string", format: "email" }, name: { type: "string", maxLength: 100 } },
        },
        { type: "null" },
      ],
    },
    items: {
      type: "array",
      maxItems: 10,
      items: { type: "object", additionalProperties: false, required: ["sku"], properties: { sku: { type: "string" }, qty: { type: "integer", minimum: 1 } } },
    },
    metadata: { type: "object", additionalProperties: true },
    reference: { type: ["string", "null"] },
  },
  "x-inferred": { required: ["reference"], properties: { reference: { type: "string" } } },
});

type Props = Record<string, JsonSchema>;
const props = (s: JsonSchema) => s.properties as Props;

export const corpus: [string, (s: JsonSchema) => void, string[]][] = [
  ["an optional field added", (s) => (props(s).discount = { type: "number" }), ["/discount | optional field added | accepts-more | compatible"]],
  [
    "a required field added",
    (s) => ((props(s).tax = { type: "number" }), (s.required as string[]).push("tax")),
    ["/tax | required field added | rejects-more | compatible"],
  ],
  ["a field removed", (s) => delete props(s).created, ["/created | field removed | rejects-more | breaking"]],
  ["an optional field made required", (s) => (s.required as string[]).push("currency"), ["/currency | made required | rejects-more | compatible"]],
  ["a required field made optional", (s) => (s.required = ["id", "status"]), ["/amount | made optional | accepts-more | breaking"]],
  ["a field made nullable", (s) => (props(s).id!.type = ["string", "null"]), ["/id | made nullable | accepts-more | breaking"]],
  ["a field no longer nullable", (s) => (props(s).note!.type = "string"), ["/note | no longer nullable | rejects-more | compatible"]],
  ["a type widened", (s) => (props(s).amount!.type = ["number", "string"]), ["/amount | type widened | accepts-more | breaking"]],
  ["number narrowed to integer", (s) => (props(s).amount!.type = "integer"), ["/amount | type narrowed | rejects-more | compatible"]],
  [
    "integer widened to number",
    (s) => (((props(s).items!.items as JsonSchema).properties as Props).qty!.type = "number"),
    ["/items/-/qty | type widened | accepts-more | breaking"],
  ],
  [
    "a type replaced",
    (s) => (((props(s).items!.items as JsonSchema).properties as Props).sku!.type = "integer"),
    ["/items/-/sku | type widened | accepts-more | breaking", "/items/-/sku | type narrowed | rejects-more | compatible"],
  ],
  ["a value added to a closed list", (s) => (props(s).status!.enum = ["new", "paid", "refunded"]), ["/status | value added | accepts-more | breaking"]],
  ["a value removed from a closed list", (s) => (props(s).status!.enum = ["new"]), ["/status | value removed | rejects-more | compatible"]],
  ["a closed list made one const", (s) => ((props(s).status = { type: "string", const: "paid" }), s), ["/status | value removed | rejects-more | compatible"]],
  [
    "a known value added to an open list",
    (s) => (props(s).method!["x-known-values"] = ["card", "bank", "wallet"]),
    ["/method | known value added | accepts-more | compatible"],
  ],
  [
    "a known value removed from an open list",
    (s) => (props(s).method!["x-known-values"] = ["card"]),
    ["/method | known value removed | rejects-more | compatible"],
  ],
  [
    "a closed list opened",
    (s) => (props(s).status = { type: "string", "x-known-values": ["new", "paid"] }),
    ["/status | closed list opened (x-known-values) | accepts-more | breaking"],
  ],
  [
    "an open list closed",
    (s) => (props(s).method = { type: "string", enum: ["card", "bank"] }),
    ["/method | open list closed (enum) | rejects-more | compatible"],
  ],
  ["a closed list dropped", (s) => delete props(s).status!.enum, ["/status | value list removed | accepts-more | breaking"]],
  ["a closed list added", (s) => (props(s).currency!.enum = ["EUR", "USD"]), ["/currency | value list added | rejects-more | compatible"]],
  ["a format added", (s) => (props(s).id!.format = "uuid"), ["/id | format added | rejects-more | none"]],
  ["a format removed", (s) => delete props(s).created!.format, ["/created | format removed | accepts-more | none"]],
  ["a format changed", (s) => (props(s).created!.format = "date"), ["/created | format changed | rejects-more | none"]],
  ["a pattern added", (s) => (props(s).id!.pattern = "^ord_"), ["/id | pattern added | rejects-more | none"]],
  ["a pattern changed", (s) => (props(s).currency!.pattern = "^[A-Z]{3,4}$"), ["/currency | pattern changed | rejects-more | none"]],
  ["a pattern removed", (s) => delete props(s).currency!.pattern, ["/currency | pattern removed | accepts-more | none"]],
  ["a minimum length raised", (s) => (props(s).id!.minLength = 3), ["/id | minLength changed | rejects-more | none"]],
  ["a minimum length dropped", (s) => delete props(s).id!.minLength, ["/id | minLength removed | accepts-more | none"]],
  ["a maximum added", (s) => (props(s).amount!.maximum = 1e6), ["/amount | upper bound tightened | rejects-more | none"]],
  ["a minimum lowered", (s) => (props(s).amount!.minimum = -10), ["/amount | lower bound loosened | accepts-more | none"]],
  ["more items allowed", (s) => (props(s).items!.maxItems = 20), ["/items | maxItems changed | accepts-more | none"]],
  ["fewer items allowed", (s) => (props(s).items!.maxItems = 5), ["/items | maxItems changed | rejects-more | none"]],
  [
    "a nested maximum length lowered",
    (s) => ((((props(s).customer!.anyOf as JsonSchema[])[0]!.properties as Props).name!.maxLength = 50), s),
    ["/customer/name | maxLength changed | rejects-more | none"],
  ],
  [
    "a nested optional field added",
    (s) => ((((props(s).customer!.anyOf as JsonSchema[])[0]!.properties as Props).phone = { type: "string" }), s),
    ["/customer/phone | optional field added | accepts-more | compatible"],
  ],
  [
    "a nullable object no longer nullable",
    (s) => (props(s).customer = (props(s).customer!.anyOf as JsonSchema[])[0]!),
    ["/customer | no longer nullable | rejects-more | compatible"],
  ],
  [
    "an item's field made required",
    (s) => ((props(s).items!.items as JsonSchema).required = ["sku", "qty"]),
    ["/items/-/qty | made required | rejects-more | compatible"],
  ],
  [
    "an item's minimum dropped",
    (s) => delete ((props(s).items!.items as JsonSchema).properties as Props).qty!.minimum,
    ["/items/-/qty | lower bound loosened | accepts-more | none"],
  ],
  ["a free-form object closed", (s) => (props(s).metadata!.additionalProperties = false), ["/metadata | closed to unknown fields | rejects-more | compatible"]],
  ["the payload opened to unknown fields", (s) => delete s.additionalProperties, ["| open to unknown fields | accepts-more | compatible"]],
  [
    "an inferred rule documented",
    (s) => {
      (s.required as string[]).push("reference");
      props(s).reference!.type = "string";
      s["x-inferred"] = {};
    },
    [
      "/reference | made required | rejects-more | compatible",
      "/reference | no longer nullable | rejects-more | compatible",
      "/reference | made optional (inferred rule) | none | none",
      "/reference | type widened (inferred rule) | none | none",
    ],
  ],
  [
    "an inferred rule added",
    (s) => (((s["x-inferred"] as JsonSchema).properties as Props).id = { minLength: 5 }),
    ["/id | minLength added (inferred rule) | none | none"],
  ],
  ["a description changed", (s) => (props(s).id!.description = "The order's id."), ["/id | description changed | none | none"]],
  ["a title added", (s) => (s.title = "Order"), ["| title changed | none | none"]],
  [
    "a conditional rule added",
    (s) => ((s.if = { properties: { status: { const: "paid" } } }), (s.then = { required: ["currency"] })),
    ["| if changed | rejects-more | none", "| then changed | rejects-more | none"],
  ],
  [
    "alternatives added",
    (s) => (props(s).note = { anyOf: [{ type: "string" }, { type: "number" }] }),
    [
      "/note | no longer nullable | rejects-more | compatible",
      "/note | type widened | accepts-more | breaking",
      "/note | anyOf changed | rejects-more | breaking",
    ],
  ],
];
