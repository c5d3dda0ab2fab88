/**
 * webhook-contracts: the command line over the contracts and the receiver. Each command is a module of
 * its own under commands/, loaded when it runs (validate loads no store and no server).
 * Exit codes: 0 valid or done, 1 invalid or not all done, 2 usage or environment error.
 */
import { type CliIO, UsageError, exitCodes } from "./io.js";

export { type CliIO, UsageError, exitCodes } from "./io.js";

const usageText = (providers: string) => `Usage:
  webhook-contracts validate --provider <${providers}> [--strict] [--json] [FILE|-]
  webhook-contracts check-sequence --provider <${providers}> [--json] FILE...
  webhook-contracts serve --config FILE [--port 8080] [--host 127.0.0.1] [--forward-to URL] [--no-worker]
  webhook-contracts worker --config FILE [--forward-to URL] [--port N]
  webhook-contracts send --provider <name> --fixture NAME|FILE --to URL [--secret S] [--header H]
  webhook-contracts inbox list --config FILE [--status S] [--provider P] [--limit N] [--json]
  webhook-contracts inbox replay --config FILE ID [--force] | --all-quarantined

validate: checks one webhook payload (a file, or standard input when FILE is - or absent) against the
message its discriminator picks.
check-sequence: checks the deliveries of an order, given in the order they arrived: duplicates,
deliveries older than one that arrived before them, illegal status jumps, missing deliveries.
serve: receives webhooks on POST /webhooks/<provider>; each delivery is stored before it is answered 200,
then forwarded (--forward-to) signed with Standard Webhooks; /healthz, /readyz, /metrics; SIGTERM drains.
worker: forwards stored deliveries, for receivers started with --no-worker (several may run).
send: POSTs a fixture (a message name) or a file, signed the way the provider signs, like stripe trigger.
inbox: lists the stored deliveries, or queues them again (a quarantined one, once its cause is fixed).
  --provider  who sent it: ${providers.replace(/\|/g, ", ")}
  --strict    what tolerant mode only warns about is an error: unknown properties and messages,
              unlisted values of open lists, inferred rules, transitions the lifecycle does not list
  --json      print the whole result as JSON on stdout

Exit codes: 0 valid or done (warnings on stderr), 1 invalid or not all done (one problem a line on
stdout), 2 usage or environment error (bad flags, configuration, files, ports).
`;

async function usage(): Promise<string> {
  const { providerNames } = await import("@webhook-contracts/validators");
  return usageText(providerNames.join("|"));
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return await (await import("./commands/validate.js")).validate(rest, io);
      case "check-sequence":
        return await (await import("./commands/validate.js")).sequence(rest, io);
      case "serve":
        return await (await import("./commands/serve.js")).serve(rest, io);
      case "worker":
        return await (await import("./commands/serve.js")).worker(rest, io);
      case "send":
        return await (await import("./commands/send.js")).send(rest, io);
      case "inbox":
        return await (await import("./commands/inbox.js")).inbox(rest, io);
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(await usage());
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
      io.stderr.write(`webhook-contracts: ${(error as Error).message}\n${showUsage ? `\n${await usage()}` : ""}`);
      return exitCodes.usage;
    }
    throw error;
  }
}
