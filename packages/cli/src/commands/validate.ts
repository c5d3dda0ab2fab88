/** validate: one payload against the message its discriminator picks (no store, no server). */
import { validateWebhook } from "@webhook-contracts/validators";
import { type CliIO, UsageError, exitCodes } from "../io.js";
import { formatIssue, parseCommand, readJsonInput } from "../payload-input.js";

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
