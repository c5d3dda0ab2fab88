/**
 * webhook-contracts: the command line over the contracts and the receiver. Each command is a module of
 * its own under commands/, loaded when it runs (validate loads no store and no server).
 * Exit codes: 0 valid or done, 1 invalid or not all done, 2 usage or environment error. No failure
 * prints a stack trace unless --debug asks for one.
 */
import packageJson from "../package.json" with { type: "json" };
import { type CliIO, UsageError, didYouMean, exitCodes } from "./io.js";

export { type CliIO, UsageError, exitCodes } from "./io.js";

interface Command {
  name: string;
  /** Synopsis lines, without the program name; the options they name are the ones suggested for a typo. */
  usage: string[];
  summary: string;
  /** Option descriptions, one per line. */
  options?: string[];
  examples: string[];
  run(args: string[], io: CliIO): Promise<number>;
}

const commands: Command[] = [
  {
    name: "validate",
    usage: ["validate --provider <P> [--strict] [--json] [FILE|-]"],
    summary: "checks one webhook payload (a file, or standard input when FILE is - or absent) against the message its discriminator picks",
    options: [
      "--provider  who sent it (the providers are listed below)",
      "--strict    what tolerant mode only warns about is an error: unknown properties and messages,",
      "            unlisted values of open lists, inferred rules, transitions the lifecycle does not list",
      "--json      print the whole result as JSON on stdout",
    ],
    examples: ["webhook-contracts validate --provider scalapay payload.json", "cat payload.json | webhook-contracts validate --provider ivy --strict --json -"],
    run: async (args, io) => (await import("./commands/validate.js")).validate(args, io),
  },
  {
    name: "check-sequence",
    usage: ["check-sequence --provider <P> [--json] FILE..."],
    summary:
      "checks the deliveries of an order, given in the order they arrived: duplicates, deliveries older than one that arrived before them, unlisted or impossible status jumps, missing deliveries",
    examples: ["webhook-contracts check-sequence --provider amplia-reg first.json second.json third.json"],
    run: async (args, io) => (await import("./commands/check-sequence.js")).sequence(args, io),
  },
  {
    name: "serve",
    usage: ["serve --config FILE [--port 8080] [--host 127.0.0.1] [--forward-to URL] [--no-worker] [--admin-port N]"],
    summary:
      "receives webhooks on POST /webhooks/<provider>; each delivery is stored before it is answered 200, then forwarded (--forward-to) signed with Standard Webhooks; /healthz, /readyz, /metrics (--admin-port N: the last two on a port of their own); SIGTERM drains",
    examples: ["webhook-contracts serve --config webhook-contracts.json --port 8080 --forward-to http://127.0.0.1:9000/hooks"],
    run: async (args, io) => (await import("./commands/serve.js")).serve(args, io),
  },
  {
    name: "worker",
    usage: ["worker --config FILE [--forward-to URL] [--port N] [--admin-port N]"],
    summary: "forwards stored deliveries, for receivers started with --no-worker (several may run)",
    examples: ["webhook-contracts worker --config webhook-contracts.json --forward-to http://127.0.0.1:9000/hooks"],
    run: async (args, io) => (await import("./commands/worker.js")).worker(args, io),
  },
  {
    name: "send",
    usage: ["send --provider <P> --fixture NAME|FILE --to URL [--secret S] [--header H] [--scheme ID]"],
    summary:
      "POSTs a fixture (a message name) or a file, signed the way the provider signs, like stripe trigger; where it signs more than one way, a whsec_ secret signs the Standard Webhooks way, or --scheme names the way",
    examples: [
      'webhook-contracts send --provider ivy --fixture order_updated --to http://127.0.0.1:8080 --secret "$IVY_SECRET"',
      'webhook-contracts send --provider ivy --fixture payout.paid --to http://127.0.0.1:8080 --secret "$IVY_WEBHOOK_KEY"   (whsec_…: webhook-signature)',
    ],
    run: async (args, io) => (await import("./commands/send.js")).send(args, io),
  },
  {
    name: "diff",
    usage: ["diff [--base REF] [--head REF] [--json]"],
    summary:
      "lists every change of the contracts between two git revisions (base: HEAD; head: the working tree) by provider, message and JSON Pointer, with whether it rejects more payloads and whether it breaks the types; run in a checkout of the contracts repository",
    examples: ["webhook-contracts diff", "webhook-contracts diff --base v1.2.0 --head main --json"],
    run: async (args, io) => (await import("./commands/diff.js")).diff(args, io),
  },
  {
    name: "drift",
    usage: [
      "drift --config FILE [--since 30d] [--json] [--fail-on new-messages,new-fields,new-values|any]",
      "drift --config FILE [--since 30d] --propose [--min-observations 10]",
    ],
    summary:
      "what the stored deliveries say the contracts miss: every tolerant-mode warning and quarantine reason by provider, message and JSON Pointer, counted, first and last seen, with redacted samples and what the values look like; with --fail-on, exit 1 when it finds drift of those kinds (a scheduled CI job)",
    examples: [
      "webhook-contracts drift --config webhook-contracts.json --since 30d",
      "webhook-contracts drift --config webhook-contracts.json --since 1d --fail-on new-messages,new-fields",
      "webhook-contracts drift --config webhook-contracts.json --propose",
    ],
    run: async (args, io) => (await import("./commands/drift.js")).drift(args, io),
  },
  {
    name: "inbox",
    usage: [
      "inbox list --config FILE [--status S] [--provider P] [--limit N] [--json]",
      "inbox check --config FILE [--since 30d] [--json]",
      "inbox replay --config FILE ID [--force] | --all-quarantined",
    ],
    summary:
      "lists the stored deliveries; checks them against today's validators (which accepted ones would now be rejected: exit 1; which quarantined ones would now pass); or queues them again (a quarantined one, once its cause is fixed)",
    examples: [
      "webhook-contracts inbox list --config webhook-contracts.json --status quarantined",
      "webhook-contracts inbox check --config webhook-contracts.json --since 30d",
      "webhook-contracts inbox replay --config webhook-contracts.json --all-quarantined",
    ],
    run: async (args, io) => (await import("./commands/inbox.js")).inbox(args, io),
  },
];

