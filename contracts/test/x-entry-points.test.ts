/** A channel's x-entry-points and its messages' x-entry-point: small declarations in, parts or the exact error out. */
import { describe, expect, it } from "vitest";
import { type LifecycleContract, type MessageContract, channelEntryPoints, checkLifecycleEntryPoints, loadContracts } from "../src/model.ts";

const message = (name: string, entryPoint?: string): MessageContract => ({
  name,
  title: name,
  summary: "",
  schemaFile: `schemas/p/${name}.schema.json`,
  schemaId: `p/${name}`,
  typeName: name,
  discriminatorValues: [name],
  ...(entryPoint === undefined ? {} : { entryPoint }),
});
const two = { "merchant-api": { summary: "A." }, "event-api": { summary: "B." } };

describe("channelEntryPoints", () => {
  it("gives none for a channel that declares none", () => {
    expect(channelEntryPoints("p", undefined, [message("a"), message("b")])).toEqual([]);
  });

  it("gives each declared part its messages, in the channel's order, at <channel>/<name>", () => {
    expect(channelEntryPoints("p", two, [message("a", "event-api"), message("b", "merchant-api"), message("c", "event-api")])).toEqual([
      { name: "merchant-api", path: "p/merchant-api", summary: "A.", messages: ["b"] },
      { name: "event-api", path: "p/event-api", summary: "B.", messages: ["a", "c"] },
    ]);
  });

  it.each<[string, Parameters<typeof channelEntryPoints>[1], MessageContract[], string]>([
    [
      "a message names a part the channel does not declare",
      undefined,
      [message("a", "x")],
      "p/a names x-entry-point x, but the channel declares no x-entry-points",
    ],
    ["one part only", { only: { summary: "A." } }, [message("a", "only")], "p x-entry-points needs two or more entry points"],
    ["a name that is no import path", { "Event API": { summary: "A." }, b: { summary: "B." } }, [message("a", "b")], '"Event API" must be kebab-case'],
    ["a part without a summary", { a: { summary: "A." }, b: {} }, [message("a", "a")], "x-entry-points.b needs a summary"],
    ["a message without a part", two, [message("a", "event-api"), message("b")], "p/b needs an x-entry-point, one of merchant-api, event-api"],
    [
      "a message naming a part not declared",
      two,
      [message("a", "event-api"), message("b", "events")],
      'p/b needs an x-entry-point, one of merchant-api, event-api (it names "events")',
    ],
    ["a part no message names", two, [message("a", "event-api")], "x-entry-points.merchant-api has no message"],
  ])("refuses %s", (_case, declared, messages, error) => {
    expect(() => channelEntryPoints("p", declared, messages)).toThrow(error);
  });
});

describe("checkLifecycleEntryPoints", () => {
  const lifecycle = (messages: string[]) => ({ file: "schemas/p/lifecycle.json", messages }) as LifecycleContract;
  const messages = [message("a", "merchant-api"), message("b", "merchant-api"), message("c", "event-api")];
  it("takes a lifecycle whose messages are in one entry point", () => {
    expect(() => checkLifecycleEntryPoints({ messages, lifecycles: [lifecycle(["a", "b"]), lifecycle(["c"])] })).not.toThrow();
  });
  it("refuses one across entry points", () => {
    expect(() => checkLifecycleEntryPoints({ messages, lifecycles: [lifecycle(["a", "c"])] })).toThrow(
      "schemas/p/lifecycle.json: its messages are in several entry points (merchant-api, event-api); a lifecycle must be in one",
    );
  });
});

describe("asyncapi.yaml", () => {
  it("splits Ivy's messages by its two APIs: the event API's are the typed events of Ivy's TypeScript SDK", async () => {
    const ivy = (await loadContracts()).find((p) => p.name === "ivy")!;
    expect(ivy.entryPoints.map((e) => e.path)).toEqual(["ivy/merchant-api", "ivy/event-api"]);
    const eventApi = ivy.entryPoints.find((e) => e.name === "event-api")!.messages;
    // The typed events of getivy/typescript-sdk, and nothing else.
    expect(eventApi.sort()).toEqual(
      [
        "conversion.completed",
        "conversion.created",
        "conversion.failed",
        "deposit.received",
        "payout.created",
        "payout.failed",
        "payout.initiated",
        "payout.paid",
        "ping.test",
        "return.failed",
        "return.initiated",
        "return.paid",
        "return.returned",
      ].sort(),
    );
    expect((await loadContracts()).filter((p) => p.entryPoints.length > 0).map((p) => p.name)).toEqual(["ivy"]);
  });
});
