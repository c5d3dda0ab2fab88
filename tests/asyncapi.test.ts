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

  /** The headers a request authenticated by `scheme` carries. */
  const authHeaders = (scheme: (typeof contracts)[number]["auth"][number]) =>
    scheme.kind === "basic"
      ? ["Authorization"]
      : scheme.kind === "apiKey"
        ? [scheme.header]
        : [
            scheme.header,
            ...(scheme.signature.timestamp ? [scheme.signature.timestamp.header] : []),
            ...(scheme.signature.id ? [scheme.signature.id.header] : []),
          ];

  it("declares, on each message of a provider that signs, the headers of one of its signature alternatives", () => {
    for (const provider of contracts) {
      const signatures = provider.auth.filter((s) => s.kind === "signature").map((s) => authHeaders(s).sort());
      if (signatures.length === 0) continue;
      for (const message of document!.channels().get(provider.name)!.messages().all()) {
        const names = Object.keys(message.headers()?.properties() ?? {}).sort();
        expect(signatures, `${provider.name}/${message.id()}: ${names.join(", ")}`).toContainEqual(names);
      }
    }
    expect(contracts.find((p) => p.name === "scalapay")!.auth.map((s) => authHeaders(s).sort())).toEqual([["x-scalapay-hmac-v1", "x-scalapay-timestamp"]]);
  });

  it("requires, in each message's headers, the headers of the one way it is authenticated, or none", () => {
    // With one way to authenticate, its headers are required. With alternatives, a message that names the
    // one its provider signs it with requires that one's headers; one that names none requires none.
    for (const provider of contracts) {
      const ways = provider.auth.map((s) => authHeaders(s).sort());
      for (const message of document!.channels().get(provider.name)!.messages().all()) {
        const required = ((message.headers()?.json() as { required?: string[] } | undefined)?.required ?? []).slice().sort();
        if (provider.auth.length === 1) expect(required, `${provider.name}/${message.id()}`).toEqual(ways[0]);
        else expect([[], ...ways], `${provider.name}/${message.id()}: ${required.join(", ")}`).toContainEqual(required);
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
