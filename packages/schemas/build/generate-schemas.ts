/**
 * Writes @webhook-contracts/schemas, for teams whose receivers are not in TypeScript:
 * - dist/strict/<provider>/<message>.json and dist/tolerant/<provider>/<message>.json: each message's
 *   schema, self-contained, in the reading of each of our validators' modes (see readings.ts);
 * - dist/asyncapi.json: asyncapi.yaml with every schema and example it points at inlined;
 * - dist/index.json: which schema is which message, what picks it (the discriminator), and the formats
 *   the schemas use beyond what JSON Schema defines.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { asyncApiFile, dereferenceSchema, loadContracts, repoRoot, schemaIdBase } from "@webhook-contracts/contracts";
import { walkSchemas } from "@webhook-contracts/contracts/schemas";
import { type Reading, reading, selfContained } from "./readings.ts";
import { formats } from "./formats.ts";

const outDir = path.join(repoRoot, "packages/schemas/dist");
const readings: Reading[] = ["strict", "tolerant"];

const write = async (file: string, value: unknown) => {
  await mkdir(path.dirname(path.join(outDir, file)), { recursive: true });
  await writeFile(path.join(outDir, file), `${JSON.stringify(value, null, 2)}\n`);
};

/** Every `{"$ref": "./<file>"}` in the AsyncAPI document replaced by what the file holds; `#/...` references stay. */
async function inlineFiles(node: unknown): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map(inlineFiles));
  if (node === null || typeof node !== "object") return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === "string" && !ref.startsWith("#")) {
    const file = path.join(repoRoot, ref);
    return ref.startsWith("./schemas/")
      ? selfContained(await dereferenceSchema(`${schemaIdBase}${ref.slice("./schemas/".length)}`))
      : (JSON.parse(await readFile(file, "utf8")) as unknown);
  }
  return Object.fromEntries(await Promise.all(Object.entries(node).map(async ([k, v]) => [k, await inlineFiles(v)] as const)));
}

async function main(): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  const providers = await loadContracts();
  const index = {
    description: "The messages of every provider, the schema of each in the two readings, and the string formats the schemas use.",
    readings: {
      strict: "For CI and fixtures: unknown fields, values outside an open list and what we only inferred are all errors.",
      tolerant:
        "For production: unknown fields, values outside an open list (x-known-values) and what we only inferred (x-inferred) pass; report them as warnings if you can.",
    },
    formats,
    providers: {} as Record<string, unknown>,
  };
  for (const provider of providers) {
    const messages: Record<string, unknown> = {};
    for (const message of provider.messages) {
      const schema = await dereferenceSchema(message.schemaId);
      walkSchemas(schema, (node) => {
        if (typeof node.format === "string" && !(node.format in formats))
          throw new Error(`${message.schemaFile} uses format "${node.format}": say what it is in packages/schemas/build/formats.ts`);
      });
      const files = Object.fromEntries(readings.map((mode) => [mode, `${mode}/${provider.name}/${message.name}.json`]));
      for (const mode of readings) await write(files[mode]!, reading(schema, mode, `${schemaIdBase}bundled/${files[mode]}`));
      messages[message.name] = {
        title: message.title,
        typeName: message.typeName,
        discriminatorValues: message.discriminatorValues,
        ...(message.openDiscriminator ? { openDiscriminator: true } : {}),
        ...files,
      };
    }
    index.providers[provider.name] = {
      title: provider.title,
      ...(provider.discriminator ? { discriminator: provider.discriminator } : {}),
      deliveryKey: provider.deliveryKey,
      messages,
    };
  }
  await write("index.json", index);
  await write("asyncapi.json", await inlineFiles(parse(await readFile(asyncApiFile, "utf8"))));
}

await main();
