/** drift: what the stored deliveries say the contracts miss (warnings and quarantine reasons, counted and described). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ObservedShape } from "@webhook-contracts/contracts/propose";
import { type DriftEntry, driftReport } from "@webhook-contracts/receiver";
import { storeFromConfig } from "@webhook-contracts/receiver/config";
import { type CliIO, UsageError, exitCodes, sinceTime } from "../io.js";
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

/** What `--fail-on` can name: the kinds of drift a scheduled CI job may fail on. */
export const failOnKinds = ["new-messages", "new-fields", "new-values", "any"] as const;
export type FailOn = (typeof failOnKinds)[number];

const isKind: Record<Exclude<FailOn, "any">, (e: DriftEntry) => boolean> = {
  // A message we have no schema for: its discriminator names none.
  "new-messages": (e) => e.unknownMessage && e.keyword === "discriminator",
  // A field the schema does not list (a warning in tolerant mode).
  "new-fields": (e) => e.keyword === "additionalProperties",
  // A value an open list does not know yet (a status, a code, a currency the provider added).
  "new-values": (e) => e.keyword === "x-known-values",
};

/** `--fail-on a,b`: the kinds named, checked; a name it does not know is a usage error. */
export function parseFailOn(value: string): FailOn[] {
  const kinds = value.split(",").map((k) => k.trim());
  const unknown = kinds.filter((k) => !(failOnKinds as readonly string[]).includes(k));
  if (unknown.length || kinds.length === 0)
    throw new UsageError(`--fail-on takes ${failOnKinds.join(", ")} (several with commas), not ${unknown.join(", ") || "nothing"}`);
  return kinds as FailOn[];
}

/** The drift entries `--fail-on` fails on, each described in a line (provider, message, pointer); none: pass. */
export function failingDrift(entries: readonly DriftEntry[], kinds: readonly FailOn[]): string[] {
  const where = (e: DriftEntry) => `${e.provider} ${e.message ?? "(no message)"} ${e.pointer || "/"} (${e.keyword}, ${e.count}x)`;
  if (kinds.includes("any")) return entries.map(where);
  return entries.filter((e) => kinds.some((k) => isKind[k as Exclude<FailOn, "any">](e))).map(where);
}

export async function drift(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      since: { type: "string" },
      json: { type: "boolean", default: false },
      propose: { type: "boolean", default: false },
      "fail-on": { type: "string" },
      "min-observations": { type: "string" },
    },
  });
  const minObservations = values["min-observations"];
  if (minObservations !== undefined && (!values.propose || !/^[1-9]\d*$/.test(minObservations)))
    throw new UsageError(`--min-observations takes a whole number of deliveries (1 or more), with --propose; received ${minObservations}`);
  const failOn = values["fail-on"] === undefined ? undefined : parseFailOn(values["fail-on"]);
  if (failOn && values.propose) throw new UsageError("--fail-on is for the report; run drift --propose apart");
  const since = values.since === undefined ? undefined : sinceTime(values.since);
  const config = await openConfig(values.config, undefined, { storeOnly: true });
  const store = await storeFromConfig(config);
  try {
    await store.init();
    const entries = await driftReport(store, since ? { since } : {});
    if (!values.propose) {
      io.stdout.write(values.json ? `${JSON.stringify(entries, null, 2)}\n` : driftMarkdown(entries));
      if (!failOn) return exitCodes.valid;
      const failing = failingDrift(entries, failOn);
      if (failing.length === 0) return exitCodes.valid;
      io.stderr.write(
        `drift: ${failing.length} ${failing.length === 1 ? "finding" : "findings"} of --fail-on ${failOn.join(",")}:\n${failing.map((f) => `  ${f}\n`).join("")}`,
      );
      return exitCodes.invalid;
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
      const args = [path.join(dir, "shapes.json"), ...(minObservations === undefined ? [] : [minObservations])];
      return await runInRepository("drift --propose", "contracts/src/propose.ts", args, io);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await store.close();
  }
}
