/** What serve and worker share: the port flag, starting the gateway, and running until SIGTERM or SIGINT drains it. */
import { type ReceiverConfig, ReceiverConfigError } from "@webhook-contracts/receiver";
import { UsageError, exitCodes } from "../io.js";
import { type Gateway, startGateway } from "./gateway.js";

export function port(value: string | undefined, flag = "--port"): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number (0 to 65535), not ${value}`);
  return n;
}

/** --admin-port N: the admin port, on the configuration's admin host (default 127.0.0.1). */
export function adminPort(value: string | undefined, config: ReceiverConfig): { admin?: { port: number; host: string } } {
  if (value === undefined) return {};
  return { admin: { port: port(value, "--admin-port"), host: config.server?.admin?.host ?? "127.0.0.1" } };
}

export async function runUntilSignal(gateway: Gateway): Promise<number> {
  // A signal listener does not keep Node's event loop alive, and a worker without a port has nothing else
  // that does (its poll timer is unref'd): without this timer, `worker` would end at once (exit 13).
  const alive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  clearInterval(alive);
  await gateway.close();
  return exitCodes.valid;
}

export async function start(options: Parameters<typeof startGateway>[0]): Promise<Gateway> {
  try {
    return await startGateway(options);
  } catch (error) {
    if (error instanceof ReceiverConfigError) throw new UsageError(error.message.replace(/^receiver configuration: /, ""), false);
    throw error;
  }
}
