/** The configuration file, loaded for a command: every problem is a usage error (exit 2), listed with where it is. */
import { ReceiverConfigError } from "@webhook-contracts/receiver";
import { type LoadOptions, type ReceiverConfig, loadConfig } from "@webhook-contracts/receiver/config";
import { DEFAULT_MAX_BODY_BYTES } from "@webhook-contracts/receiver";
import { limitProblems } from "../gateway/limits.js";
import { UsageError } from "../io.js";

/**
 * `storeOnly`: for commands that only read the store (inbox list, inbox check, drift), which must run
 * without the providers' secrets (in CI, say); everything else in the file is still checked.
 */
export async function openConfig(file: string | undefined, forwardTo?: string, options: LoadOptions = {}): Promise<ReceiverConfig> {
  if (!file) throw new UsageError("missing --config (a receiver configuration file)");
  try {
    const check = (config: ReceiverConfig) => limitProblems(config.server ?? {}, config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    return await loadConfig(file, process.env, forwardTo ? { forwardTo } : {}, { check, ...options });
  } catch (error) {
    if (error instanceof ReceiverConfigError) throw new UsageError(error.message, false);
    throw error;
  }
}
