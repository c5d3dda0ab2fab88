/** The types generator on the real schemas: what json-schema-to-typescript is asked to do, and what comes out. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bundleProvider, walkSchemas } from "@webhook-contracts/contracts/schemas";
import { loadContracts, repoRoot } from "@webhook-contracts/contracts";
import { prepareForTypeScript } from "../build/generate-types.ts";

const providers = await loadContracts();

describe("prepareForTypeScript", () => {
  it("drops keywords beside $ref, which would make numbered duplicate types", () => {
    const schema = prepareForTypeScript({ properties: { a: { $ref: "#/definitions/A", description: "an A" } } });
    expect(schema).toEqual({ properties: { a: { $ref: "#/definitions/A" } } });
  });

  it("types an open code list as its known values or any other string, keeping null when nullable", () => {
    const schema = prepareForTypeScript({ type: ["string", "null"], "x-known-values": ["A", "B"] });
    expect(schema.tsType).toBe('"A" | "B" | (string & {}) | null');
  });
});

describe.each(providers.map((p) => [p.name, p] as const))("types of %s", (_name, provider) => {
  const built = readFileSync(path.join(repoRoot, "packages/types/dist", `${provider.name}.d.ts`), "utf8");

  it("has no numbered duplicates of a type", () => {
    expect(built).not.toMatch(/^export (interface|type) [A-Za-z]+\d+\b/m);
  });

  it("has an index signature only where the schema is free-form on purpose", async () => {
    const freeForm = new Set<object>();
    walkSchemas(await bundleProvider(provider), (node) => {
      if (node.additionalProperties === true) freeForm.add(node);
    });
    expect(built.match(/\[k: string\]: unknown/g)?.length ?? 0).toBe(freeForm.size);
  });

  it("exports the payload map, the union and a type per message", () => {
    expect(built).toContain(`export interface ${provider.typePrefix}Payloads {`);
    expect(built).toMatch(new RegExp(`export type ${provider.typePrefix}Webhook =`));
    // A message whose payload follows from the envelope (if/then/else, Ivy's two generations) is a union type.
    for (const message of provider.messages) expect(built).toMatch(new RegExp(`export (interface ${message.typeName} \\{|type ${message.typeName} =)`));
  });
});
