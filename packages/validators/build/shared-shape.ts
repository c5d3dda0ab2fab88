/**
 * What all of a provider's messages share: the schema a payload is checked against when its discriminator
 * names no message we know (a status or event type the provider added since). Derived from the message
 * schemas, never written by hand: a property every message has, with the schema they all give it (or,
 * where they differ, the type they agree on); required where every message requires it. Other properties
 * are allowed: a new message may well carry new fields.
 */
import { withoutAnnotations } from "./ajv-keywords.ts";
import { type JsonSchema, type ProviderContract, dereferenceSchema, schemaIdBase } from "@webhook-contracts/contracts";

/** The `$id` of a provider's shared shape (a name, not a file: it is built, never stored). */
export const sharedShapeId = (provider: string): string => `${schemaIdBase}${provider}/unknown-message.json`;

/** The shared shape of a provider whose discriminator names its messages; undefined for one without. */
export async function sharedShape(provider: ProviderContract): Promise<JsonSchema | undefined> {
  if (!provider.discriminator || provider.messages.length < 2) return undefined;
  const roots = await Promise.all(provider.messages.map((m) => dereferenceSchema(m.schemaId)));
  const propertiesOf = (schema: JsonSchema) => (schema.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(propertiesOf(roots[0]!)).filter((name) => roots.every((r) => Object.hasOwn(propertiesOf(r), name)));
  const properties: Record<string, JsonSchema> = {};
  for (const name of names) {
    const variants = roots.map((r) => withoutAnnotations(propertiesOf(r)[name]) as JsonSchema);
    const first = JSON.stringify(variants[0]);
    if (variants.every((v) => JSON.stringify(v) === first)) {
      properties[name] = variants[0]!;
      continue;
    }
    const type = JSON.stringify(variants[0]!.type);
    const sameType = variants.every((v) => v.type !== undefined && JSON.stringify(v.type) === type);
    // The discriminator names the new message: a string, and not an empty one.
    const isDiscriminator = `/${name}` === provider.discriminator;
    properties[name] = isDiscriminator ? { type: "string", minLength: 1 } : sameType ? { type: variants[0]!.type } : {};
  }
  const required = names.filter((name) => roots.every((r) => ((r.required ?? []) as string[]).includes(name)));
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: sharedShapeId(provider.name),
    title: `${provider.typePrefix}UnknownMessage`,
    description: `${provider.title}: a message we have no schema for, checked against what all of its messages share.`,
    type: "object",
    required,
    properties,
  };
}
