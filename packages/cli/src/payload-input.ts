/** What validate and check-sequence share: their flags, reading JSON from files or standard input, one line per issue. */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type ProviderName, type ValidationIssue, isProviderName, providerNames } from "@webhook-contracts/validators";
import { parseJson } from "@webhook-contracts/receiver/json";
import { type CliIO, UsageError, didYouMean, readAll } from "./io.js";

/** One line per issue: provider, message, JSON Pointer, what was expected, what came, and whether the rule is only inferred. */
export function formatIssue(issue: ValidationIssue): string {
  const where = issue.path === "" ? "(root)" : issue.path;
  return `${issue.provider} ${issue.messageName ?? "(unknown message)"} ${where}: expected ${issue.expected}, received ${issue.received} [${issue.keyword}${issue.inferred ? ", inferred" : ""}]`;
}

export function parseCommand(args: string[], withStrict: boolean) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      provider: { type: "string" },
      json: { type: "boolean", default: false },
      ...(withStrict ? { strict: { type: "boolean" as const, default: false } } : {}),
    },
  });
  const provider = values.provider as string | undefined;
  if (!provider) throw new UsageError("missing --provider");
  if (!isProviderName(provider))
    throw new UsageError(`unknown provider "${provider}"${didYouMean(provider, providerNames)}: expected one of ${providerNames.join(", ")}`);
  return { provider: provider as ProviderName, json: Boolean(values.json), strict: Boolean(values.strict), files: positionals };
}

/** Reads and parses one JSON file (or standard input for "-"); unreadable or malformed input is a usage error. */
export async function readJsonInput(file: string, io: CliIO): Promise<unknown> {
  const label = file === "-" ? "standard input" : file;
  let text: string;
  try {
    text = file === "-" ? (await readAll(io.stdin)).toString("utf8") : await readFile(file, "utf8");
  } catch (cause) {
    throw new UsageError(`cannot read ${label}: ${(cause as Error).message}`, false);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UsageError(`${label}: ${parsed.error.message}`, false);
  return parsed.value;
}
