/** serve: the receiver as a gateway; worker: the worker alone (SIGTERM or SIGINT drain both). */
import { parseArgs } from "node:util";
import { ReceiverConfigError } from "@webhook-contracts/receiver";
import { type Gateway, startGateway } from "../gateway/gateway.js";
import { type CliIO, UsageError, exitCodes } from "../io.js";
import { openConfig } from "./config.js";

function port(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a port number (0 to 65535), not ${value}`);
  return n;
}

async function runUntilSignal(gateway: Gateway): Promise<number> {
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await gateway.close();
  return exitCodes.valid;
}

async function start(options: Parameters<typeof startGateway>[0]): Promise<Gateway> {
  try {
    return await startGateway(options);
  } catch (error) {
    if (error instanceof ReceiverConfigError) throw new UsageError(error.message.replace(/^receiver configuration: /, ""), false);
    throw error;
  }
}

export async function serve(args: string[], _io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      config: { type: "string" },
      "forward-to": { type: "string" },
      "no-worker": { type: "boolean", default: false },
    },
  });
  const listen = { port: port(values.port), host: values.host };
  const config = await openConfig(values.config, values["forward-to"]);
  const gateway = await start({ config, listen, ...(values["no-worker"] ? { worker: false } : {}) });
  return runUntilSignal(gateway);
}

export async function worker(args: string[], _io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: "string" }, "forward-to": { type: "string" }, port: { type: "string" }, host: { type: "string", default: "127.0.0.1" } },
  });
  const config = await openConfig(values.config, values["forward-to"]);
  if (!config.forward) throw new UsageError("a worker needs somewhere to hand deliveries: --forward-to URL (or forward in the configuration)");
  const gateway = await start({ config, worker: true, ...(values.port ? { listen: { port: port(values.port), host: values.host } } : {}) });
  return runUntilSignal(gateway);
}