const exitCodeText = `Exit codes: 0 valid or done (warnings on stderr), 1 invalid or not all done (one problem a line on
stdout), 2 usage or environment error (bad flags, configuration, files, ports).`;

/** The providers <P> stands for, from the validators (never a list written here). */
async function providersLine(): Promise<string> {
  const { providerNames } = await import("@webhook-contracts/validators");
  return `Providers (<P>): ${providerNames.join(", ")}`;
}

async function usage(): Promise<string> {
  const lines = commands.flatMap((c) => c.usage.map((u) => `  webhook-contracts ${u}`));
  const summaries = commands.map((c) => `  ${c.name.padEnd(15)}${c.summary}`);
  return `Usage:\n${lines.join("\n")}\n  webhook-contracts <command> --help | --version\n\nCommands:\n${summaries.join("\n")}\n\n${await providersLine()}\n\n${exitCodeText}\n`;
}

async function commandHelp(c: Command): Promise<string> {
  const options = c.options ? `\nOptions:\n${c.options.map((o) => `  ${o}`).join("\n")}\n` : "";
  const providers = c.usage.some((u) => u.includes("<P>")) ? `\n${await providersLine()}\n` : "";
  return `Usage:\n${c.usage.map((u) => `  webhook-contracts ${u}`).join("\n")}\n\n${c.summary}.\n${options}${providers}\nExamples:\n${c.examples.map((e) => `  ${e}`).join("\n")}\n\n${exitCodeText}\n`;
}

/** The options a command's synopsis names: what an unknown option is compared with. */
const optionsOf = (c: Command) => [...new Set(c.usage.join(" ").match(/--[a-z][a-z-]*/g) ?? [])];

/** node:util's parseArgs throws these for an unknown or malformed option: usage errors as well. */
const isParseError = (error: unknown) => (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const debug = argv.includes("--debug");
  const [commandName, ...rest] = argv.filter((a) => a !== "--debug");
  const command = commands.find((c) => c.name === commandName);
  try {
    if (commandName === "--version" || commandName === "-v" || commandName === "version") {
      io.stdout.write(`${packageJson.version}\n`);
      return exitCodes.valid;
    }
    if (commandName === "help" || commandName === "--help" || commandName === "-h") {
      const about = commands.find((c) => c.name === rest[0]);
      io.stdout.write(about ? await commandHelp(about) : await usage());
      return exitCodes.valid;
    }
    if (commandName === undefined) throw new UsageError("missing command");
    if (!command)
      throw new UsageError(
        `unknown command "${commandName}"${didYouMean(
          commandName,
          commands.map((c) => c.name),
        )}`,
      );
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(await commandHelp(command));
      return exitCodes.valid;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseError(error)) {
      let message = (error as Error).message;
      const unknownOption = isParseError(error) ? /Unknown option '(--?[^']+)'/.exec(message)?.[1] : undefined;
      // parseArgs adds advice about "--" that does not fit here: the first sentence says it.
      if (unknownOption) message = `unknown option '${unknownOption}'${command ? didYouMean(unknownOption, optionsOf(command)) : ""}`;
      const help = command ? `webhook-contracts ${command.name} --help` : "webhook-contracts --help";
      const showHelp = !(error instanceof UsageError) || error.showUsage;
      io.stderr.write(`webhook-contracts: ${message}${showHelp ? ` (see ${help})` : ""}\n`);
      return exitCodes.usage;
    }
    // Anything else is the environment's doing (a file system, a network, a database): one line, exit 2.
    const text = error instanceof Error ? error.message : String(error);
    const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : "";
    io.stderr.write(`webhook-contracts: ${text.split("\n")[0]}${debug ? "" : " (--debug shows where)"}${stack}\n`);
    return exitCodes.usage;
  }
}
