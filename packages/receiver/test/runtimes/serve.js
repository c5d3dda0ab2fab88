/**
 * The receiver core served by Bun (Bun.serve) or Deno (Deno.serve), for test/adapters.test.ts:
 *   bun serve.js --module <file URL> [--crypto auto|webcrypto|node] [--secret <ivy secret>]
 *   deno run --allow-read --allow-net --allow-env serve.js --module <file URL> [...]
 * --module is the core to import: the built dist/index.js, or a browser bundle of src/index.ts.
 * --crypto is the `crypto` option given to createReceiver (auto: none, the core picks).
 * It prints one line `READY {"port":…,"runtime":…,"backend":…}` once it listens, and answers:
 *   /webhooks/*  receiver.fetch
 *   GET /seen    what the handler saw, and the deliveries in the store
 * The core has no store for these runtimes: an in-memory one (memory-store.js). It exits when its stdin
 * closes, so that it never outlives the test that started it.
 */
import { memoryStore } from "./memory-store.js";

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const moduleUrl = option("module");
const cryptoOption = option("crypto", "auto");
const secret = option("secret", "ivy-runtime-secret");
if (!moduleUrl) throw new Error("--module <file URL> is required");

const { createReceiver, createCrypto } = await import(moduleUrl);

const store = memoryStore();
const prefer = cryptoOption === "auto" ? undefined : cryptoOption;
const receiver = createReceiver({
  store,
  providers: { ivy: { secrets: [secret] } },
  env: {},
  worker: { pollIntervalMs: 20, backoffBaseMs: 10, backoffMaxMs: 50 },
  ...(prefer ? { crypto: prefer } : {}),
});
const seen = [];
receiver.onAny("ivy", (event, message, context) => {
  seen.push({ id: event.id, message, attempt: context.attempt, delivery: context.delivery.id });
});
await receiver.start();

const info = {
  runtime: globalThis.Bun ? `bun ${Bun.version}` : globalThis.Deno ? `deno ${Deno.version.deno}` : "unknown",
  // What createReceiver picks for the same option (it calls createCrypto(options.crypto)).
  backend: createCrypto(prefer).backend,
  getBuiltinModule: typeof globalThis.process?.getBuiltinModule === "function",
};

async function fetchHandler(request) {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname === "/seen") {
    const deliveries = (await store.list()).map((d) => ({ id: d.id, status: d.status, attempts: d.attempts, message: d.message }));
    return Response.json({ ...info, seen, deliveries });
  }
  return receiver.fetch(request);
}

const ready = (port) => console.log(`READY ${JSON.stringify({ port, ...info })}`);
if (globalThis.Bun) {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: fetchHandler });
  ready(server.port);
  process.stdin
    .on("data", () => undefined)
    .on("end", () => process.exit(0))
    .on("close", () => process.exit(0));
} else if (globalThis.Deno) {
  Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: ({ port }) => ready(port) }, fetchHandler);
  (async () => {
    for await (const _ of Deno.stdin.readable) {
      // Nothing is expected on stdin: only its end matters.
    }
    Deno.exit(0);
  })();
} else {
  throw new Error("run me with bun or deno");
}
