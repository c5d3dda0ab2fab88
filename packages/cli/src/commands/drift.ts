/** drift: what the stored deliveries say the contracts miss (warnings and quarantine reasons, counted and described). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ObservedShape } from "@webhook-contracts/contracts/propose";
import { type DriftEntry, driftReport } from "@webhook-contracts/receiver";
import { storeFromConfig } from "@webhook-contracts/receiver/config";
import { type CliIO, exitCodes, sinceTime } from "../io.js";
import { runInRepository } from "../repository.js";
import { openConfig } from "./config.js";

const cell = (v: unknown) => JSON.stringify(v).replace(/\|/g, "\\|");

export function driftMarkdown(entries: readonly DriftEntry[]): string {
  if (entries.length === 0) return "No drift: every stored delivery is valid, with no warning, by today's contracts.\n";
  const rows = entries.map((e) => {
    const shape = [
      e.shape.types.join("/"),
      e.shape.formats.length ? `format ${e.shape.formats.join("/")}` : "",
      e.shape.length ? `length ${e.shape.length.min}-${e.shape.length.max}` : "",
      e.shape.values ? `values ${cell(e.shape.values)}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    return `| ${e.provider} | ${e.message ?? "-"}${e.unknownMessage ? " (unknown)" : ""} | \`${e.pointer || "/"}\` | ${e.keyword} | ${e.severity} | ${e.count} | ${e.firstSeen} | ${e.lastSeen} | ${e.samples.map(cell).join(", ")} | ${shape} |`;
  });
  return `${["| provider | message | pointer | keyword | severity | count | first seen | last seen | samples | shape |", "|---|---|---|---|---|---:|---|---|---|---|", ...rows].join("\n")}\n`;
}

export async function drift(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: "string" }, since: { type: "string" }, json: { type: "boolean", default: false }, propose: { type: "boolean", default: false } },
  });
  const since = values.since === undefined ? undefined : sinceTime(values.since);
  const config = await openConfig(values.config, undefined, { storeOnly: true });
  const store = await storeFromConfig(config);
  try {
    await store.init();
    const entries = await driftReport(store, since ? { since } : {});
    if (!values.propose) {
      io.stdout.write(values.json ? `${JSON.stringify(entries, null, 2)}\n` : driftMarkdown(entries));
      return exitCodes.valid;
    }
    // The proposer edits the checkout's schemas and fixtures: each shape with the body of the delivery that
    // first showed it, and for a message we have no schema for the bodies of up to 50 (the sample its shape
    // is inferred from), as they came (the proposer redacts what it writes), in a folder only this user can read.
    // Typed as the proposer reads them: the receiver's drift entry and the proposer's input cannot share one
    // declaration (the contracts build the receiver), so the compiler checks that they agree here.
    const decoder = new TextDecoder();
    const shapes: ObservedShape[] = [];
    for (const { exampleIds, ...e } of entries) {
      const examples: unknown[] = [];
      for (const id of e.unknownMessage && e.keyword === "discriminator" ? exampleIds : [e.exampleId]) {
        const d = await store.get(id);
        if (d) examples.push(JSON.parse(decoder.decode(d.body)));
      }
      shapes.push({ ...e, examples });
    }
    const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-drift-"));
    try {
      writeFileSync(path.join(dir, "shapes.json"), JSON.stringify(shapes));
      return await runInRepository("drift --propose", "contracts/src/propose.ts", [path.join(dir, "shapes.json")], io);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await store.close();
  }
}
