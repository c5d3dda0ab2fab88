/**
 * /healthz, /readyz and /metrics. /healthz (the process answers) is open wherever HTTP is served. /readyz
 * and /metrics tell how the gateway is doing (its store, its backlog, its providers' traffic): they may be
 * moved to an admin port of their own (`server.admin`) and may require a bearer token
 * (`server.adminToken`), compared in constant time.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type InboxStore, timingSafeEqual } from "@webhook-contracts/receiver";
import type { Registry } from "prom-client";

export interface AdminRoutes {
  /** Answers the request when it is one of these paths and true; false leaves it to the webhooks. */
  (req: IncomingMessage, res: ServerResponse): boolean;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  void res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

const digest = (text: string) => new Uint8Array(createHash("sha256").update(text).digest());

/** Whether `authorization` is `Bearer <token>`; both are hashed first, so the comparison takes the same time whatever was sent. */
function bearerMatcher(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const given = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? "";
    return timingSafeEqual(expected, digest(given));
  };
}

export function adminRoutes(options: {
  store: InboxStore;
  registry: Registry;
  draining: () => boolean;
  /** Serve /readyz and /metrics here (false: only /healthz, they are on the admin port). */
  operations: boolean;
  token?: string;
}): AdminRoutes {
  const authorized = options.token ? bearerMatcher(options.token) : () => true;
  return (req, res) => {
    if (req.method !== "GET") return false;
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      json(res, 200, { status: "ok" });
      return true;
    }
    if (path !== "/readyz" && path !== "/metrics") return false;
    if (!options.operations) {
      json(res, 404, { error: "not_found", message: `${path} is served on the admin port (server.admin)` });
      return true;
    }
    if (!authorized(req.headers.authorization)) {
      json(res, 401, { error: "unauthorized", message: `${path} needs the admin token: Authorization: Bearer TOKEN` }, { "www-authenticate": "Bearer" });
      return true;
    }
    if (path === "/readyz") {
      if (options.draining()) json(res, 503, { status: "draining" });
      else
        options.store.ping().then(
          () => json(res, 200, { status: "ready" }),
          (error: unknown) => json(res, 503, { status: "unavailable", message: (error as Error).message }),
        );
      return true;
    }
    options.registry.metrics().then((text) => res.writeHead(200, { "content-type": options.registry.contentType }).end(text));
    return true;
  };
}
