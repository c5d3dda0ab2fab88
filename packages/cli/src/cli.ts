/**
 * webhook-contracts: the command line over the generated validators.
 *   webhook-contracts validate --provider <name> [--strict] [--json] [FILE|-]
 * Exit codes: 0 valid (warnings on stderr), 1 invalid (one error a line), 2 usage error.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type ValidationIssue, isProviderName, providerNames, validateWebhook } from "@webhook-contracts/validators";
import { parseJson } from "./json.js";

export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const exitCodes = { valid: 0, invalid: 1, usage: 2 } as const;

const usage = `Usage:
  webhook-contracts validate --provider <${providerNames.join("|")}> [--strict] [--json] [FILE|-]

Validates one webhook payload (a file, or standard input when FILE is - or absent) against the
message its discriminator picks.
  --provider  who sent it: ${providerNames.join(", ")}
  --strict    unknown properties and unlisted code-list values are errors (default: warnings)
  --json      print the whole result as JSON on stdout

Exit codes: 0 valid (warnings on stderr), 1 invalid (one error a line on stdout), 2 usage error.
`;

/** Exit code 2. Input problems (unreadable file, malformed JSON) skip the usage text: it would not help. */
class UsageError extends Error {
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

async function validate(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      provider: { type: "string" },
      strict: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const provider = values.provider;
  if (!provider) throw new UsageError("missing --provider");
  if (!isProviderName(provider)) throw new UsageError(`unknown provider "${provider}": expected one of ${providerNames.join(", ")}`);
  if (positionals.length > 1) throw new UsageError(`one file at a time (got ${positionals.length})`);
  const file = positionals[0] ?? "-";
  let text: string;
  try {
    text = file === "-" ? await readAll(io.stdin) : await readFile(file, "utf8");
  } catch (cause) {
    throw new UsageError(`cannot read ${file === "-" ? "standard input" : file}: ${(cause as Error).message}`, false);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UsageError(`${file === "-" ? "standard input" : file}: ${parsed.error.message}`, false);

  const result = validateWebhook(provider, parsed.value, { mode: values.strict ? "strict" : "tolerant" });
  if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  for (const warning of result.warnings) io.stderr.write(`warning: ${formatIssue(warning)}\n`);
  if (result.ok) {
    if (!values.json) io.stdout.write(`valid: ${provider} ${result.message}${result.warnings.length ? ` (${result.warnings.length} warning(s))` : ""}\n`);
    return exitCodes.valid;
  }
  if (!values.json) for (const error of result.errors) io.stdout.write(`${formatIssue(error)}\n`);
  return exitCodes.invalid;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return await validate(rest, io);
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
