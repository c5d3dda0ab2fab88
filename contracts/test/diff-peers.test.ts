/**
 * The same corpus of edits through @asyncapi/diff and json-schema-diff, beside our classification: where
 * they agree and where they differ is recorded here (and explained in the README), so that it stays true.
 */
import { diff as asyncapiDiff } from "@asyncapi/diff";
import jsonSchemaDiff from "json-schema-diff";
import { expect, it } from "vitest";
import { type ContractChange, diffSchemas, strongest } from "../src/diff.ts";
import type { JsonSchema } from "../src/model.ts";
import { base, corpus } from "./diff-corpus.ts";

const doc = (payload: JsonSchema) => ({
  asyncapi: "3.0.0",
  info: { title: "t", version: "1" },
  channels: { c: { address: "/c", messages: { m: { payload } } } },
});

const rows = await Promise.all(
  corpus.map(async ([name, edit]) => {
    const after = base();
    edit(after);
    const ours = strongest(diffSchemas(base(), after).map((c): ContractChange => ({ ...c, provider: "p", message: "m" }))).acceptance;
    const j = await jsonSchemaDiff.diffSchemas({ sourceSchema: base() as never, destinationSchema: after as never });
    // Both added and removed payloads: a payload accepted before may be rejected, as we count it.
    const theirs = j.removalsFound ? "rejects-more" : j.additionsFound ? "accepts-more" : "none";
    const a = asyncapiDiff(doc(base()), doc(after));
    const asyncapi = a.breaking().length ? "breaking" : a.nonBreaking().length ? "non-breaking" : a.unclassified().length ? "unclassified" : "none";
    return { name, ours, theirs, asyncapi };
  }),
);

it("json-schema-diff agrees on fields, types, nullability and bounds, and sees no change of values, formats, patterns or conditions", () => {
  const differ = rows.filter((r) => r.ours !== r.theirs).map((r) => r.name);
  expect(differ).toEqual([
    "a value added to a closed list",
    "a value removed from a closed list",
    "a closed list made one const",
    "a known value added to an open list",
    "a known value removed from an open list",
    "a closed list opened",
    "an open list closed",
    "a closed list dropped",
    "a closed list added",
    "a format added",
    "a format removed",
    "a format changed",
    "a pattern added",
    "a pattern changed",
    "a pattern removed",
    "a conditional rule added",
  ]);
  expect(rows.length - differ.length).toBe(29);
});

it("@asyncapi/diff leaves every payload edit unclassified", () => {
  const edits = rows.filter((r) => r.ours !== "none" || r.name.includes("description") || r.name.includes("title"));
  expect([...new Set(edits.map((r) => r.asyncapi))]).toEqual(["unclassified"]);
});
