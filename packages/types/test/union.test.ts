/** The discriminated unions the types generator writes: small contracts in, exact TypeScript out. */
import type { MessageContract, ProviderContract } from "@webhook-contracts/contracts";
import { describe, expect, it } from "vitest";
import { narrowedType, providerUnion } from "../build/generate-types.ts";

const message = (name: string, typeName: string, discriminatorValues: string[]): MessageContract => ({
  name,
  title: name,
  summary: "",
  schemaFile: `schemas/p/${name}.schema.json`,
  schemaId: `p/${name}`,
  typeName,
  discriminatorValues,
});
const provider = (discriminator: string | undefined, messages: MessageContract[]): ProviderContract => ({
  name: "p",
  title: "P",
  address: "/webhooks/p",
  typePrefix: "P",
  ...(discriminator ? { discriminator } : {}),
  deliveryKey: ["/id"],
  messages,
  lifecycles: [],
  auth: [],
  entryPoints: [],
});

describe("narrowedType", () => {
  it.each<[string, string, string[], Record<string, string>, string]>([
    ["a top-level field", "T", [], { status: '"A"' }, 'Omit<T, "status"> & { "status": "A" }'],
    ["two fields at once", "T", [], { a: "1", b: "2" }, 'Omit<T, "a" | "b"> & { "a": 1; "b": 2 }'],
    ["a field one object down", "T", ["model"], { status: '"A"' }, 'Omit<T, "model"> & { "model": Omit<T["model"], "status"> & { "status": "A" } }'],
    ["two objects down", "T", ["a", "b"], { s: '"X"' }, 'Omit<T, "a"> & { "a": Omit<T["a"], "b"> & { "b": Omit<T["a"]["b"], "s"> & { "s": "X" } } }'],
  ])("%s", (_label, type, parent, leaves, expected) => {
    expect(narrowedType(type, parent, leaves)).toBe(expected);
  });
});

describe("providerUnion", () => {
  it.each<[string, ProviderContract, string]>([
    [
      "one message, no discriminator",
      provider(undefined, [message("only", "Only", [])]),
      `/** Names of the P messages. */
export type PMessageName = keyof PPayloads;
/** Any P webhook payload. */
export type PWebhook = PPayloads[PMessageName];
/** Each P message as the union has it (here: as it is), by name. */
export type PNarrowedPayloads = PPayloads;`,
    ],
    [
      "an envelope whose field names the message (one value each): the payloads' union, as they are",
      provider("/type", [message("a.created", "ACreated", ["a.created"]), message("a.deleted", "ADeleted", ["a.deleted"])]),
      `/** Names of the P messages. */
export type PMessageName = keyof PPayloads;
/** Any P webhook payload, discriminated by \`/type\`. */
export type PWebhook = PPayloads[PMessageName];
/** Each P message as the union has it (here: as it is), by name. */
export type PNarrowedPayloads = PPayloads;`,
    ],
    [
      "one message whose nested status takes several values: a variant per value",
      provider("/model/status", [message("Changed", "Changed", ["New", "Done"])]),
      `/** Names of the P messages. */
export type PMessageName = keyof PPayloads;
/** Any P webhook payload, one variant per value of \`/model/status\`. */
export type PWebhook =
  | Omit<Changed, "model"> & { "model": Omit<Changed["model"], "status"> & { "status": "New" } }
  | Omit<Changed, "model"> & { "model": Omit<Changed["model"], "status"> & { "status": "Done" } };
/** Each P message as the union has it, by name: what the validators and the receiver hand out. */
export type PNarrowedPayloads = { [M in PMessageName]: Extract<PWebhook, PPayloads[M]> };`,
    ],
  ])("%s", (_label, contract, expected) => {
    expect(providerUnion(contract)).toBe(expected);
  });
});
