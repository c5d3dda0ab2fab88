/**
 * The change classification on a corpus of edits: one base schema and snapshot, an edit each, and the
 * exact changes expected (pointer, change, acceptance, types).
 */
import { describe, expect, it } from "vitest";
import { type ContractChange, type ProviderSnapshot, diffContracts, diffSchemas, strongest } from "../src/diff.ts";
import { base, corpus } from "./diff-corpus.ts";

const line = (c: Pick<ContractChange, "pointer" | "change" | "acceptance" | "types">) => `${c.pointer} | ${c.change} | ${c.acceptance} | ${c.types}`;

describe("diffSchemas on a corpus of edits", () => {
  it("has at least 40 edits", () => expect(corpus.length).toBeGreaterThanOrEqual(40));

  it("finds nothing between a schema and itself", () => expect(diffSchemas(base(), base())).toEqual([]));

  it.each(corpus)("%s", (_name, edit, expected) => {
    const after = base();
    edit(after);
    expect(diffSchemas(base(), after).map(line).sort()).toEqual(expected.map((e) => (e.startsWith("|") ? ` ${e}` : e)).sort());
  });
});

describe("diffContracts", () => {
  const snapshot = (change: Partial<ProviderSnapshot> = {}): ProviderSnapshot[] => [
    {
      name: "p",
      messages: { order: base() },
      transitions: ["null -> new", "new -> paid"],
      impossible: [],
      auth: [{ id: "sig", kind: "signature" }],
      deliveryKey: ["/id"],
      ...change,
    },
  ];
  it.each<[string, ProviderSnapshot[], string[]]>([
    ["a message added", snapshot({ messages: { order: base(), refund: base() } }), ["p refund  | message added | accepts-more | breaking"]],
    ["a message removed", snapshot({ messages: {} }), ["p order  | message removed | rejects-more | breaking"]],
    ["a transition listed", snapshot({ transitions: ["null -> new", "new -> paid", "paid -> new"] }), ["p -  | transition listed | accepts-more | none"]],
    ["a transition ruled out", snapshot({ impossible: ["paid -> new"] }), ["p -  | transition ruled out | rejects-more | none"]],
    ["the authentication changed", snapshot({ auth: [{ id: "sig", kind: "apiKey" }] }), ["p -  | authentication changed | rejects-more | none"]],
    ["a provider added", [...snapshot(), { ...snapshot()[0]!, name: "q" }], ["q -  | provider added | accepts-more | compatible"]],
  ])("%s", (_name, after, expected) => {
    expect(diffContracts(snapshot(), after).map((c) => `${c.provider} ${c.message ?? "-"} ${line(c)}`)).toEqual(expected);
  });

  it("sums up the strongest impact", () => {
    const changes = diffContracts(snapshot(), snapshot({ messages: { order: { ...base(), title: "x" } }, transitions: ["null -> new"] }));
    expect(strongest(changes)).toEqual({ acceptance: "rejects-more", types: "none" });
  });
});
