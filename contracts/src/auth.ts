/**
 * What a provider's authentication alternatives (ProviderContract.auth) ask of the receiver's settings:
 * the one list of secrets they share, a header name where one is configurable, a timestamp tolerance.
 * The receiver's config schema and types, its environment variables and the docs read this.
 */
import type { AuthScheme, ProviderContract } from "./model.ts";
import { constantCase } from "./naming.ts";

/** The settings a provider's alternatives take: its secrets, a header name where one is configurable, a timestamp tolerance. */
export interface ProviderSettings {
  secrets: string;
  secretsDescription: string;
  header?: string;
  toleranceSeconds?: number;
}

export function providerSettings(provider: ProviderContract): ProviderSettings {
  const schemes = provider.auth;
  const first = schemes[0]!;
  const configurable = schemes.find((s): s is Extract<AuthScheme, { kind: "apiKey" }> => s.kind === "apiKey" && s.configurableHeader);
  const timestamped = schemes.find((s): s is Extract<AuthScheme, { kind: "signature" }> => s.kind === "signature" && s.signature.timestamp !== undefined);
  return {
    secrets: first.secrets,
    secretsDescription: schemes.find((s) => s.secretsDescription)?.secretsDescription ?? `Secrets of ${provider.title}; any one of them is accepted.`,
    ...(configurable ? { header: configurable.header } : {}),
    ...(timestamped ? { toleranceSeconds: timestamped.signature.timestamp!.toleranceSeconds } : {}),
  };
}

/** The environment variable that replaces a provider's secrets (comma-separated). */
export const secretsVariable = (provider: string, setting: string) => `WEBHOOK_CONTRACTS_${constantCase(provider, setting)}`;
