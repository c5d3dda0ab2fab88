/**
 * diff: what changed in the contracts between two revisions, classified. It reads a contracts repository,
 * so the work is done by the checkout's own contracts/src/diff-command.ts.
 */
import type { CliIO } from "../io.js";
import { runInRepository } from "../repository.js";

export const diff = (args: string[], io: CliIO): Promise<number> => runInRepository("diff", "contracts/src/diff-command.ts", args, io);
