/** The build gives each Ajv instance only the schemas its messages reach; that set must be complete. */
import { expect, it } from "vitest";
import { createAjvWithSchemas, refClosure } from "../../build/ajv-keywords.ts";
import { loadContracts, loadSchemaFiles } from "@webhook-contracts/contracts";

const base = "https://webhook-contracts.example/schemas/";

it("follows relative $refs, across folders, to every schema a message reaches", async () => {
  const schemas = [...(await loadSchemaFiles()).values()];
  expect([...refClosure([`${base}amplia-reg/order-status-changed.schema.json`], schemas)].sort()).toEqual([
    `${base}amplia-reg/common/agent.schema.json`,
    `${base}amplia-reg/common/order-status-transition.schema.json`,
    `${base}amplia-reg/common/order-status.schema.json`,
    `${base}amplia-reg/order-status-changed.schema.json`,
  ]);
  expect(() => refClosure([`${base}nowhere.schema.json`], schemas)).toThrow(/no schema/);
});

it("is enough to compile every message of every provider", async () => {
  for (const provider of await loadContracts()) {
    const roots = provider.messages.map((m) => m.schemaId);
    const { ajv } = await createAjvWithSchemas({ roots });
    for (const id of roots) expect(ajv.getSchema(id), id).toBeTypeOf("function");
  }
});
