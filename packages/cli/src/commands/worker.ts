/** worker: the worker alone, for receivers started with --no-worker (SIGTERM or SIGINT drains it). */
import { parseArgs } from "node:util";
import { type CliIO, UsageError } from "../io.js";
import { adminPort, port, runUntilSignal, start } from "../gateway/run.js";
import { openConfig } from "./config.js";

export async function worker(args: string[], _io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      "forward-to": { type: "string" },
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "admin-port": { type: "string" },
    },
  });
  const config = await openConfig(values.config, values["forward-to"]);
  if (!config.forward) throw new UsageError("a worker needs somewhere to hand deliveries: --forward-to URL (or forward in the configuration)");
  const gateway = await start({
    config,
    worker: true,
    ...(values.port ? { listen: { port: port(values.port), host: values.host } } : {}),
    ...adminPort(values["admin-port"], config),
  });
  return runUntilSignal(gateway);
}
