/**
 * The house rules of schemas/: draft-07, an $id that is the file's own path, a title that becomes the type
 * name, a description on every property, additionalProperties stated on every object, and no title used
 * twice within a provider (json-schema-to-typescript would number the second one).
 */
import { loadSchemaFiles, schemaIdBase, type JsonSchema } from "@webhook-contracts/contracts";
import { walkSchemas } from "@webhook-contracts/contracts/schemas";
import { describe, expect, it } from "vitest";

const files = await loadSchemaFiles();
const entries = [...files.entries()];

/**
 * The subschemas that only add rules to a shape described elsewhere (`if`/`then`/`else`, `x-inferred`):
 * they restate properties to constrain them, so the house rules for shapes do not apply to them.
 */
function ruleSchemas(schema: JsonSchema): Set<JsonSchema> {
  const found = new Set<JsonSchema>();
  walkSchemas(schema, (node) => {
    for (const key of ["if", "then", "else", "x-inferred"]) if (node[key]) walkSchemas(node[key], (sub) => found.add(sub));
  });
  return found;
}

function objectSchemas(schema: JsonSchema): { node: JsonSchema; where: string }[] {
  const found: { node: JsonSchema; where: string }[] = [];
  const rules = ruleSchemas(schema);
  walkSchemas(schema, (node) => {
    if (rules.has(node)) return;
    if (node.type === "object" || node.properties) found.push({ node, where: String(node.title ?? Object.keys(node.properties ?? {}).join(",")) });
  });
  return found;
}

describe.each(entries)("%s", (file, schema) => {
  it("is draft-07 with an $id that names its own path and a title", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toBe(`${schemaIdBase}${file.replace(/^schemas\//, "")}`);
    expect(schema.title).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(typeof schema.description).toBe("string");
  });

  it("states additionalProperties on every object, and describes every property", () => {
    for (const { node, where } of objectSchemas(schema)) {
      expect(node, `${where}: additionalProperties`).toHaveProperty("additionalProperties");
      if (node.additionalProperties === true) expect(String(node.description), where).toMatch(/free-form/);
      for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
        // A $ref property takes the description of the schema it points to.
        if (typeof property.$ref === "string") expect(Object.keys(property), `${where}.${name}`).toEqual(["$ref"]);
        else expect(typeof property.description, `${where}.${name}: description`).toBe("string");
      }
    }
  });

  it("lists every required property among its properties", () => {
    for (const { node, where } of objectSchemas(schema)) {
      for (const name of (node.required ?? []) as string[]) expect(Object.keys(node.properties ?? {}), where).toContain(name);
    }
  });

  it("writes a nullable shape as anyOf [shape, null], never oneOf", () => {
    // oneOf checks every branch, so a non-null value also fails the null branch and costs an error
    // object on the valid path; anyOf stops at the first branch that passes.
    walkSchemas(schema, (node) => {
      expect(node).not.toHaveProperty("oneOf");
      const any = node.anyOf as JsonSchema[] | undefined;
      if (any?.some((branch) => branch.type === "null")) expect(any.at(-1)).toEqual({ type: "null" });
    });
  });

  it("puts no x-inferred under not or if, where a failing inferred rule would make the document pass or the reverse", () => {
    walkSchemas(schema, (node) => {
      for (const key of ["not", "if"]) {
        if (node[key]) walkSchemas(node[key], (sub) => expect(sub, `x-inferred under ${key}`).not.toHaveProperty("x-inferred"));
      }
    });
  });

  it("lists null in the enum of a nullable enum", () => {
    walkSchemas(schema, (node) => {
      if (Array.isArray(node.enum) && Array.isArray(node.type) && node.type.includes("null")) expect(node.enum).toContain(null);
    });
  });
});

it("uses each title once per provider", () => {
  const byProvider = new Map<string, string[]>();
  for (const [file, schema] of entries) {
    const provider = file.split("/")[1]!;
    walkSchemas(schema, (node) => {
      if (typeof node.title === "string") byProvider.set(provider, [...(byProvider.get(provider) ?? []), node.title]);
    });
  }
  for (const [provider, titles] of byProvider) {
    const duplicates = titles.filter((t, i) => titles.indexOf(t) !== i);
    expect(duplicates, provider).toEqual([]);
  }
});
