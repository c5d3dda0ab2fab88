/**
 * The contracts of one checkout as plain data (what `diff` compares): each provider's messages with their
 * schemas resolved, its lifecycles' transitions, its authentication and delivery key. Run as a script, it
 * prints the snapshot of the project WEBHOOK_CONTRACTS_ROOT names (a revision checked out elsewhere).
 */
import type { ProviderSnapshot } from "./diff.ts";
import { isEntryPoint } from "./entry-point.ts";
import { dereferenceSchema, loadContracts } from "./model.ts";

/** A transition as diff compares it: a lifecycle.<name>.json's prefixed with its name, lifecycle.json's as they always were. */
const transition = (name: string) => (t: { from: string | null; to: string }) => `${name ? `${name}: ` : ""}${t.from} -> ${t.to}`;

export async function snapshotContracts(): Promise<ProviderSnapshot[]> {
  const out: ProviderSnapshot[] = [];
  for (const p of await loadContracts()) {
    const messages: ProviderSnapshot["messages"] = {};
    // JSON round trip: shared subschemas become copies, which is what a comparison wants.
    for (const m of p.messages) messages[m.name] = JSON.parse(JSON.stringify(await dereferenceSchema(m.schemaId)));
    out.push({
      name: p.name,
      messages,
      transitions: p.lifecycles.flatMap((l) => l.transitions.map(transition(l.name))),
      impossible: p.lifecycles.flatMap((l) => l.impossible.map(transition(l.name))),
      auth: p.auth,
      deliveryKey: p.deliveryKey,
      address: p.address,
    });
  }
  return out;
}

if (isEntryPoint(import.meta.url)) process.stdout.write(JSON.stringify(await snapshotContracts()));
