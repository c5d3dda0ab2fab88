/**
 * The benchmark's inputs: the Ivy order_updated fixture, and each provider's largest valid fixture, as
 * the text that arrives (the fixture file, verbatim) and its parsed value.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fixturesDir, loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";
import type { ProviderName } from "@webhook-contracts/validators";

export interface BenchCase {
  label: string;
  provider: ProviderName;
  message: string;
  file: string;
  text: string;
  body: unknown;
}

function load(provider: string, message: string, file: string, label: string): BenchCase {
  const text = readFileSync(file, "utf8");
  return { label, provider: provider as ProviderName, message, file: path.relative(path.dirname(fixturesDir), file), text, body: JSON.parse(text) };
}

/** The largest valid fixture of `messages` of `provider`, as a case labelled `<what> largest (<message>)`. */
function largestCase(provider: string, messages: readonly string[], what: string): BenchCase {
  let largest: { message: string; file: string; size: number } | undefined;
  for (const message of messages) {
    for (const { file, text } of messageFixtures(provider, message, "valid")) {
      const size = Buffer.byteLength(text);
      if (!largest || size > largest.size) largest = { message, file, size };
    }
  }
  return load(provider, largest!.message, largest!.file, `${what} largest (${largest!.message})`);
}

export async function benchCases(): Promise<BenchCase[]> {
  const cases = [load("ivy", "order_updated", path.join(fixturesDir, "ivy/order_updated/valid/paid.json"), "Ivy order_updated")];
  for (const provider of await loadContracts())
    cases.push(
      largestCase(
        provider.name,
        provider.messages.map((m) => m.name),
        provider.title,
      ),
    );
  return cases;
}

/**
 * An entry point of @webhook-contracts/validators that cold start and size are measured on: each
 * provider's (every message), and one per part of a provider's messages that has its own (`ivy/event-api`),
 * each with the payload its cold start validates.
 */
export interface EntryPointCase {
  /** The subpath: `ivy`, `ivy/event-api`. */
  entry: string;
  provider: ProviderName;
  /** For a provider's entry point whose messages are also split into parts: the parts' subpaths. */
  parts: string[];
  case: BenchCase;
}

/**
 * Each provider's entry point with its first case above (Ivy's order_updated), then its parts', each with
 * the first case above among its messages, or else its largest valid fixture.
 */
export async function entryPointCases(cases: BenchCase[]): Promise<EntryPointCase[]> {
  const out: EntryPointCase[] = [];
  for (const provider of await loadContracts()) {
    const name = provider.name as ProviderName;
    const parts = provider.entryPoints.map((e) => e.path);
    out.push({ entry: provider.name, provider: name, parts, case: cases.find((c) => c.provider === name)! });
    for (const part of provider.entryPoints) {
      const chosen =
        cases.find((c) => c.provider === name && part.messages.includes(c.message)) ??
        largestCase(provider.name, part.messages, `${provider.title} ${part.name}`);
      out.push({ entry: part.path, provider: name, parts: [], case: chosen });
    }
  }
  return out;
}
