/** validate and check-sequence: the contracts from the command line (no store, no server). */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type ProviderName, type ValidationIssue, checkSequence, isProviderName, providerNames, validateWebhook } from "@webhook-contracts/validators";
import { parseJson } from "@webhook-contracts/receiver/json";
import { type CliIO, UsageError, didYouMean, exitCodes, readAll } from "../io.js";

/** One line per issue: provider, message, JSON Pointer, what was expected, what came, and whether the rule is only inferred. */
export function formatIssue(issue: ValidationIssue): string {
  const where = issue.path === "" ? "(root)" : issue.path;
  return `${issue.provider} ${issue.messageName ?? "(unknown message)"} ${where}: expected ${issue.expected}, received ${issue.received} [${issue.keyword}${issue.inferred ? ", inferred" : ""}]`;
}

function parseCommand(args: string[], withStrict: boolean) {
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
async function readJsonInput(file: string, io: CliIO): Promise<unknown> {
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

export async function validate(args: string[], io: CliIO): Promise<number> {
  const { provider, json, strict, files } = parseCommand(args, true);
  if (files.length > 1) throw new UsageError(`one file at a time (got ${files.length})`);
  const body = await readJsonInput(files[0] ?? "-", io);
  const result = validateWebhook(provider, body, { mode: strict ? "strict" : "tolerant" });
  if (json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  for (const warning of result.warnings) io.stderr.write(`warning: ${formatIssue(warning)}\n`);
  if (result.ok) {
    const message = result.message ?? `unknown message "${result.unknownMessage}"`;
    if (!json) io.stdout.write(`valid: ${provider} ${message}${result.warnings.length ? ` (${result.warnings.length} warning(s))` : ""}\n`);
    return exitCodes.valid;
  }
  if (!json) for (const error of result.errors) io.stdout.write(`${formatIssue(error)}\n`);
  return exitCodes.invalid;
}

export async function sequence(args: string[], io: CliIO): Promise<number> {
  const { provider, json, files } = parseCommand(args, false);
  if (files.length === 0) throw new UsageError("check-sequence needs the delivery files, in the order they arrived");
  const deliveries: unknown[] = [];
  for (const file of files) deliveries.push(await readJsonInput(file, io));
  const report = checkSequence(provider, deliveries);
  if (json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (report.ok) {
    io.stdout.write(`sequence ok: ${provider}, ${report.deliveries} deliveries of ${report.subjects.length} order(s)\n`);
  } else {
    for (const finding of report.findings) {
      io.stdout.write(`${provider} #${finding.index + 1} ${files[finding.index]}: ${finding.kind}: ${finding.message}\n`);
    }
  }
  return report.ok ? exitCodes.valid : exitCodes.invalid;
}
