/** What every command shares: its streams, its exit codes, and the error that means "exit 2". */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** 0 valid (or done), 1 invalid (or not all done), 2 usage or environment error (bad flags, config, files, ports). */
export const exitCodes = { valid: 0, invalid: 1, usage: 2 } as const;

/** Exit code 2. Input problems (unreadable file, malformed JSON, a bad config) skip the usage text: it would not help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
