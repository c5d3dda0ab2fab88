/**
 * webhook-contracts: the command line over the generated validators.
 *   webhook-contracts validate --provider <name> [--strict] [--json] [FILE|-]
 *   webhook-contracts check-sequence --provider <name> [--json] FILE...
 *   webhook-contracts serve --port N --config FILE
 *   webhook-contracts send --provider <name> --fixture NAME|FILE --to URL [--secret S] [--header H]
 *   webhook-contracts inbox list --config FILE [--status S] [--json]
 *   webhook-contracts inbox replay --config FILE ID|--all-quarantined
 * Exit codes: 0 valid (warnings on stderr), 1 invalid (one problem a line), 2 usage error.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type ProviderName, type ValidationIssue, checkSequence, isProviderName, providerNames, validateWebhook } from "@webhook-contracts/validators";
import { parseJson } from "@webhook-contracts/receiver";
import { inbox, send, serve } from "./receive.js";

export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const exitCodes = { valid: 0, invalid: 1, usage: 2 } as const;

const usage = `Usage:
  webhook-contracts validate --provider <${providerNames.join("|")}> [--strict] [--json] [FILE|-]
  webhook-contracts check-sequence --provider <${providerNames.join("|")}> [--json] FILE...
  webhook-contracts serve --port N --config FILE
  webhook-contracts send --provider <name> --fixture NAME|FILE --to URL [--secret S] [--header H]
  webhook-contracts inbox list --config FILE [--status received|handled|quarantined|rejected] [--json]
  webhook-contracts inbox replay --config FILE ID|--all-quarantined

validate: checks one webhook payload (a file, or standard input when FILE is - or absent) against the
message its discriminator picks.
check-sequence: checks the deliveries of an order, given in the order they arrived: duplicates,
deliveries older than one that arrived before them, illegal status jumps, missing deliveries.
serve: runs a receiver on POST /webhooks/<provider> (config: store and each provider's secrets).
send: POSTs a fixture (a message name) or a file, signed the way the provider signs, like stripe trigger.
inbox: lists the stored deliveries, or replays them (a quarantined one, once its cause is fixed).
  --provider  who sent it: ${providerNames.join(", ")}
  --strict    unknown properties and unlisted code-list values are errors (default: warnings)
  --json      print the whole result as JSON on stdout

Exit codes: 0 valid (warnings on stderr), 1 invalid (one problem a line on stdout), 2 usage error.
`;

/** Exit code 2. Input problems (unreadable file, malformed JSON) skip the usage text: it would not help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** One line per issue: provider, message, JSON Pointer, what was expected, what came. */
export function formatIssue(issue: ValidationIssue): string {
  const where = issue.path === "" ? "(root)" : issue.path;
  return `${issue.provider} ${issue.messageName ?? "(unknown message)"} ${where}: expected ${issue.expected}, received ${issue.received} [${issue.keyword}]`;
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
  if (!isProviderName(provider)) throw new UsageError(`unknown provider "${provider}": expected one of ${providerNames.join(", ")}`);
  return { provider: provider as ProviderName, json: Boolean(values.json), strict: Boolean(values.strict), files: positionals };
}

/** Reads and parses one JSON file (or standard input for "-"); unreadable or malformed input is a usage error. */
async function readJsonInput(file: string, io: CliIO): Promise<unknown> {
  const label = file === "-" ? "standard input" : file;
  let text: string;
  try {
    text = file === "-" ? await readAll(io.stdin) : await readFile(file, "utf8");
  } catch (cause) {
    throw new UsageError(`cannot read ${label}: ${(cause as Error).message}`, false);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UsageError(`${label}: ${parsed.error.message}`, false);
  return parsed.value;
}

async function validate(args: string[], io: CliIO): Promise<number> {
  const { provider, json, strict, files } = parseCommand(args, true);
  if (files.length > 1) throw new UsageError(`one file at a time (got ${files.length})`);
  const body = await readJsonInput(files[0] ?? "-", io);
  const result = validateWebhook(provider, body, { mode: strict ? "strict" : "tolerant" });
  if (json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  for (const warning of result.warnings) io.stderr.write(`warning: ${formatIssue(warning)}\n`);
  if (result.ok) {
    if (!json) io.stdout.write(`valid: ${provider} ${result.message}${result.warnings.length ? ` (${result.warnings.length} warning(s))` : ""}\n`);
    return exitCodes.valid;
  }
  if (!json) for (const error of result.errors) io.stdout.write(`${formatIssue(error)}\n`);
  return exitCodes.invalid;
}

async function sequence(args: string[], io: CliIO): Promise<number> {
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

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return await validate(rest, io);
      case "check-sequence":
        return await sequence(rest, io);
      case "serve":
        return await serve(rest, io);
      case "send":
        return await send(rest, io);
      case "inbox":
        return await inbox(rest, io);
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(usage);
        return exitCodes.valid;
      case undefined:
        throw new UsageError("missing command");
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    // parseArgs throws TypeErrors with a code for unknown or malformed options: those are usage errors too.
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      const showUsage = !(error instanceof UsageError) || error.showUsage;
      io.stderr.write(`webhook-contracts: ${(error as Error).message}\n${showUsage ? `\n${usage}` : ""}`);
      return exitCodes.usage;
    }
    throw error;
  }
}
