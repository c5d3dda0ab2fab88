/** serve: the receiver as a gateway (SIGTERM or SIGINT drains it). */
import { parseArgs } from "node:util";
import type { CliIO } from "../io.js";
import { adminPort, port, runUntilSignal, start } from "../gateway/run.js";
import { openConfig } from "./config.js";

export async function serve(args: string[], _io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      config: { type: "string" },
      "forward-to": { type: "string" },
      "no-worker": { type: "boolean", default: false },
      "admin-port": { type: "string" },
    },
  });
  const listen = { port: port(values.port), host: values.host };
  const config = await openConfig(values.config, values["forward-to"]);
  const gateway = await start({ config, listen, ...adminPort(values["admin-port"], config), ...(values["no-worker"] ? { worker: false } : {}) });
  return runUntilSignal(gateway);
}
