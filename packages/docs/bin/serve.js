#!/usr/bin/env node
// Serves packages/docs/dist on localhost and prints the URL: `pnpm docs:serve [--port N]` (0: any free port),
// or `npx webhook-contracts-docs [--port N]` where @webhook-contracts/docs is installed.
import { createReadStream, realpathSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";

export const distDir = fileURLToPath(new URL("../dist/", import.meta.url));
const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Starts the server; resolves with it and its URL once it listens. */
export function startServer({ port = 4173, host = "127.0.0.1", root = distDir } = {}) {
  const server = createServer(async (req, res) => {
    let url;
    let pathname;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
      pathname = decodeURIComponent(url.pathname);
    } catch {
      // A path that is not valid percent-encoding (`/%E0%A4%A`) names no file: the client's error.
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("bad request: malformed URL");
      return;
    }
    let file = path.join(root, pathname);
    const inside = path.relative(path.resolve(root), file);
    if (pathname.includes("\0") || inside.startsWith("..") || path.isAbsolute(inside)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      await stat(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: ${url.pathname}`);
      return;
    }
    const type = types[path.extname(file)] ?? "application/octet-stream";
    // Text is sent gzipped to clients that take it, as any static host does: Ivy's biggest page is a
    // tenth of its size on the wire.
    const gzip = /^(text\/|application\/json|image\/svg)/.test(type) && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    res.writeHead(200, { "content-type": type, vary: "accept-encoding", ...(gzip ? { "content-encoding": "gzip" } : {}) });
    const stream = createReadStream(file).on("error", () => res.destroy());
    (gzip ? stream.pipe(createGzip().on("error", () => res.destroy())) : stream).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ server, url: `http://${host}:${typeof address === "object" && address ? address.port : port}/` });
    });
  });
}

// Run as a script: directly, or through the bin link npm puts in node_modules/.bin (a symlink, hence realpath).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(path.resolve(process.argv[1]))) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 4173);
  const { url } = await startServer({ port });
  console.log(`webhook-contracts docs at ${url} (Ctrl+C to stop)`);
}
