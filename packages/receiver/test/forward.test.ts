/**
 * The forward target's edges, against real HTTP servers on loopback: a redirect is a failed attempt and
 * is never followed (nothing reaches the place it points to); the timeout covers the whole exchange; only
 * the first KiB of an answer are read, however much the target sends; and no URL's password is ever
 * written to an error, the inbox or an event.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Delivery, type ReceiverEvent, ReceiverConfigError, createReceiver, forwarder, withoutUserinfo } from "../src/index.js";
import { type Running, ivyBody, startReceiver, until } from "./support.js";
import { storeKinds } from "./stores.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

interface Target {
  url: string;
  /** Requests it got, as "METHOD path". */
  received: string[];
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function target(answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(204).end()): Promise<Target> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => answer(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const delivery: Delivery = {
  id: "00000000-0000-4000-8000-000000000001",
  provider: "ivy",
  deliveryKey: '["evt_1"]',
  message: "order_updated",
  status: "processing",
  reason: null,
  warnings: [],
  headers: {},
  body: new TextEncoder().encode("{}"),
  receivedAt: "2026-01-01T00:00:00.000Z",
  dueAt: null,
  attempts: 1,
  lastError: null,
  handledAt: null,
};
const forwardOnce = (url: string, timeoutMs = 5000) =>
  forwarder({ url, secret: SECRET, timeoutMs })({
    delivery,
    message: "order_updated",
    payloadText: "{}",
    warnings: [],
    attempt: 1,
    signal: new AbortController().signal,
  });

describe("a redirect from the forward target", () => {
  it.each([
    [301, ""],
    [302, ""],
    [303, ""],
    [307, ""],
    [308, ""],
    [307, "thief:hunter2@"],
  ])(
    "%i to another origin (userinfo: %j) is a failed attempt with its status and Location, shown without userinfo; that origin receives nothing",
    async (status, userinfo) => {
      const elsewhere = await target();
      const elsewhereUrl = new URL(elsewhere.url);
      const moved = `http://${userinfo}${elsewhereUrl.host}/stolen`;
      const redirecting = await target((_req, res) => void res.writeHead(status, { location: moved }).end("moved"));
      const error = await forwardOnce(redirecting.url).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toBe(
        `forward to ${redirecting.url} answered ${status} (a redirect, Location http://${elsewhereUrl.host}/stolen): redirects are not followed; set forward.url to the final URL: moved`,
      );
      // The forward's promise settled: a followed redirect would have reached the other origin before that.
      expect(redirecting.received).toEqual(["POST /hooks"]);
      expect(elsewhere.received).toEqual([]);
    },
  );

  it("is retried, never marked handled: quarantined only once the attempts are spent, with the redirect in the reason", async () => {
    const redirecting = await target((_req, res) => void res.writeHead(302, { location: "/login" }).end());
    const running: Running = await startReceiver(storeKinds[0]!, {
      forward: { url: redirecting.url, secret: SECRET },
      worker: { pollIntervalMs: 20, backoffBaseMs: 10, backoffMaxMs: 20, maxAttempts: 3 },
    });
    try {
      const r = await running.postIvy(ivyBody("evt_redirected"));
      expect(r.body.status).toBe("accepted");
      const kept = await until(async () => {
        const d = await running.store.get(r.body.id);
        return d?.status === "quarantined" && d;
      });
      expect(kept).toMatchObject({
        attempts: 3,
        reason: `handler failed 3 times; last: forward to ${redirecting.url} answered 302 (a redirect, Location /login): redirects are not followed; set forward.url to the final URL`,
      });
      expect(redirecting.received).toEqual(["POST /hooks", "POST /hooks", "POST /hooks"]);
    } finally {
      await running.stop();
    }
  });
});

/** Answers `status`, then `total` bytes of body in 64 KiB chunks as fast as the reader takes them; resolves with what it wrote once the connection closes. */
function flooding(status: number, total: number): { answer: (req: IncomingMessage, res: ServerResponse) => void; written: Promise<number> } {
  let resolveWritten: (n: number) => void;
  const written = new Promise<number>((resolve) => (resolveWritten = resolve));
  const chunk = Buffer.alloc(64 * 1024, "a");
  return {
    written,
    answer: (_req, res) => {
      let sent = 0;
      res.on("close", () => resolveWritten(sent));
      res.writeHead(status, { "content-type": "text/plain" });
      const more = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    },
  };
}

describe("the forward target's answer", () => {
  const HUGE = 128 * 1024 * 1024;

  it("200 with a 128 MiB body: handled after reading a few KiB; the rest is never fetched", async () => {
    const flood = flooding(200, HUGE);
    const t = await target(flood.answer);
    await forwardOnce(t.url);
    // What the socket buffers hold beside the first read: far below the body.
    expect(await flood.written).toBeLessThan(32 * 1024 * 1024);
  });

  it("503 with a 128 MiB body: a failed attempt quoting its first 200 characters; the rest is never fetched", async () => {
    const flood = flooding(503, HUGE);
    const t = await target(flood.answer);
    await expect(forwardOnce(t.url)).rejects.toThrow(`forward to ${t.url} answered 503: ${"a".repeat(200)}`);
    expect(await flood.written).toBeLessThan(32 * 1024 * 1024);
  });

  it.each([200, 503])("%i whose body never ends in time: a failed attempt once the timeout covering the whole exchange runs out", async (status) => {
    const t = await target((_req, res) => {
      res.writeHead(status, { "content-type": "text/plain" });
      res.write("partial");
    });
    const started = Date.now();
    await expect(forwardOnce(t.url, 300)).rejects.toThrow(`forward to ${t.url} failed: no whole answer within 300 ms`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("credentials in a URL", () => {
  it.each([
    ["http://user:pass@host:8080/hooks?a=1", "http://host:8080/hooks?a=1"],
    ["forward to https://svc:p%40ss@internal.example/x failed", "forward to https://internal.example/x failed"],
    ["a password with an @: http://u:p@ss@host/", "a password with an @: http://host/"],
    ["postgres://app:secret@db:5432/inbox and http://other/", "postgres://db:5432/inbox and http://other/"],
    ["no URL here, mail ops@example.com", "no URL here, mail ops@example.com"],
  ])("%s is written as %s", (text, shown) => {
    expect(withoutUserinfo(text)).toBe(shown);
  });

  it("in the forward URL are refused when the receiver is made, never echoed; in a redirect's Location they never reach the inbox nor the events", async () => {
    const t = await target((_req, res) => void res.writeHead(302, { location: "http://operator:hunter2-secret@127.0.0.1:1/login" }).end());
    const made = (url: string) => () =>
      startReceiver(storeKinds[0]!, { forward: { url, secret: SECRET }, worker: { pollIntervalMs: 20, backoffBaseMs: 10, backoffMaxMs: 20, maxAttempts: 2 } });
    const refused = await made(t.url.replace("http://", "http://operator:hunter2-secret@"))().catch((error: unknown) => error as Error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/\/forward\/url: the URL holds credentials/);
    expect((refused as Error).message).not.toMatch(/hunter2|operator/);

    const events: ReceiverEvent[] = [];
    const running = await startReceiver(storeKinds[0]!, {
      forward: { url: t.url, secret: SECRET },
      worker: { pollIntervalMs: 20, backoffBaseMs: 10, backoffMaxMs: 20, maxAttempts: 2 },
      onEvent: (e) => void events.push(e),
    });
    try {
      const r = await running.postIvy(ivyBody("evt_userinfo"));
      const kept = await until(async () => {
        const d = await running.store.get(r.body.id);
        return d?.status === "quarantined" ? d : undefined;
      });
      expect(kept?.lastError).toMatch(new RegExp(`^forward to ${t.url} answered 302 \\(a redirect, Location http://127\\.0\\.0\\.1:1/login\\)`));
      const written = JSON.stringify([kept, events]);
      expect(written).not.toMatch(/hunter2|operator/);
    } finally {
      await running.stop();
    }
  });
});

describe("a handler's error that quotes a URL with credentials", () => {
  it("is kept in last_error and reason, and sent in the attempt event, without them", async () => {
    const events: ReceiverEvent[] = [];
    const running = await startReceiver(storeKinds[0]!, {
      worker: { pollIntervalMs: 20, backoffBaseMs: 10, backoffMaxMs: 20, maxAttempts: 2 },
      onEvent: (e) => void events.push(e),
    });
    running.receiver.on("ivy", "order_updated", () => {
      throw new Error("cannot reach postgres://app:db-password-77@db.internal:5432/orders");
    });
    try {
      const r = await running.postIvy(ivyBody("evt_handler_url"));
      const kept = await until(async () => {
        const d = await running.store.get(r.body.id);
        return d?.status === "quarantined" ? d : undefined;
      });
      expect(kept).toMatchObject({
        lastError: "cannot reach postgres://db.internal:5432/orders",
        reason: "handler failed 2 times; last: cannot reach postgres://db.internal:5432/orders",
      });
      expect(JSON.stringify([kept, events])).not.toContain("db-password-77");
    } finally {
      await running.stop();
    }
  });
});

describe("the forward target's own authentication (forward.headers)", () => {
  it("sends each configured header, its value read from the environment, and never writes the value anywhere", async () => {
    const seen: (string | undefined)[] = [];
    const t = await target((req, res) => {
      seen.push(req.headers.authorization);
      // A target that refuses it anyway: the failed attempt's reason, last_error and event are written.
      res.writeHead(401).end("who are you?");
    });
    const events: ReceiverEvent[] = [];
    const running = await startReceiver(storeKinds[0]!, {
      forward: { url: t.url, secret: SECRET, headers: { Authorization: { env: "TARGET_AUTHORIZATION" } } },
      env: { TARGET_AUTHORIZATION: "Bearer target-token-1234" },
      worker: { pollIntervalMs: 20, backoffBaseMs: 10, backoffMaxMs: 20, maxAttempts: 1 },
      onEvent: (e) => void events.push(e),
    });
    try {
      const r = await running.postIvy(ivyBody("evt_target_auth"));
      const kept = await until(async () => {
        const d = await running.store.get(r.body.id);
        return d?.status === "quarantined" ? d : undefined;
      });
      expect(seen).toEqual(["Bearer target-token-1234"]);
      expect(kept?.reason).toBe(`handler failed 1 times; last: forward to ${t.url} answered 401: who are you?`);
      expect(JSON.stringify([kept, events])).not.toContain("target-token-1234");
    } finally {
      await running.stop();
    }
  });

  it("refuses, naming each header and never its value: an unset variable, a header the gateway sets itself, a value with a line break", async () => {
    const store = await storeKinds[0]!.create();
    try {
      const make = () =>
        createReceiver({
          store,
          providers: {},
          forward: {
            url: "http://127.0.0.1:1/hooks",
            secret: SECRET,
            headers: { authorization: { env: "UNSET_TARGET_TOKEN" }, "Webhook-Signature": "v1,forged-signature-value", "x-api-key": { env: "TARGET_KEY" } },
          },
          env: { TARGET_KEY: "key-5678-abcdefgh\r\nx-injected: 1" },
        });
      expect(make).toThrow(ReceiverConfigError);
      let problems: unknown;
      try {
        make();
      } catch (error) {
        problems = (error as ReceiverConfigError).problems;
      }
      expect(problems).toEqual([
        { path: "/forward/headers/authorization", message: "environment variable UNSET_TARGET_TOKEN is not set" },
        { path: "/forward/headers/Webhook-Signature", message: expect.stringMatching(/^set by the gateway itself/) },
        { path: "/forward/headers/x-api-key", message: expect.stringMatching(/^not a header value/) },
      ]);
      expect(JSON.stringify(problems)).not.toMatch(/forged|key-5678/);
    } finally {
      await store.close();
    }
  });
});
