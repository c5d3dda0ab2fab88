/**
 * Each adapter with its real framework or runtime, over real HTTP on loopback, with signed Ivy
 * deliveries: Node's http server, Express 5, Connect and Fastify 5 (./node, ./fastify), Hono on Node,
 * Bun and Deno (receiver.fetch on the built core), the core bundled for the browser (run in Deno and in
 * headless Chromium), and that importing the core loads neither better-sqlite3 nor pg.
 *
 * With CI=true a missing runtime (bun, deno, chromium) fails its tests; locally they are skipped.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import connect from "connect";
import { build } from "esbuild";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InboxStore, type Receiver, createReceiver, signedHeaders } from "../src/index.js";
import { createNodeMiddleware } from "../src/adapters/node.js";
import { fastifyWebhooks } from "../src/adapters/fastify.js";
import { ivyBody, providers, until } from "./support.js";
import { storeKinds } from "./stores.js";
import { CHROMIUM_ARGS, findChromium } from "../../../tests/support/chromium.js";

const packageDir = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const repoRoot = path.resolve(packageDir, "../..");
const runtimesDir = path.join(packageDir, "test/runtimes");
const CI = Boolean(process.env.CI);
const SECRET = "ivy-new-signing-secret";

let sequence = 0;
/** A fresh Ivy event id: deliveries are keyed by it, and a repeated one would be a duplicate. */
const nextId = (tag: string) => `evt_${tag}_${process.pid}_${++sequence}`;

// ---------------------------------------------------------------------------------------------------
// Helpers: a receiver on a real store, a server on a free loopback port, requests.

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, any> | undefined;
}

