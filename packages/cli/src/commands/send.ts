/** send: POSTs a fixture or a file, signed the way the provider signs (like stripe trigger). */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { allFixtures, fixtures } from "@webhook-contracts/fixtures";
import { authSchemes, signedHeaders } from "@webhook-contracts/receiver";
import { isProviderName, providerNames } from "@webhook-contracts/validators";
import { type CliIO, UsageError, didYouMean, exitCodes } from "../io.js";

export async function send(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      provider: { type: "string" },
      fixture: { type: "string" },
      to: { type: "string" },
      secret: { type: "string" },
      header: { type: "string" },
      scheme: { type: "string" },
    },
  });
  const provider = values.provider;
  if (!provider || !isProviderName(provider))
    throw new UsageError(`--provider must be one of ${providerNames.join(", ")}${provider ? didYouMean(provider, providerNames) : ""}`);
  if (!values.fixture) throw new UsageError("missing --fixture (a message name, or a JSON file)");
  if (!values.to) throw new UsageError("missing --to (the receiver's URL)");
  let url: URL;
  try {
    url = new URL(values.to);
  } catch {
    throw new UsageError(`--to must be a URL such as http://127.0.0.1:8080, not ${values.to}`);
  }
  let body: Buffer;
  const messages = Object.keys(fixtures[provider]);
  if (messages.includes(values.fixture)) {
    body = Buffer.from(JSON.stringify(allFixtures(provider, values.fixture as never)[0]!.payload));
  } else {
    try {
      body = await readFile(values.fixture);
    } catch (error) {
      throw new UsageError(
        `--fixture ${values.fixture} is neither a ${provider} message (${messages.join(", ")}) nor a readable file: ${(error as Error).message}`,
        false,
      );
    }
  }
  if (url.pathname === "/" || url.pathname === "") url.pathname = `/webhooks/${provider}`;
  const scheme = values.scheme;
  if (scheme !== undefined && !authSchemes[provider]!.some((s) => s.id === scheme))
    throw new UsageError(
      `--scheme must be one of ${authSchemes[provider]!.map((s) => s.id).join(", ")} for ${provider}${didYouMean(
        scheme,
        authSchemes[provider]!.map((s) => s.id),
      )}`,
    );
  const headers = {
    "content-type": "application/json",
    ...(values.secret
      ? await signedHeaders(provider, body, values.secret, { ...(values.header ? { header: values.header } : {}), ...(scheme ? { scheme } : {}) })
      : {}),
  };
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new UsageError(`cannot POST to ${url.href}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, false);
  }
  io.stdout.write(`${response.status} ${await response.text()}\n`);
  return response.ok ? exitCodes.valid : exitCodes.invalid;
}
