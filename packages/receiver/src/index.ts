/**
 * @webhook-contracts/receiver: the core. It imports no Node built-in (it runs on Node, Bun, Deno and
 * fetch-style workers); the adapters and stores are entry points of their own:
 *   @webhook-contracts/receiver/node      Node http, Express, Connect
 *   @webhook-contracts/receiver/fastify   Fastify
 *   @webhook-contracts/receiver/sqlite    the SQLite store (better-sqlite3)
 *   @webhook-contracts/receiver/postgres  the PostgreSQL store (pg)
 *   @webhook-contracts/receiver/config    the configuration file of `webhook-contracts serve` (Node)
 */
export type * from "./generated/auth-schemes.js";
export type { AuthResult, AuthScheme, Headers, SecretSource, SignatureSpec } from "./core/auth.js";
export { authSchemes } from "./core/auth.js";
export { type DecodedBody, DEFAULT_MAX_DEPTH, decodeBody, rawValueAt } from "./core/body.js";
export { type Crypto, type CryptoBackend, createCrypto, timingSafeEqual } from "./core/crypto.js";
export { type Forwarded, forwardBody, forwarder, withoutUserinfo } from "./core/forward.js";
export { type JsonParseResult, type JsonSyntaxError, parseJson } from "./core/json.js";
export {
  type Admission,
  type Answer,
  type HandlerContext,
  type RawRequest,
  type Receiver,
  type ReceiverEvent,
  type ReceiverOptions,
  type RequestOutcome,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  createReceiver,
} from "./core/receiver.js";
export {
  type ConfigProblem,
  type ForwardSettings,
  type ReceiverConfig,
  ReceiverConfigError,
  type ReceiverSettings,
  type ServerSettings,
  type WorkerSettings,
  configProblems,
} from "./core/settings.js";
export {
  type Delivery,
  type DeliveryStatus,
  type InboxStore,
  type ListFilter,
  type NewDelivery,
  type Outcome,
  type StoreStats,
  RefusedByStore,
  deliveryStatuses,
  isRefusedByStore,
} from "./core/store.js";
export { backoffMs } from "./core/worker.js";
export { type DriftEntry, type DriftOptions, driftReport } from "./core/drift.js";
export { type InboxCheckOptions, type InboxCheckResult, type InboxVerdict, checkInbox } from "./core/inbox-check.js";

import { type SignOptions, signedHeaders as sign } from "./core/auth.js";
import { createCrypto as crypto } from "./core/crypto.js";

export type { SignOptions } from "./core/auth.js";

/**
 * The headers a provider would send with `body`, signed with `secret`: what `webhook-contracts send` uses.
 * Where a provider has several alternatives, the secret's form picks one (`whsec_`: Standard Webhooks), or `options.scheme`.
 */
export function signedHeaders(provider: string, body: string | Uint8Array, secret: string, options: SignOptions = {}): Promise<Record<string, string>> {
  return sign(crypto(), provider, body, secret, options);
}