async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  // A hang fails the test in seconds, not at the test timeout.
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000), ...init });
  const text = await response.text();
  let json: Record<string, any> | undefined;
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs `body` to /webhooks/ivy at `base`, signed with `secret` over `signedBody` (default: the body itself). */
async function postIvy(base: string, body: string, options: { signedBody?: string; secret?: string } = {}): Promise<Reply> {
  const headers = await signedHeaders("ivy", options.signedBody ?? body, options.secret ?? SECRET);
  return request(`${base}/webhooks/ivy`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

/**
 * An Ivy body as a provider could send it: pretty-printed, so that a parsed and re-serialised copy is not
 * the bytes that were signed (the signature holds on the raw bytes only).
 */
const prettyIvyBody = (id: string) => JSON.stringify(JSON.parse(ivyBody(id)), null, 2);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Harness {
  receiver: Receiver;
  store: InboxStore;
  /** Ivy event ids the handler ran for. */
  seen: string[];
}

/** A receiver on a fresh SQLite store whose Ivy handler records the ids it ran for. */
async function harness(): Promise<Harness> {
  const store = await storeKinds.find((k) => k.name === "sqlite")!.create();
  const receiver = createReceiver({ store, providers, worker: { pollIntervalMs: 20, backoffBaseMs: 10, backoffMaxMs: 50 } });
  const seen: string[] = [];
  receiver.onAny("ivy", (event) => {
    seen.push((event as { id: string }).id);
  });
  cleanups.push(async () => {
    await receiver.stop(1000);
    await store.close();
  });
  return { receiver, store, seen };
}

/** `server` listening on a free loopback port, closed after the test; its base URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A valid delivery is answered 200 accepted, and its handler runs. */
async function expectAccepted(base: string, h: Harness, body = ivyBody(nextId("ok"))): Promise<Reply> {
  const r = await postIvy(base, body);
  expect(r.status, r.text).toBe(200);
  expect(r.json).toMatchObject({ status: "accepted", message: "order_updated" });
  const eventId = (JSON.parse(body) as { id: string }).id;
  await until(() => h.seen.includes(eventId), 5_000);
  expect(h.seen.filter((id) => id === eventId)).toHaveLength(1);
  return r;
}

// ---------------------------------------------------------------------------------------------------
// 1-3. ./node: Node's http server, Express 5, Connect.

describe("./node on Node's http server", () => {
  it("accepts a signed delivery; answers 404 for a path that is not ours (there is no next)", async () => {
    const h = await harness();
    const base = await listen(createServer(createNodeMiddleware(h.receiver)));
    await expectAccepted(base, h);
    const other = await request(`${base}/other`);
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ error: "not_found" });
    const unknownProvider = await request(`${base}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(unknownProvider.status).toBe(404);
    const bad = await postIvy(base, ivyBody(nextId("bad")), { secret: "not-the-secret" });
    expect(bad.status).toBe(401);
  });
});

describe("./node in Express 5", () => {
  it("passes the paths that are not ours to the routes after it", async () => {
    const h = await harness();
    const app = express();
    app.use(createNodeMiddleware(h.receiver));
    app.get("/other", (_req, res) => {
      res.json({ route: "other" });
    });
    app.post("/api/echo", express.json(), (req, res) => {
      res.json({ echoed: req.body });
    });
    const base = await listen(createServer(app));

    const other = await request(`${base}/other`);
    expect(other.status).toBe(200);
    expect(other.json).toEqual({ route: "other" });
    const echo = await request(`${base}/api/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":[1,2]}' });
    expect(echo.status).toBe(200);
    expect(echo.json).toEqual({ echoed: { a: [1, 2] } });
    // A path no route has gets Express's own 404, not the receiver's.
    const missing = await request(`${base}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("Cannot GET /nowhere");
    const unknownProvider = await request(`${base}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(unknownProvider.status).toBe(404);
    expect(unknownProvider.text).toContain("Cannot POST /webhooks/stripe");

    await expectAccepted(base, h);
    const get = await request(`${base}/webhooks/ivy`);
    expect(get.status).toBe(405);
    expect(get.json).toMatchObject({ error: "method_not_allowed" });
  });

  it("behind express.json() without the raw bytes: 500 body_already_read at once, not a hang", async () => {
    const h = await harness();
    const app = express();
    app.use(express.json());
    app.use(createNodeMiddleware(h.receiver));
    const base = await listen(createServer(app));
    const started = Date.now();
    const r = await postIvy(base, ivyBody(nextId("parsed")));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ error: "body_already_read" });
    expect(await h.store.list()).toEqual([]);
  });

  it("behind express.json({ verify }) keeping req.rawBody: verifies the kept bytes (200), refuses a tampered body (401)", async () => {
    const h = await harness();
    const app = express();
    app.use(
      express.json({
        verify: (req, _res, buf) => {
          (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
        },
      }),
    );
    app.use(createNodeMiddleware(h.receiver));
    const base = await listen(createServer(app));

    const id = nextId("verify");
    const body = prettyIvyBody(id);
    const ok = await expectAccepted(base, h, body);
    // Stored as the bytes that came, not a re-serialised copy.
    expect(new TextDecoder().decode((await h.store.get(ok.json!.id as string))!.body)).toBe(body);

    const signed = ivyBody(nextId("signed"));
    const tampered = signed.replace('"paid"', '"refunded"');
    expect(tampered).not.toBe(signed);
    const r = await postIvy(base, tampered, { signedBody: signed });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: "unauthorized" });
  });

  it("with express.raw({ type: 'application/json' }) on the webhook paths: 200, and other routes still parse JSON", async () => {
    const h = await harness();
    const app = express();
    app.use("/webhooks", express.raw({ type: "application/json" }));
    app.use(express.json());
    app.use(createNodeMiddleware(h.receiver));
    app.post("/api/echo", (req, res) => {
      res.json({ echoed: req.body });
    });
    const base = await listen(createServer(app));

    const body = prettyIvyBody(nextId("raw"));
    const ok = await expectAccepted(base, h, body);
    expect(new TextDecoder().decode((await h.store.get(ok.json!.id as string))!.body)).toBe(body);
    const signed = ivyBody(nextId("signed"));
    const tampered = await postIvy(base, `${signed} `, { signedBody: signed });
    expect(tampered.status).toBe(401);
    const echo = await request(`${base}/api/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"b":true}' });
    expect(echo.json).toEqual({ echoed: { b: true } });
  });
});

describe("./node in Connect", () => {
  it("accepts a signed delivery and passes other paths to the middleware after it", async () => {
    const h = await harness();
    const app = connect();
    app.use(createNodeMiddleware(h.receiver));
    app.use("/other", (_req: IncomingMessage, res: import("node:http").ServerResponse) => {
      res.setHeader("content-type", "text/plain");
      res.end("other route");
    });
    const base = await listen(createServer(app));

    await expectAccepted(base, h);
    const other = await request(`${base}/other`);
    expect(other.status).toBe(200);
    expect(other.text).toBe("other route");
    // Connect's final handler answers what nothing took: the receiver did call next().
    const missing = await request(`${base}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("Cannot GET /nowhere");
    const bad = await postIvy(base, ivyBody(nextId("bad")), { secret: "not-the-secret" });
    expect(bad.status).toBe(401);
  });
});

