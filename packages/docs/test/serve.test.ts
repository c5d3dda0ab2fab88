/**
 * The docs server (`webhook-contracts-docs`) over a folder of its own: what it answers to requests a browser
 * would not send, and that it keeps answering after them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript, no types
import { startServer } from "../bin/serve.js";

let server: Server;
let base: URL;
const parent = mkdtempSync(path.join(tmpdir(), "docs-serve-"));
const root = path.join(parent, "dist");

/** The status and body for a raw request path, sent as is (fetch would normalise it). */
function get(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path: rawPath, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(path.join(root, "messages"), { recursive: true });
  writeFileSync(path.join(root, "index.html"), "<h1>home</h1>");
  writeFileSync(path.join(root, "messages", "a b.html"), "spaced");
  // A sibling whose name starts with the root's: a prefix check alone would serve it.
  mkdirSync(path.join(parent, "dist-private"));
  writeFileSync(path.join(parent, "dist-private", "secret.txt"), "secret");
  const started = await startServer({ port: 0, root });
  server = started.server;
  base = new URL(started.url);
});

afterAll(() => server?.close());

describe("the docs server", () => {
  it.each([
    ["/", 200, "<h1>home</h1>"],
    ["/messages/a%20b.html", 200, "spaced"],
    ["/%E0%A4%A", 400, "bad request: malformed URL"],
    ["/%", 400, "bad request: malformed URL"],
    ["/missing.html", 404, "not found: /missing.html"],
    ["/..%2fdist-private%2fsecret.txt", 403, "forbidden"],
    ["/%2e%2e/dist-private/secret.txt", 404, "not found: /dist-private/secret.txt"],
    ["/index.html%00.txt", 403, "forbidden"],
  ])("answers GET %s with %i", async (rawPath, status, body) => {
    expect(await get(rawPath)).toEqual({ status, body });
  });

  it("sends text gzipped to a client that takes gzip, and plain to one that does not", async () => {
    const body = (await fetch(new URL("index.html", base))).headers;
    expect(body.get("content-encoding")).toBe("gzip");
    expect(body.get("vary")).toBe("accept-encoding");
    expect((await get("/index.html")).body).toBe("<h1>home</h1>");
  });

  it("keeps serving after a malformed URL", async () => {
    await get("/%E0%A4%A");
    expect((await get("/")).status).toBe(200);
  });
});
