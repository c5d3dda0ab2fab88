import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project the generators read and write. WEBHOOK_CONTRACTS_ROOT points them at another one (the
 * benchmark's synthetic 300-message project); otherwise it is this repository.
 */
export const repoRoot = path.resolve(process.env.WEBHOOK_CONTRACTS_ROOT ?? fileURLToPath(new URL("../../", import.meta.url)));
export const asyncApiFile = path.join(repoRoot, "asyncapi.yaml");
export const schemasDir = path.join(repoRoot, "schemas");
export const fixturesDir = path.join(repoRoot, "fixtures");