// ---------------------------------------------------------------------------------------------------
// 4. ./fastify

describe("./fastify in Fastify 5", () => {
  it("receives raw bytes in its own context while the app's JSON routes parse JSON as before", async () => {
    const h = await harness();
    const app = Fastify();
    cleanups.push(() => app.close());
    await app.register(fastifyWebhooks(h.receiver));
    app.post("/api/echo", async (req) => ({ echoed: req.body, type: typeof req.body }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const echo = await request(`${base}/api/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":{"b":1}}' });
    expect(echo.status).toBe(200);
    expect(echo.json).toEqual({ echoed: { a: { b: 1 } }, type: "object" });

    const body = prettyIvyBody(nextId("fastify"));
    const ok = await expectAccepted(base, h, body);
    expect(new TextDecoder().decode((await h.store.get(ok.json!.id as string))!.body)).toBe(body);

    const bad = await postIvy(base, ivyBody(nextId("bad")), { secret: "not-the-secret" });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ error: "unauthorized" });
    const signed = ivyBody(nextId("signed"));
    expect((await postIvy(base, signed.replace('"paid"', '"refunded"'), { signedBody: signed })).status).toBe(401);
    const get = await request(`${base}/webhooks/ivy`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. Hono on Node: receiver.fetch

describe("receiver.fetch in Hono on Node (@hono/node-server)", () => {
  it("accepts a signed delivery next to the app's other routes", async () => {
    const h = await harness();
    const app = new Hono();
    app.get("/hello", (c) => c.json({ hello: "hono" }));
    app.all("/webhooks/*", (c) => h.receiver.fetch(c.req.raw));
    const port = await new Promise<number>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port)) as Server;
      cleanups.push(
        () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      );
    });
    const base = `http://127.0.0.1:${port}`;

    await expectAccepted(base, h, prettyIvyBody(nextId("hono")));
    const hello = await request(`${base}/hello`);
    expect(hello.status).toBe(200);
    expect(hello.json).toEqual({ hello: "hono" });
    expect((await postIvy(base, ivyBody(nextId("bad")), { secret: "not-the-secret" })).status).toBe(401);
    expect((await request(`${base}/webhooks/ivy`)).status).toBe(405);
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. Bun and Deno: the built core's receiver.fetch, served by the runtime itself.

const packageRequire = createRequire(path.join(packageDir, "package.json"));
/** The runtime's real executable (the .bin scripts wrap it in sh or node, which a kill would not reach). */
function binary(pkg: string, relative: string): string | undefined {
  try {
    const file = path.join(path.dirname(packageRequire.resolve(`${pkg}/package.json`)), relative);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}
const bunPath = binary("bun", "bin/bun.exe");
const denoPath = binary("deno", "deno");
const denoFlags = ["run", "--allow-read", "--allow-net", "--allow-env", "--no-lock", "--no-prompt", "--node-modules-dir=manual"];

interface RuntimeInfo {
  port: number;
  runtime: string;
  backend: "node" | "webcrypto";
  getBuiltinModule: boolean;
}
interface Spawned {
  info: RuntimeInfo;
  base: string;
  child: ChildProcess;
  stop(): void;
}

/** Starts `command` (serve.js under Bun or Deno), waits for its READY line, and kills it after the test. */
async function spawnRuntime(command: string | undefined, args: string[]): Promise<Spawned> {
  if (!command) throw new Error(`the runtime is not installed (CI=${CI}): run pnpm install in packages/receiver`);
  const child = spawn(command, args, {
    cwd: packageDir,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, "SIGKILL"); // its process group: nothing it started survives it
      } catch {
        child.kill("SIGKILL");
      }
    }
  };
  cleanups.push(stop);
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const info = await new Promise<RuntimeInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no READY line within 15 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 15_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^READY (.*)\n/m.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line[1]!) as RuntimeInfo);
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(command)} exited (${code ?? signal}) before it listened\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
  return { info, base: `http://127.0.0.1:${info.port}`, child, stop };
}

interface Seen {
  seen: { id: string; message: string; attempt: number; delivery: string }[];
  deliveries: { id: string; status: string; attempts: number; message: string | null }[];
}

/** What every runtime must do: a signed delivery is accepted and handled; a bad one refused. */
async function proveFetchAdapter(s: Spawned, secret: string) {
  const id = nextId("runtime");
  const body = prettyIvyBody(id);
  const ok = await postIvy(s.base, body, { secret });
  expect(ok.status, ok.text).toBe(200);
  expect(ok.json).toMatchObject({ status: "accepted", message: "order_updated" });
  const seen: Seen = (await until(async () => {
    const r = (await request(`${s.base}/seen`)).json as Seen;
    return r.seen.some((e) => e.id === id) && r.deliveries.some((d) => d.id === ok.json!.id && d.status === "handled") ? r : false;
  }, 5_000)) as Seen;
  expect(seen.seen).toEqual([{ id, message: "order_updated", attempt: 1, delivery: ok.json!.id }]);

  const again = await postIvy(s.base, body, { secret });
  expect(again.json).toMatchObject({ status: "duplicate", id: ok.json!.id });
  const signed = ivyBody(nextId("signed"));
  const tampered = await postIvy(s.base, signed.replace('"paid"', '"refunded"'), { signedBody: signed, secret });
  expect(tampered.status).toBe(401);
  expect((await postIvy(s.base, ivyBody(nextId("bad")), { secret: "not-the-secret" })).status).toBe(401);
  expect((await request(`${s.base}/webhooks/ivy`)).status).toBe(405);
  expect((await request(`${s.base}/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(404);
  // Nothing but the one accepted delivery was stored, and its handler ran once.
  const after = (await request(`${s.base}/seen`)).json as Seen;
  expect(after.deliveries.map((d) => d.status)).toEqual(["handled"]);
  expect(after.seen).toHaveLength(1);
}

const distIndex = pathToFileURL(path.join(packageDir, "dist/index.js")).href;
const serveScript = path.join(runtimesDir, "serve.js");
const runtimes = [
  { name: "Bun", command: bunPath, args: (module: string, crypto: string) => [serveScript, "--module", module, "--crypto", crypto, "--secret", SECRET] },
  {
    name: "Deno",
    command: denoPath,
    args: (module: string, crypto: string) => [...denoFlags, serveScript, "--module", module, "--crypto", crypto, "--secret", SECRET],
  },
];

describe.each(runtimes)("receiver.fetch on $name (built dist/index.js)", ({ name, command, args }) => {
  const skip = !command && !CI;
  beforeAll(() => {
    if (!existsSync(path.join(packageDir, "dist/index.js"))) throw new Error("packages/receiver/dist/index.js is missing: run pnpm build first");
  });

  it.skipIf(skip)("with the backend the core picks itself: accepted, handled, refused when tampered", async () => {
    const s = await spawnRuntime(command, args(distIndex, "auto"));
    expect(s.info.runtime).toMatch(new RegExp(`^${name.toLowerCase()} `));
    // node:crypto through process.getBuiltinModule where the runtime has it, Web Crypto otherwise.
    expect(s.info.backend).toBe(s.info.getBuiltinModule ? "node" : "webcrypto");
    await proveFetchAdapter(s, SECRET);
  });

  it.skipIf(skip)("with crypto: 'webcrypto' forced: the same", async () => {
    const s = await spawnRuntime(command, args(distIndex, "webcrypto"));
    expect(s.info.backend).toBe("webcrypto");
    await proveFetchAdapter(s, SECRET);
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. The core bundled for the browser: no Node built-in, no store driver, and it runs on Web Crypto.

describe("the core bundled for the browser", () => {
  let dir: string;
  let bundle: string;
  let bundleFile: string;
  let inputs: string[];
  let imports: unknown[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "receiver-browser-"));
    bundleFile = path.join(dir, "receiver.browser.js");
    const result = await build({
      absWorkingDir: packageDir,
      entryPoints: ["src/index.ts"],
      outfile: bundleFile,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      metafile: true,
      write: false,
      logLevel: "silent",
    }).catch((error: { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
      throw new Error(
        `the browser build failed:\n${(error.errors ?? []).map((e) => `${e.location?.file}:${e.location?.line}: ${e.text}`).join("\n") || String(error)}`,
      );
    });
    expect(result.errors).toEqual([]);
    bundle = result.outputFiles[0]!.text;
    writeFileSync(bundleFile, bundle);
    inputs = Object.keys(result.metafile.inputs);
    imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("bundles with everything inside: no node: import, no better-sqlite3, no pg", () => {
    // Nothing left outside the bundle (a node: built-in would be an import here, or a build error).
    expect(imports).toEqual([]);
    expect(bundle).not.toMatch(/\b(?:from|import)\s*\(?\s*["']node:/);
    expect(bundle).not.toMatch(/\brequire\s*\(\s*["']node:/);
    expect(bundle).not.toMatch(/["'](?:better-sqlite3|pg)["']/);
    expect(inputs.filter((i) => /node_modules\/(?:\.pnpm\/)?(?:better-sqlite3|pg|pg-[a-z-]+)[@/]/.test(i))).toEqual([]);
    expect(inputs.filter((i) => /src\/(?:stores|adapters)\/|src\/config\.ts/.test(i))).toEqual([]);
    // The validators came along (the core is not empty): and the node:crypto it may use is a run-time lookup.
    expect(inputs.some((i) => i.includes("validators"))).toBe(true);
    expect(bundle).toContain("getBuiltinModule");
    expect(bundle).toContain("createReceiver");
  });

  it.skipIf(!denoPath && !CI)("runs in Deno on Web Crypto: accepted, handled, refused when tampered", async () => {
    // Deno has process.getBuiltinModule (the core would pick node:crypto), so Web Crypto is asked for.
    const s = await spawnRuntime(denoPath, [
      ...denoFlags,
      serveScript,
      "--module",
      pathToFileURL(bundleFile).href,
      "--crypto",
      "webcrypto",
      "--secret",
      SECRET,
    ]);
    expect(s.info.backend).toBe("webcrypto");
    await proveFetchAdapter(s, SECRET);
  });

  const chromiumPath = findChromium();
  const playwright = findPlaywright();
  it.skipIf((!chromiumPath || !playwright) && !CI)("runs in headless Chromium, where the core picks Web Crypto itself", async () => {
    if (!chromiumPath || !playwright) throw new Error(`CI=true but no ${chromiumPath ? "playwright-core (packages/docs)" : "chromium"}`);
    const { chromium } = (await import(playwright)) as { chromium: PlaywrightChromium };
    // The page and its modules, from loopback: the bundle and the in-memory store.
    const files: Record<string, [string, string]> = {
      "/": ["text/html", BROWSER_PAGE],
      "/receiver.js": ["text/javascript", bundle],
      "/memory-store.js": ["text/javascript", readFileSync(path.join(runtimesDir, "memory-store.js"), "utf8")],
    };
    const base = await listen(
      createServer((req, res) => {
        const file = files[req.url ?? ""];
        res.writeHead(file ? 200 : 404, { "content-type": file?.[0] ?? "text/plain" }).end(file?.[1] ?? "not found");
      }),
    );
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: CHROMIUM_ARGS,
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.waitForFunction("typeof window.runReceiver === 'function'");

    const id = nextId("browser");
    const body = prettyIvyBody(id);
    const signed = ivyBody(nextId("signed"));
    const input = {
      body,
      headers: { "content-type": "application/json", ...(await signedHeaders("ivy", body, SECRET)) },
      tampered: signed.replace('"paid"', '"refunded"'),
      tamperedHeaders: { "content-type": "application/json", ...(await signedHeaders("ivy", signed, SECRET)) },
      secret: SECRET,
    };
    // A string, not a function: the test file's transform must not touch what runs in the page.
    const result = (await page.evaluate(`window.runReceiver(${JSON.stringify(input)})`)) as BrowserResult;

    expect(errors).toEqual([]);
    expect(result.hasProcess).toBe(false);
    expect(result.backend).toBe("webcrypto");
    expect(result.ok.status).toBe(200);
    expect(result.ok.body).toMatchObject({ status: "accepted", message: "order_updated" });
    expect(result.tampered.status).toBe(401);
    expect(result.seen).toEqual([{ id, message: "order_updated" }]);
    expect(result.statuses).toEqual(["handled"]);
  });
});

/** The page Chromium loads: the browser bundle and the in-memory store, driven through receiver.fetch. */
const BROWSER_PAGE = `<!doctype html>
<title>receiver in the browser</title>
<script type="module">
  import { createReceiver, createCrypto } from "/receiver.js";
  import { memoryStore } from "/memory-store.js";
  window.runReceiver = async (input) => {
    const store = memoryStore();
    const receiver = createReceiver({ store, providers: { ivy: { secrets: [input.secret] } }, worker: false });
    const seen = [];
    receiver.onAny("ivy", (event, message) => {
      seen.push({ id: event.id, message });
    });
    const post = async (body, headers) => {
      const response = await receiver.fetch(new Request("https://receiver.example/webhooks/ivy", { method: "POST", headers, body }));
      return { status: response.status, body: await response.json() };
    };
    const ok = await post(input.body, input.headers);
    const tampered = await post(input.tampered, input.tamperedHeaders);
    await receiver.runDue();
    return {
      backend: createCrypto().backend,
      hasProcess: typeof globalThis.process !== "undefined",
      ok,
      tampered,
      seen,
      statuses: (await store.list()).map((d) => d.status),
    };
  };
</script>`;

interface BrowserResult {
  backend: string;
  hasProcess: boolean;
  ok: { status: number; body: Record<string, unknown> };
  tampered: { status: number; body: Record<string, unknown> };
  seen: { id: string; message: string }[];
  statuses: string[];
}

/** The little of playwright-core used here (its types are not the receiver's dependency). */
interface PlaywrightChromium {
  launch(options: { executablePath: string; args: string[] }): Promise<{
    close(): Promise<void>;
    newPage(): Promise<{
      on(event: "pageerror", listener: (error: Error) => void): void;
      goto(url: string): Promise<unknown>;
      waitForFunction(expression: string): Promise<unknown>;
      evaluate(expression: string): Promise<unknown>;
    }>;
  }>;
}

/** playwright-core, a devDependency of packages/docs (the receiver does not depend on it): its file URL. */
function findPlaywright(): string | undefined {
  try {
    return pathToFileURL(createRequire(path.join(repoRoot, "packages/docs/package.json")).resolve("playwright-core")).href;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// 8. Importing the core loads neither store driver.

describe("importing the core", () => {
  // A resolve hook that refuses better-sqlite3 and pg (registered before anything loads).
  const hook = `export async function resolve(specifier, context, next) {
    if (/^(?:better-sqlite3|pg)(?:\\/|$)/.test(specifier)) throw new Error("blocked import of " + specifier);
    return next(specifier, context);
  }`;
  const register = `data:text/javascript,${encodeURIComponent(`import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`)}`;

  /** Imports `specifiers` in a fresh Node, from inside packages/receiver (the package by its own name), under the hook. */
  function importUnderHook(specifiers: string[]): { status: number | null; stdout: string; stderr: string } {
    const code = `
      import { createRequire } from "node:module";
      const exported = {};
      for (const s of ${JSON.stringify(specifiers)}) exported[s] = Object.keys(await import(s)).sort();
      // CommonJS requires do not pass a resolve hook on Node 20: look at what was loaded that way too.
      const cache = Object.keys(createRequire(process.cwd() + "/")("module")._cache);
      const drivers = cache.filter((f) => /node_modules\\/(?:better-sqlite3|pg|pg-[a-z-]+)\\//.test(f));
      console.log(JSON.stringify({ exported, drivers }));
    `;
    try {
      const stdout = execFileSync(process.execPath, ["--import", register, "--input-type=module", "-e", code], {
        cwd: packageDir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      return { status: 0, stdout, stderr: "" };
    } catch (error) {
      const e = error as { status: number | null; stdout: string; stderr: string };
      return { status: e.status, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it("'.', './node' and './fastify' load without better-sqlite3 or pg", () => {
    const r = importUnderHook(["@webhook-contracts/receiver", "@webhook-contracts/receiver/node", "@webhook-contracts/receiver/fastify"]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { exported: Record<string, string[]>; drivers: string[] };
    expect(out.exported["@webhook-contracts/receiver"]).toContain("createReceiver");
    expect(out.exported["@webhook-contracts/receiver/node"]).toContain("createNodeMiddleware");
    expect(out.exported["@webhook-contracts/receiver/fastify"]).toContain("fastifyWebhooks");
    expect(out.drivers).toEqual([]);
  });

  it("'./sqlite' loads better-sqlite3 only once a store is opened", () => {
    const imported = importUnderHook(["@webhook-contracts/receiver/sqlite"]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).drivers).toEqual([]);
    // Opening a store loads the driver (on its thread too: the hook is inherited): the hook refuses it.
    const file = path.join(mkdtempSync(path.join(tmpdir(), "hook-")), "inbox.db");
    const code = `import { sqliteStore } from "@webhook-contracts/receiver/sqlite";
      await sqliteStore(${JSON.stringify(file)}).init().then(() => console.log("opened"), (e) => { console.log("refused: " + e.message); process.exit(3); });`;
    let out: { status: number | null; stdout: string };
    try {
      out = {
        status: 0,
        stdout: execFileSync(process.execPath, ["--import", register, "--input-type=module", "-e", code], {
          cwd: packageDir,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        }),
      };
    } catch (error) {
      out = error as { status: number | null; stdout: string };
    }
    expect([out.status, out.stdout]).toEqual([3, expect.stringContaining("blocked import of better-sqlite3")]);
  });

  it("the hook works: './postgres' fails on pg", () => {
    const postgres = importUnderHook(["@webhook-contracts/receiver/postgres"]);
    expect(postgres.status).not.toBe(0);
    expect(postgres.stderr).toContain("blocked import of pg");
  });
});
