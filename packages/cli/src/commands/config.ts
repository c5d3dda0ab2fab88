/** The configuration file, loaded for a command: every problem is a usage error (exit 2), listed with where it is. */
import { ReceiverConfigError } from "@webhook-contracts/receiver";
import { type ReceiverConfig, loadConfig } from "@webhook-contracts/receiver/config";
import { UsageError } from "../io.js";

export async function openConfig(file: string | undefined, forwardTo?: string): Promise<ReceiverConfig> {
  if (!file) throw new UsageError("missing --config (a receiver configuration file)");
  try {
    return await loadConfig(file, process.env, forwardTo ? { forwardTo } : {});
  } catch (error) {
    if (error instanceof ReceiverConfigError) throw new UsageError(error.message, false);
    throw error;
  }
}
