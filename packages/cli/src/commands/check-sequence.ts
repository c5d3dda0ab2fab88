/** check-sequence: the deliveries of an order, in the order they arrived, against the provider's lifecycle. */
import { checkSequence } from "@webhook-contracts/validators";
import { type CliIO, UsageError, exitCodes } from "../io.js";
import { parseCommand, readJsonInput } from "../payload-input.js";

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
