/**
 * The field list of a message page from small schemas: the folds (an object's fields under a closed
 * `<details>` below the first level), the anchors, the evidence and the "added in" / "changed in" marks.
 */
import { describe, expect, it } from "vitest";
import { fieldList, fieldTree } from "../build/field-list.ts";
import { fieldRows } from "../build/fields.ts";

const schema = {
  type: "object",
  required: ["payload"],
  properties: {
    payload: {
      type: "object",
      description: "The `order`.",
      required: ["price"],
      properties: {
        price: { type: "object", properties: { total: { type: "number" } } },
        status: { type: "string", "x-known-values": ["paid"] },
      },
    },
  },
};

describe("the field list", () => {
  it("nests the rows as the schema nests them", () => {
    const tree = fieldTree(fieldRows(schema));
    const shape = (nodes: typeof tree): unknown => nodes.map((n) => [n.row.path, shape(n.children)]);
    expect(shape(tree)).toEqual([
      [
        "payload",
        [
          ["payload.price", [["payload.price.total", []]]],
          ["payload.status", []],
        ],
      ],
    ]);
  });

  it.each([
    ["the payload's own fields are shown", '<details class="children" open><summary>2 fields of <code>payload</code></summary>'],
    ["deeper objects are folded", '<details class="children"><summary>1 field of <code>price</code></summary>'],
    ["every field is an anchor", '<li id="field-payload.price.total"><div><a href="#field-payload.price.total"><code>total</code></a><i>number</i>'],
    ["required and optional are said", '<code>payload</code></a><i>object</i><b class="req">required</b>'],
    ["descriptions keep their code", "<p>The <code>order</code>.</p>"],
    ["an open list says so", '<p class="values"><span class="label">Known values (open list):</span> <code>"paid"</code></p>'],
    ["a field's rules are documented unless inferred", '<code>status</code></a><i>string</i><b>optional</b><span class="doc">documented</span></div>'],
  ])("%s", (_, html) => {
    expect(fieldList(fieldRows(schema))).toContain(html);
  });

  it("marks a field added or changed after the first release", () => {
    const marks = new Map([["/payload/status", { added: "0.2.0", changed: ["0.3.0", "unreleased"] }]]);
    expect(fieldList(fieldRows(schema), marks)).toContain(
      '<span class="doc">documented</span><span class="mark added">added in 0.2.0</span><span class="mark changed">changed in 0.3.0</span><span class="mark changed">changed since the last release</span></div>',
    );
    expect(fieldList(fieldRows(schema))).not.toContain("mark");
  });

  it("refuses a property name that would make its anchor ambiguous", () => {
    const dotted = { type: "object", properties: { "a.b": { type: "string" } } };
    expect(() => fieldList(fieldRows(dotted))).toThrow('field /a.b: a "." or "[" in a property name breaks the field anchors');
  });
});
