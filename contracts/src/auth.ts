/**
 * What a provider's authentication alternatives (ProviderContract.auth) ask of the receiver's settings:
 * the lists of secrets they take (alternatives that name the same setting share it), a header name where
 * one is configurable, a timestamp tolerance. The receiver's config schema and types, its environment
 * variables and the docs read this.
 */
import { type AuthScheme, type ProviderContract, keyPrefix } from "./model.ts";
import { constantCase } from "./naming.ts";

/** One setting that lists secrets: its name, what it holds, and the prefix its secrets carry (`whsec_`), if any. */
export interface SecretsSetting {
  name: string;
  description: string;
  keyPrefix?: string;
  /** The alternatives that verify with it. */
  schemes: string[];
}

/** The settings a provider's alternatives take: its secrets, a header name where one is configurable, a timestamp tolerance. */
export interface ProviderSettings {
  /** In the order of the alternatives; at least one must be configured. */
  secrets: SecretsSetting[];
  header?: string;
  toleranceSeconds?: number;
}

export function providerSettings(provider: ProviderContract): ProviderSettings {
  const schemes = provider.auth;
  const secrets: SecretsSetting[] = [];
  for (const scheme of schemes) {
    const known = secrets.find((s) => s.name === scheme.secrets);
    if (known) {
      known.schemes.push(scheme.id);
      continue;
    }
    const sharing = schemes.filter((s) => s.secrets === scheme.secrets);
    const prefix = keyPrefix(scheme);
    secrets.push({
      name: scheme.secrets,
      description: sharing.find((s) => s.secretsDescription)?.secretsDescription ?? `Secrets of ${provider.title}; any one of them is accepted.`,
      ...(prefix !== undefined ? { keyPrefix: prefix } : {}),
      schemes: [scheme.id],
    });
  }
  const configurable = schemes.find((s): s is Extract<AuthScheme, { kind: "apiKey" }> => s.kind === "apiKey" && s.configurableHeader);
  const timestamped = schemes.find((s): s is Extract<AuthScheme, { kind: "signature" }> => s.kind === "signature" && s.signature.timestamp !== undefined);
  return {
    secrets,
    ...(configurable ? { header: configurable.header } : {}),
    ...(timestamped ? { toleranceSeconds: timestamped.signature.timestamp!.toleranceSeconds } : {}),
  };
}

/** The environment variable that replaces one of a provider's lists of secrets (comma-separated). */
export const secretsVariable = (provider: string, setting: string) => `WEBHOOK_CONTRACTS_${constantCase(provider, setting)}`;
