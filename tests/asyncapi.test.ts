/**
 * asyncapi.yaml parses with @asyncapi/parser without error diagnostics, follows our receive-side
 * conventions, and every example in it is valid, in strict mode, as the message it is an example of (the
 * parser does not check), by the validators the build made.
 */
import { Parser, fromFile } from "@asyncapi/parser";
import { asyncApiFile, loadContracts } from "@webhook-contracts/contracts";
import { type ProviderName, validateWebhook } from "@webhook-contracts/validators";
import { describe, expect, it } from "vitest";

const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, asyncApiFile).parse();
const contracts = await loadContracts();

describe("asyncapi.yaml", () => {
  it("parses with no error diagnostics", () => {
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code}: ${d.message} at ${d.path.join("/")}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe("3.0.0");
  });

  it("has one channel per provider at /webhooks/<provider>", () => {
    const channels = document!
      .channels()
      .all()
      .map((c) => [c.id(), c.address()]);
    expect(channels).toEqual(contracts.map((p) => [p.name, `/webhooks/${p.name}`]));
  });

  it("receives every message of every channel through an HTTP POST operation", () => {
    for (const channel of document!.channels().all()) {
      const operations = channel.operations().all();
      expect(operations.length, channel.id()).toBe(1);
      const operation = operations[0]!;
      expect(operation.action()).toBe("receive");
      expect(operation.bindings().get("http")?.value()).toMatchObject({ method: "POST" });
      const received = operation
        .messages()
        .all()
        .map((m) => m.id())
        .sort();
      expect(received).toEqual(
        channel
          .messages()
          .all()
          .map((m) => m.id())
          .sort(),
      );
    }
  });

  it("declares the signature headers Ivy and Scalapay send", () => {
    const headerNames = (channelId: string) =>
      document!
        .channels()
        .get(channelId)!
        .messages()
        .all()
        .map((m) => Object.keys(m.headers()?.properties() ?? {}).sort());
    for (const names of headerNames("ivy")) expect(names).toEqual(["X-Ivy-Signature"]);
    for (const names of headerNames("scalapay")) expect(names).toEqual(["x-scalapay-hmac-v1", "x-scalapay-timestamp"]);
  });

  it("requires, in each message's headers, the headers the receiver refuses a request without", () => {
    // With one way to authenticate, its headers are required; with alternatives, no one header is.
    const authHeaders = (scheme: (typeof contracts)[number]["auth"][number]) =>
      scheme.kind === "basic"
        ? ["Authorization"]
        : scheme.kind === "apiKey"
          ? [scheme.header]
          : [scheme.header, ...(scheme.signature.timestamp ? [scheme.signature.timestamp.header] : [])];
    for (const provider of contracts) {
      const expected = provider.auth.length === 1 ? authHeaders(provider.auth[0]!).sort() : [];
      for (const message of document!.channels().get(provider.name)!.messages().all()) {
        const required = ((message.headers()?.json() as { required?: string[] } | undefined)?.required ?? []).slice().sort();
        expect(required, `${provider.name}/${message.id()}`).toEqual(expected);
      }
    }
  });

  it("has a whole sentence as every summary (none cut off inside parentheses)", () => {
    for (const channel of document!.channels().all()) {
      for (const text of [
        channel.json<{ summary?: string }>().summary,
        ...channel
          .messages()
          .all()
          .map((m) => m.summary()),
      ]) {
        if (text === undefined) continue;
        expect(text, channel.id()).toMatch(/[.!?)]$/);
        expect(text.split("(").length, text).toBe(text.split(")").length);
      }
    }
  });

  describe("every example is valid, strictly, as its message", () => {
    const cases = contracts.flatMap((provider) => provider.messages.map((m) => [`${provider.name}/${m.name}`, provider.name, m.name] as const));
    it.each(cases)("%s", (_label, providerName, messageName) => {
      const message = document!.channels().get(providerName)!.messages().get(messageName)!;
      const examples = message.examples().all();
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const result = validateWebhook(providerName as ProviderName, example.payload(), { mode: "strict" });
        expect(result.ok ? [] : result.errors.map((e) => e.message), example.name()).toEqual([]);
        expect(result.ok && [result.message, result.warnings], example.name()).toEqual([messageName, []]);
      }
    });
  });
});
