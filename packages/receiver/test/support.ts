/** What the receiver tests share: a receiver over real HTTP on loopback, signed requests, waiting for the worker. */
import { type Server, createServer } from "node:http";
import { getFixture } from "@webhook-contracts/fixtures";
import { type InboxStore, type ProvidersConfig, type Receiver, type ReceiverOptions, createReceiver, signedHeaders } from "../src/index.js";
import { createNodeMiddleware } from "../src/adapters/node.js";
import type { StoreKind } from "./stores.js";

export const providers: ProvidersConfig = {
  ivy: { secrets: ["ivy-old-signing-secret", "ivy-new-signing-secret"] },
  scalapay: { apiKeys: ["scalapay-api-key-0001"], toleranceSeconds: 300 },
  "amplia-reg": { apiKeys: ["amplia-api-key-0001"], header: "X-Amplia-Key" },
  retorna: { secrets: ["retorna-shared-secret"], header: "X-Webhook-Secret" },
};

export const ivyBody = (id = "evt_0001") => JSON.stringify({ ...getFixture("ivy", "order_updated", "paid"), id });

export interface Running {
  store: InboxStore;
  receiver: Receiver;
  server: Server;
  base: string;
  post(provider: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, any> }>;
  postIvy(body: string | Uint8Array, secret?: string): Promise<{ status: number; body: Record<string, any> }>;
  stop(): Promise<void>;
}

/** A receiver on a fresh store of `kind`, served by Node's http server on a free loopback port. */
export async function startReceiver(kind: StoreKind, options: Partial<ReceiverOptions> = {}, store?: InboxStore): Promise<Running> {
  store ??= await kind.create();
  // Not started here: the first request starts the worker, after the test has registered its handlers.
  const receiver = createReceiver({ store, providers, worker: { pollIntervalMs: 50, backoffBaseMs: 10, backoffMaxMs: 50 }, ...options });
  const server = createServer(createNodeMiddleware(receiver));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const post: Running["post"] = async (provider, body, headers = {}) => {
    const response = await fetch(`${base}/webhooks/${provider}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  return {
    store,
    receiver,
    server,
    base,
    post,
    postIvy: async (body, secret = "ivy-new-signing-secret") => post("ivy", body, await signedHeaders("ivy", body, secret)),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await receiver.stop(1000);
      await store!.close();
    },
  };
}

/** Resolves once `check` holds, polling; fails after `timeoutMs` with what it last saw. */
export async function until<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
