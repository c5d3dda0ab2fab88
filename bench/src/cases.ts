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

export async function benchCases(): Promise<BenchCase[]> {
  const cases = [load("ivy", "order_updated", path.join(fixturesDir, "ivy/order_updated/valid/paid.json"), "Ivy order_updated")];
  for (const provider of await loadContracts()) {
    let largest: { message: string; file: string; size: number } | undefined;
    for (const message of provider.messages) {
      for (const { file, text } of messageFixtures(provider.name, message.name, "valid")) {
        const size = Buffer.byteLength(text);
        if (!largest || size > largest.size) largest = { message: message.name, file, size };
      }
    }
    cases.push(load(provider.name, largest!.message, largest!.file, `${provider.title} largest (${largest!.message})`));
  }
  return cases;
}
