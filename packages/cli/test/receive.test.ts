/**
 * serve, worker, send and inbox as people run them (real processes, real HTTP on loopback), against both
 * stores: a gateway that stores before it answers, forwards signed with Standard Webhooks, retries,
 * replays, logs, reports its health and metrics, drains on SIGTERM, and refuses a bad configuration.
 */
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import { getFixture } from "@webhook-contracts/fixtures";
import { signedHeaders } from "@webhook-contracts/receiver";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { addressKey } from "../src/gateway/limits.js";
import { FORWARD_SECRET, forwardTarget, killAll, run, sleep, start, stores, until, writeConfig } from "./support.js";

afterEach(killAll);

const ivy = (id: string, over: Record<string, unknown> = {}) => JSON.stringify({ ...getFixture("ivy", "order_updated", "paid"), id, ...over });
const postIvy = async (url: string, body: string, secret = "ivy-signing-secret") =>
  fetch(`${url}/webhooks/ivy`, { method: "POST", headers: { "content-type": "application/json", ...(await signedHeaders("ivy", body, secret)) }, body }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }),
  );
const list = (config: string, ...args: string[]) => JSON.parse(run(["inbox", "list", "--config", config, "--json", ...args]).stdout) as Record<string, any>[];

describe.each(stores)("the gateway with the $name store", (kind) => {
  it.skipIf(!kind.available)("stores, answers, and forwards signed deliveries that a Standard Webhooks library verifies", async () => {
    const target = await forwardTarget();
    const config = writeConfig(kind, { forward: { url: target.url, secret: FORWARD_SECRET } });
    const { url, logs } = await start(["serve", "--port", "0", "--config", config]);
    const sent = run(["send", "--provider", "ivy", "--fixture", "order_updated", "--to", url, "--secret", "ivy-signing-secret"]);
    expect(sent.stdout).toMatch(/^200 \{"status":"accepted","id":"[0-9a-f-]{36}","message":"order_updated","warnings":0\}\n$/);
    expect(sent.status).toBe(0);
    const refused = run(["send", "--provider", "ivy", "--fixture", "order_updated", "--to", url, "--secret", "wrong"]);
    expect(refused.stdout).toMatch(/^401 .*"unauthorized"/);
    expect(refused.status).toBe(1);
    const id = JSON.parse(sent.stdout.slice(4)).id as string;

    await until(() => target.received.length === 1);
    const [forwarded] = target.received;
    // Verified by the reference library, and by hand from the scheme (id.timestamp.body, HMAC-SHA256, base64).
    const payload = new Webhook(FORWARD_SECRET).verify(forwarded!.body, forwarded!.headers as Record<string, string>) as Record<string, any>;
    expect(payload).toMatchObject({ id, provider: "ivy", message: "order_updated", attempt: 1, warnings: [], payload: getFixture("ivy", "order_updated") });
    const key = Buffer.from(FORWARD_SECRET.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key)
      .update(`${forwarded!.headers["webhook-id"]}.${forwarded!.headers["webhook-timestamp"]}.${forwarded!.body}`)
      .digest("base64");
    expect(forwarded!.headers["webhook-signature"]).toBe(`v1,${expected}`);
    expect(forwarded!.headers["webhook-id"]).toBe(id);
    expect(() => new Webhook("whsec_dGhlIHdyb25nIHNlY3JldA==").verify(forwarded!.body, forwarded!.headers as Record<string, string>)).toThrow(
      /No matching signature/,
    );

    await until(() => list(config).every((d) => d.status === "handled"));
    expect(list(config).map((d) => [d.provider, d.message, d.status])).toEqual([["ivy", "order_updated", "handled"]]);
    // One structured line per request, none with a secret in it.
    const requests = logs.filter((l) => l.msg === "request");
    expect(requests.map((l) => [l.provider, l.message, l.outcome, l.status, typeof l.ms])).toEqual([
      ["ivy", "order_updated", "accepted", 200, "number"],
      ["ivy", null, "unauthorized", 401, "number"],
    ]);
    expect(JSON.stringify(logs)).not.toMatch(/ivy-signing-secret|whsec_MfKQ/);
    await target.close();
  });

  it.skipIf(!kind.available)("retries a failing forward, quarantines it, and replays it from the command line once fixed", async () => {
    let failing = true;
    const target = await forwardTarget(() => (failing ? 500 : 204));
    const config = writeConfig(kind, {
      forward: { url: target.url, secret: FORWARD_SECRET },
      worker: { maxAttempts: 2, backoffBaseMs: 50, pollIntervalMs: 50 },
    });
    const { url } = await start(["serve", "--port", "0", "--config", config]);
    const accepted = await postIvy(url, ivy("evt_forward_fails"));
    const invalid = await postIvy(url, ivy("evt_invalid", { date: "not a date" }));
    expect([accepted.body.status, invalid.body.status]).toEqual(["accepted", "quarantined"]);
    await until(() => list(config, "--status", "quarantined").length === 2);
    const failed = list(config).find((d) => d.id === accepted.body.id)!;
    expect(failed).toMatchObject({ attempts: 2, reason: `handler failed 2 times; last: forward to ${target.url} answered 500` });
    expect(target.received).toHaveLength(2);

    failing = false;
    const replay = run(["inbox", "replay", "--config", config, "--all-quarantined"]);
    expect(replay.stdout).toContain(`${accepted.body.id} queued\n`);
    expect(replay.stdout).toMatch(new RegExp(`${invalid.body.id} quarantined \\(invalid ivy payload: /date expected an RFC 3339 date-time`));
    expect(replay.status).toBe(1); // one of them is still invalid
    await until(() => list(config).find((d) => d.id === accepted.body.id)!.status === "handled");
    expect(target.received).toHaveLength(3);

    const again = run(["inbox", "replay", "--config", config, accepted.body.id]);
    expect([again.status, again.stdout]).toEqual([1, `${accepted.body.id} conflict (already handled; replay with force to run its handlers again)\n`]);
    const forced = run(["inbox", "replay", "--config", config, accepted.body.id, "--force"]);
    expect([forced.status, forced.stdout]).toEqual([0, `${accepted.body.id} queued\n`]);
    await until(() => target.received.length === 4);
    await target.close();
  });

  it.skipIf(!kind.available)("inbox check runs what the inbox holds through today's validators", async () => {
    const config = writeConfig(kind);
    const { url } = await start(["serve", "--port", "0", "--config", config]);
    await postIvy(url, ivy("evt_check_ok"));
    await postIvy(url, ivy("evt_check_invalid", { date: "not a date" }));
    const checked = run(["inbox", "check", "--config", config, "--since", "1h", "--json"]);
    expect(checked.status, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout)).toEqual({ checked: 2, nowRejected: [], readyToReplay: [], unchanged: 2 });
    const text = run(["inbox", "check", "--config", config]);
    expect([text.status, text.stdout, text.stderr]).toEqual([0, "", "2 deliveries checked: 0 now rejected, 0 ready to replay, 2 unchanged\n"]);
    const future = run(["inbox", "check", "--config", config, "--since", "2999-01-01", "--json"]);
    expect(JSON.parse(future.stdout)).toMatchObject({ checked: 0 });
    const bad = run(["inbox", "check", "--config", config, "--since", "last week"]);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      "webhook-contracts: --since must be a duration such as 30d, 12h or 90m, or a date, not last week (see webhook-contracts inbox --help)\n",
    ]);
  });

  it.skipIf(!kind.available)("drift reports what the stored deliveries carry that the contracts do not know", async () => {
    const config = writeConfig(kind);
    const { url } = await start(["serve", "--port", "0", "--config", config]);
    await postIvy(url, ivy("evt_drift_1", { channel: "app" }));
    await postIvy(url, ivy("evt_drift_2", { channel: "web" }));
    const json = run(["drift", "--config", config, "--json"]);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        provider: "ivy",
        message: "order_updated",
        pointer: "/channel",
        keyword: "additionalProperties",
        count: 2,
        samples: ["app", "web"],
      }),
    ]);
    const table = run(["drift", "--config", config, "--since", "1h"]);
    expect(table.stdout).toMatch(
      /^\| provider \| message \| pointer .*\n.*\n\| ivy \| order_updated \| `\/channel` \| additionalProperties \| warning \| 2 \|/,
    );
    // A scheduled CI job: exit 1 on the kinds of drift it names, the report as ever, each finding on stderr.
    const fails = run(["drift", "--config", config, "--fail-on", "new-fields"]);
    expect([fails.status, fails.stderr]).toEqual([1, "drift: 1 finding of --fail-on new-fields:\n  ivy order_updated /channel (additionalProperties, 2x)\n"]);
    expect(fails.stdout).toBe(table.stdout);
    const passes = run(["drift", "--config", config, "--fail-on", "new-messages,new-values"]);
    expect([passes.status, passes.stderr]).toEqual([0, ""]);
  });

  it.skipIf(!kind.available)("serve --no-worker stores; a separate worker process forwards what it stored", async () => {
    const target = await forwardTarget();
    const config = writeConfig(kind);
    const { url } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    const r = await postIvy(url, ivy("evt_for_the_worker"));
    expect(r.body.status).toBe("accepted");
    await sleep(300);
    expect(list(config)[0]!.status).toBe("queued");
    await start(["worker", "--config", config, "--forward-to", target.url], { WEBHOOK_CONTRACTS_FORWARD_SECRET: FORWARD_SECRET });
    await until(() => target.received.length === 1);
    await until(() => list(config)[0]!.status === "handled");
    await target.close();
  });

  it.skipIf(!kind.available)("answers /healthz, /readyz and /metrics", async () => {
    const config = writeConfig(kind);
    const { url } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    await postIvy(url, ivy("evt_metrics"));
    await postIvy(url, ivy("evt_metrics"));
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready" });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('webhook_contracts_deliveries_total{provider="ivy",message="order_updated",outcome="accepted"} 1');
    expect(metrics).toContain('webhook_contracts_duplicates_total{provider="ivy"} 1');
    expect(metrics).toContain('webhook_contracts_queue_depth{status="queued"} 1');
    // The backlog's oldest delivery waits for a worker (there is none): its age is there, above 0.
    expect(Number(/^webhook_contracts_queue_oldest_age_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/webhook_contracts_request_duration_seconds_bucket/);
  });

  it.skipIf(!kind.available)(
    "rides out an outage of the forward target longer than the old schedule: every delivery handled, none quarantined, no replay",
    async () => {
      // The target answers 503 until each delivery was refused more often than the old default schedule
      // tried (8 attempts), and until /metrics was read during the outage: then it comes back.
      const REFUSALS = 10;
      const refused = new Map<string, number>();
      const handled = new Map<string, number>();
      let scraped = false;
      const down = () => !scraped || refused.size < 4 || [...refused.values()].some((n) => n < REFUSALS);
      const target = await forwardTarget((r) => {
        const id = String(r.headers["webhook-id"]);
        if (down()) {
          refused.set(id, (refused.get(id) ?? 0) + 1);
          return 503;
        }
        handled.set(id, (handled.get(id) ?? 0) + 1);
        return 204;
      });
      // The default number of attempts; delays short enough for a test (the default is 5 s doubling to 4 h).
      const config = writeConfig(kind, {
        forward: { url: target.url, secret: FORWARD_SECRET },
        worker: { backoffBaseMs: 20, backoffMaxMs: 100, pollIntervalMs: 20 },
        // The outage lasts seconds between two scrapes: with no idle timeout the server never closes the
        // kept-alive connection as fetch reuses it (a race with timers a busy machine fires late).
        server: { keepAliveTimeoutMs: 0 },
      });
      const { url } = await start(["serve", "--port", "0", "--config", config]);
      const before = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await postIvy(url, ivy(`evt_outage_${i}`))).body.id as string);
      await until(() => refused.size === 4);
      const during = await (await fetch(`${url}/metrics`)).text();
      const gauge = (text: string, name: string) =>
        Number(
          text
            .split("\n")
            .find((line) => line.startsWith(`${name} `))
            ?.slice(name.length + 1),
        );
      expect(gauge(during, 'webhook_contracts_queue_depth{status="queued"}') + gauge(during, 'webhook_contracts_queue_depth{status="processing"}')).toBe(4);
      const age = gauge(during, "webhook_contracts_queue_oldest_age_seconds");
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThanOrEqual((Date.now() - before) / 1000 + 1);
      scraped = true;

      await until(() => handled.size === 4, 30_000);
      await until(() => list(config).every((d) => d.status === "handled"));
      expect(list(config, "--status", "quarantined")).toEqual([]);
      for (const d of list(config)) expect(d.attempts).toBe(refused.get(d.id)! + 1);
      expect([...handled.values()]).toEqual([1, 1, 1, 1]);
      expect(Math.min(...refused.values())).toBeGreaterThanOrEqual(REFUSALS);
      const after = await (await fetch(`${url}/metrics`)).text();
      expect([gauge(after, 'webhook_contracts_queue_depth{status="queued"}'), gauge(after, "webhook_contracts_queue_oldest_age_seconds")]).toEqual([0, 0]);
      await target.close();
    },
  );

  it.skipIf(!kind.available || (kind.name === "sqlite" && !hasPrlimit && !process.env.CI))(
    "/readyz says 503 while the store cannot accept a write (a full disk, a read-only database), and 200 again once it can, with no restart",
    async () => {
      const config = writeConfig(kind);
      const served = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
      const { url } = served;
      expect((await postIvy(url, ivy("evt_before"))).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const writes = await blockWrites(kind.name, JSON.parse(readFileSync(config, "utf8")).store, served.child.pid!);
      try {
        const ready = await fetch(`${url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ status: "unavailable" });
        const refused = await fetch(`${url}/webhooks/ivy`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(await signedHeaders("ivy", ivy("evt_during"), "ivy-signing-secret")) },
          body: ivy("evt_during"),
        });
        expect([refused.status, refused.headers.get("retry-after")]).toEqual([503, "5"]);
      } finally {
        await writes.unblock();
      }
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await postIvy(url, ivy("evt_during"))).body.status).toBe("accepted");
      expect(list(config).map((d) => d.status)).toEqual(["queued", "queued"]);
    },
  );

  it.skipIf(!kind.available)("drains on SIGTERM: the forward in hand finishes, then it exits 0", async () => {
    const target = await forwardTarget(async () => {
      await sleep(1500);
      return 200;
    });
    const config = writeConfig(kind, { forward: { url: target.url, secret: FORWARD_SECRET } });
    const served = await start(["serve", "--port", "0", "--config", config]);
    const r = await postIvy(served.url, ivy("evt_drain"));
    await until(() => target.received.length === 1);
    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);
    expect(served.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["draining", "attempt", "stopped"]));
    expect(list(config).find((d) => d.id === r.body.id)!.status).toBe("handled");
    await target.close();
  });
});

describe("a configuration serve cannot run on", () => {
  const sqlite = stores[0];

  it("exits 2 listing every problem with where it is, and never listens", () => {
    const config = writeConfig(sqlite, {
      providers: { ivy: { secrets: "whsec_real" }, "amplia-reg": { apiKeys: [""] }, stripe: {} },
      forward: { url: "ftp://x" },
    });
    const r = run(["serve", "--port", "0", "--config", config]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").slice(1, -1).sort()).toEqual(
      [
        "  /forward/secret: missing (required)",
        "  /forward/url: expected an http:// or https:// URL, received a string of 7 characters",
        "  /providers/amplia-reg/apiKeys/0: expected at least 16 characters (a secret or key as issued, not a placeholder), received an empty string",
        "  /providers/ivy/secrets: expected array, received a string of 10 characters",
        '  /providers/stripe: unknown provider "stripe": expected one of amplia-reg, ivy, retorna, scalapay',
      ].sort(),
    );
    expect(r.stderr).toMatch(/^webhook-contracts: .*receiver\.json: 5 problems\n/);
    expect(r.stderr).not.toMatch(/whsec_real/);
  });

  it("names an unset environment variable", () => {
    const config = writeConfig(sqlite, { providers: { ivy: { secrets: [{ env: "IVY_SECRET_NOT_SET" }] } } });
    const r = run(["serve", "--port", "0", "--config", config]);
    expect([r.status, r.stderr]).toEqual([
      2,
      expect.stringMatching(/^webhook-contracts: \S+receiver\.json: \/providers\/ivy\/secrets\/0: environment variable IVY_SECRET_NOT_SET is not set\n$/),
    ]);
  });

  it("exits 2, at once, on a forward secret from the environment that is not base64 (it hung), naming the variable, not the value", () => {
    // The production form, every secret from the environment (no allowPlaintextSecrets).
    const config = writeConfig(sqlite, {
      allowPlaintextSecrets: undefined,
      providers: { ivy: { secrets: [{ env: "IVY_SECRET_UNDER_TEST" }] } },
      forward: { url: "http://127.0.0.1:1/x", secret: { env: "FORWARD_SECRET_UNDER_TEST" } },
    });
    for (const env of [
      { IVY_SECRET_UNDER_TEST: "ivy-signing-secret", FORWARD_SECRET_UNDER_TEST: "whsec_abc" },
      { IVY_SECRET_UNDER_TEST: "ivy-signing-secret", FORWARD_SECRET_UNDER_TEST: FORWARD_SECRET, WEBHOOK_CONTRACTS_FORWARD_SECRET: "whsec_abc" },
    ] as Record<string, string>[]) {
      const variable = Object.keys(env).at(-1)!;
      const r = run(["serve", "--port", "0", "--config", config], env);
      expect([r.status, r.signal, r.stdout]).toEqual([2, null, ""]);
      expect(r.stderr).toBe(
        `webhook-contracts: ${config}: /forward/secret: expected "whsec_" and the base64 of a key of 24 bytes or more (a Standard Webhooks secret, e.g. from \`openssl rand -base64 32\`), received a string of 9 characters (from environment variable ${variable})\n`,
      );
    }
  });

  it("refuses credentials in the forward URL, from --forward-to too, without echoing the password", () => {
    const config = writeConfig(sqlite, { forward: { url: "http://127.0.0.1:1/x", secret: FORWARD_SECRET } });
    const r = run(["serve", "--port", "0", "--config", config, "--forward-to", "http://ops:pa55-w0rd@127.0.0.1:1/x"]);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/\/forward\/url: the URL holds credentials .* \(from --forward-to\)\n$/)]);
    expect(r.stderr).not.toContain("pa55-w0rd");
  });

  it("says so in one line when the port is busy", async () => {
    const config = writeConfig(sqlite);
    const { url } = await start(["serve", "--port", "0", "--config", config]);
    const r = run(["serve", "--port", new URL(url).port, "--config", writeConfig(sqlite)]);
    expect([r.status, r.stderr]).toEqual([2, `webhook-contracts: port 127.0.0.1:${new URL(url).port} is in use\n`]);
  });

  it("refuses --forward-to without a signing secret, and a worker with nowhere to forward", () => {
    const config = writeConfig(sqlite);
    const r = run(["serve", "--port", "0", "--config", config, "--forward-to", "http://127.0.0.1:1/x"]);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^webhook-contracts: \S+receiver\.json: \/forward\/secret: missing \(required\)\n$/)]);
    const w = run(["worker", "--config", config]);
    expect([w.status, w.stderr]).toEqual([
      2,
      "webhook-contracts: a worker needs somewhere to hand deliveries: --forward-to URL (or forward in the configuration) (see webhook-contracts worker --help)\n",
    ]);
  });
});

describe("read-only commands", () => {
  const sqlite = stores[0];

  it("inbox list, inbox check and drift run with no provider or forward secret set; replay and serve still need them", () => {
    const config = writeConfig(sqlite, {
      allowPlaintextSecrets: undefined,
      providers: { ivy: { secrets: [{ env: "IVY_SECRET_NOT_SET" }] } },
      forward: { url: "http://127.0.0.1:1/x", secret: { env: "FORWARD_SECRET_NOT_SET" } },
    });
    for (const command of [["inbox", "list"], ["inbox", "check"], ["drift"]]) {
      const r = run([...command, "--config", config]);
      expect({ command, status: r.status, stderr: r.stderr }).toEqual({ command, status: 0, stderr: expect.not.stringMatching(/NOT_SET/) });
    }
    for (const command of [
      ["inbox", "replay", "--all-quarantined"],
      ["serve", "--port", "0"],
    ]) {
      const r = run([...command, "--config", config]);
      expect({ command, status: r.status }).toEqual({ command, status: 2 });
      expect(r.stderr).toContain("/providers/ivy/secrets/0: environment variable IVY_SECRET_NOT_SET is not set");
      expect(r.stderr).toContain("/forward/secret: environment variable FORWARD_SECRET_NOT_SET is not set");
    }
    // The rest of the file is still checked.
    const bad = writeConfig(sqlite, { providers: { ivy: { secrets: [{ env: "IVY_SECRET_NOT_SET" }], header: "X-Ivy" } } });
    expect(run(["inbox", "list", "--config", bad]).stderr).toMatch(/\/providers\/ivy\/header: unknown setting "header"\n$/);
  });
});

describe("slow senders", () => {
  const sqlite = stores[0];
  const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

  it("200 stalled connections: 408 after the configured time, closed, memory bounded; others still served", async () => {
    const config = writeConfig(sqlite, { server: { headersTimeoutMs: 1000 }, bodyTimeoutMs: 1000 });
    const { url, child } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    const { port, hostname } = new URL(url);
    const before = rss(child.pid!);
    const body = ivy("evt_slow_body");
    const signature = (await signedHeaders("ivy", body, "ivy-signing-secret"))["X-Ivy-Signature"];
    const opened = Date.now();
    const sockets = await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) =>
          new Promise<{ answer: Promise<string>; closedAt: Promise<number> }>((resolve) => {
            const socket = connect(Number(port), hostname, () => {
              // Half stop inside the headers, half send the headers and a part of the body.
              if (i % 2) socket.write("POST /webhooks/ivy HTTP/1.1\r\nHost: x\r\nContent-Type: application/js");
              else
                socket.write(
                  `POST /webhooks/ivy HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Ivy-Signature: ${signature}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`,
                );
              let text = "";
              socket.on("data", (d) => (text += d.toString()));
              resolve({ answer: new Promise((r) => socket.on("close", () => r(text))), closedAt: new Promise((r) => socket.on("close", () => r(Date.now()))) });
            });
          }),
      ),
    );
    const during = rss(child.pid!);
    // A well-behaved delivery is served meanwhile.
    expect((await postIvy(url, ivy("evt_meanwhile"))).status).toBe(200);
    const answers = await Promise.all(sockets.map((s) => s.answer));
    const closedAt = await Promise.all(sockets.map((s) => s.closedAt));
    const closed = Math.max(...closedAt);
    // Every one was answered 408 and closed by the server (its timers fired); none before its configured
    // second. How long after that depends on the machine's load, so it is logged, not asserted.
    expect(answers.filter((a) => a.startsWith("HTTP/1.1 408"))).toHaveLength(200);
    expect(Math.min(...closedAt) - opened).toBeGreaterThanOrEqual(1000 - 50);
    expect(during - before).toBeLessThan(64);
    console.log(`slow senders: RSS ${before.toFixed(0)} -> ${during.toFixed(0)} MiB with 200 stalled; all closed ${closed - opened} ms after opening`);
  });
});

describe("strangers at the edges", () => {
  const sqlite = stores[0];
  const MiB = 1024 * 1024;
  const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
  const metric = async (url: string, line: string, init?: RequestInit) => {
    const text = await (await fetch(`${url}/metrics`, init)).text();
    return new RegExp(`^${line.replace(/[{}"]/g, "\\$&")} (\\d+)$`, "m").exec(text)?.[1];
  };

  /** A raw connection from `localAddress` (a loopback address: Linux routes all of 127/8 to lo) that writes `data` and records the answer until it closes. */
  function raw(url: string, localAddress: string, data?: string) {
    const { port, hostname } = new URL(url);
    const socket = connect({ port: Number(port), host: hostname, localAddress });
    let text = "";
    let closed = false;
    socket.on("data", (d) => (text += d.toString()));
    socket.on("error", () => undefined); // a refused one is closed under its writes
    const answered = new Promise<string>((resolve) =>
      socket.on("close", () => {
        closed = true;
        resolve(text);
      }),
    );
    const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve(void (data && socket.write(data)))));
    return { socket, connected, answered, isClosed: () => closed };
  }

  /** A request whose signature is well-formed but false, declaring `declared` bytes and sending all but one of them: it would wait for ever. */
  async function stalledBody(declared: number, extra = "") {
    const headers = await signedHeaders("ivy", "{}", "not-the-secret");
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    return `POST /webhooks/ivy HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${head}${extra}Content-Length: ${declared}\r\n\r\n${"x".repeat(declared - 1)}`;
  }

  it("one address's idle connections cannot fill the connection cap: past its share each is answered 503 and closed; another address is served", async () => {
    const config = writeConfig(sqlite, { server: { maxConnections: 60, maxConnectionsPerAddress: 10, headersTimeoutMs: 60_000 } });
    const { url } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    const attack = Array.from({ length: 60 }, () => raw(url, "127.0.0.2"));
    await Promise.all(attack.map((a) => a.connected));
    await until(() => attack.filter((a) => a.isClosed()).length >= 50);
    const refused = await Promise.all(attack.filter((a) => a.isClosed()).map((a) => a.answered));
    expect(refused).toHaveLength(50);
    for (const answer of refused) expect(answer).toMatch(/^HTTP\/1\.1 503 .*\r\n[^]*retry-after: 5\r\n[^]*"error":"busy"/);
    // The ten it may hold are still open, and a sender from 127.0.0.1 is served beside them.
    expect((await postIvy(url, ivy("evt_beside_idle_connections"))).status).toBe(200);
    expect(attack.filter((a) => a.isClosed())).toHaveLength(50);
    expect(await metric(url, 'webhook_contracts_refused_total{limit="connections_per_address"}')).toBe("50");
  });

  it("stalled bodies behind a false signature: one address holds its budget of unverified bytes, the rest are refused unread; another address is served", async () => {
    const config = writeConfig(sqlite, { bodyTimeoutMs: 60_000, server: { maxUnauthenticatedBytesPerAddress: 2 * MiB } });
    const { url, child } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    const before = rss(child.pid!);
    const request = await stalledBody(MiB);
    const attack = Array.from({ length: 8 }, () => raw(url, "127.0.0.2", request));
    await until(() => attack.filter((a) => a.isClosed()).length >= 6);
    for (const answer of await Promise.all(attack.filter((a) => a.isClosed()).map((a) => a.answered)))
      expect(answer).toMatch(/^HTTP\/1\.1 503 .*\r\n[^]*retry-after: 5\r\n[^]*too many bytes of unverified request bodies in hand from your address/);
    await until(async () => (await metric(url, "webhook_contracts_unauthenticated_bytes")) === String(2 * MiB));
    expect((await postIvy(url, ivy("evt_beside_stalled_bodies"))).status).toBe(200);
    await until(async () => (await metric(url, "webhook_contracts_unauthenticated_bytes")) === String(2 * MiB)); // its own bytes given back
    expect(attack.filter((a) => a.isClosed())).toHaveLength(6);
    expect(await metric(url, 'webhook_contracts_refused_total{limit="unauthenticated_bytes_per_address"}')).toBe("6");
    console.log(`stalled bodies: RSS ${before.toFixed(0)} -> ${rss(child.pid!).toFixed(0)} MiB with 8 stalled 1 MiB bodies from one address, 2 held`);
  });

  it("unverified bytes are bounded in all, and given back when their senders go away", async () => {
    const config = writeConfig(sqlite, { bodyTimeoutMs: 60_000, server: { maxUnauthenticatedBytesPerAddress: 2 * MiB, maxUnauthenticatedBytes: 3 * MiB } });
    const { url, logs } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    const request = await stalledBody(MiB);
    const first = Array.from({ length: 3 }, () => raw(url, "127.0.0.2", request));
    await until(() => first.filter((a) => a.isClosed()).length === 1);
    const second = Array.from({ length: 3 }, () => raw(url, "127.0.0.3", request));
    await until(() => second.filter((a) => a.isClosed()).length === 2);
    await until(async () => (await metric(url, "webhook_contracts_unauthenticated_bytes")) === String(3 * MiB));
    expect(await metric(url, 'webhook_contracts_refused_total{limit="unauthenticated_bytes_per_address"}')).toBe("1");
    expect(await metric(url, 'webhook_contracts_refused_total{limit="unauthenticated_bytes"}')).toBe("2");
    // While the whole budget is held, even a small body from elsewhere waits: the memory bound comes first.
    expect(await postIvy(url, ivy("evt_while_full"))).toMatchObject({ status: 503, body: { error: "busy" } });
    for (const a of [...first, ...second]) a.socket.destroy();
    await until(async () => (await metric(url, "webhook_contracts_unauthenticated_bytes")) === "0");
    expect((await postIvy(url, ivy("evt_after_they_left"))).status).toBe(200);
    // The refusals are logged once as they start, naming the addresses, not once per request.
    const refusals = logs.filter((l) => l.msg === "refused by the limits (503, closed)");
    expect(refusals.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(refusals)).toContain("127.0.0.2");
  });

  it.each([
    { trustProxy: undefined, sender: "127.0.0.1", second: 503 },
    { trustProxy: ["127.0.0.1"], sender: "203.0.113.7", second: 200 },
  ])("X-Forwarded-For names the sender only from a trusted proxy (trustProxy $trustProxy)", async ({ trustProxy, sender, second }) => {
    const config = writeConfig(sqlite, {
      maxBodyBytes: 65536,
      bodyTimeoutMs: 60_000,
      server: { maxUnauthenticatedBytesPerAddress: 65536, ...(trustProxy ? { trustProxy } : {}) },
    });
    const { url, logs } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    raw(url, "127.0.0.1", await stalledBody(65536, "X-Forwarded-For: 203.0.113.7\r\n"));
    await until(async () => (await metric(url, "webhook_contracts_unauthenticated_bytes")) === "65536");
    const post = async (forwardedFor: string) => {
      const body = ivy(`evt_from_${forwardedFor}`);
      const headers = { "content-type": "application/json", "x-forwarded-for": forwardedFor, ...(await signedHeaders("ivy", body, "ivy-signing-secret")) };
      return (await fetch(`${url}/webhooks/ivy`, { method: "POST", headers, body })).status;
    };
    expect(await post("203.0.113.8")).toBe(second);
    expect(await post("203.0.113.7")).toBe(503);
    await until(() => logs.some((l) => l.msg === "refused by the limits (503, closed)"));
    expect(logs.find((l) => l.msg === "refused by the limits (503, closed)")).toMatchObject({
      refused: { unauthenticated_bytes_per_address: { addresses: [sender] } },
    });
  });

  it.each([
    ["127.0.0.2", "127.0.0.2"],
    ["::ffff:127.0.0.2", "127.0.0.2"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:3::1", "2001:db8:1:3::/64"],
  ])("the limits count %s as %s (an IPv6 host has its /64 whole)", (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it("refuses limits that could never admit the largest body, and a trustProxy entry that is no address", () => {
    const config = writeConfig(sqlite, {
      maxBodyBytes: 2 * MiB,
      server: { maxUnauthenticatedBytesPerAddress: MiB, trustProxy: ["10.0.0.0/8", "proxy.internal"] },
    });
    const r = run(["serve", "--port", "0", "--config", config]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`/server/maxUnauthenticatedBytesPerAddress: ${MiB} is below maxBodyBytes (${2 * MiB})`);
    expect(r.stderr).toContain('/server/trustProxy/1: expected an IP address, a CIDR range or loopback, linklocal, uniquelocal; received "proxy.internal"');
  });
});

describe("operations", () => {
  const sqlite = stores[0];

  it("--admin-port moves /readyz and /metrics off the public port; /healthz stays on both", async () => {
    const config = writeConfig(sqlite);
    const { url, logs } = await start(["serve", "--port", "0", "--config", config, "--no-worker", "--admin-port", "0"]);
    const admin = String(logs.find((l) => l.msg === "listening")!.admin);
    expect(admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const status = async (base: string, path: string) => (await fetch(`${base}${path}`)).status;
    expect(await Promise.all(["/healthz", "/readyz", "/metrics"].map((p) => status(url, p)))).toEqual([200, 404, 404]);
    expect(await Promise.all(["/healthz", "/readyz", "/metrics", "/webhooks/ivy"].map((p) => status(admin, p)))).toEqual([200, 200, 200, 404]);
    expect(await (await fetch(`${url}/metrics`)).json()).toEqual({ error: "not_found", message: "/metrics is served on the admin port (server.admin)" });
  });

  it("server.adminToken: /readyz and /metrics need the bearer token, /healthz does not; an unset token variable stops the start", async () => {
    const config = writeConfig(sqlite, { server: { adminToken: { env: "WC_TEST_ADMIN_TOKEN" } } });
    const { url, logs } = await start(["serve", "--port", "0", "--config", config, "--no-worker"], { WC_TEST_ADMIN_TOKEN: "s3cret-admin-token" });
    const status = async (path: string, authorization?: string) => (await fetch(`${url}${path}`, authorization ? { headers: { authorization } } : {})).status;
    expect(await status("/healthz")).toBe(200);
    for (const path of ["/readyz", "/metrics"]) {
      expect(await status(path)).toBe(401);
      expect(await status(path, "Bearer s3cret-admin-tokeN")).toBe(401);
      expect(await status(path, "Bearer s3cret-admin-token-and-more")).toBe(401);
      expect(await status(path, "s3cret-admin-token")).toBe(401);
      expect(await status(path, "Bearer s3cret-admin-token")).toBe(200);
    }
    expect((await fetch(`${url}/metrics`)).headers.get("www-authenticate")).toBe("Bearer");
    expect(JSON.stringify(logs)).not.toContain("s3cret-admin-token");
    const unset = run(["serve", "--port", "0", "--config", config]);
    expect([unset.status, unset.stderr]).toEqual([2, expect.stringMatching(/\/server\/adminToken: environment variable WC_TEST_ADMIN_TOKEN is not set\n$/)]);
  });

  it("worker without --port, as documented: runs until SIGTERM, forwards what is stored meanwhile, drains the forward in hand and exits 0", async () => {
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const target = await forwardTarget(async () => {
      await answered;
      return 200;
    });
    const config = writeConfig(sqlite, { worker: { pollIntervalMs: 100 } });
    const worker = await start(["worker", "--config", config, "--forward-to", target.url], { WEBHOOK_CONTRACTS_FORWARD_SECRET: FORWARD_SECRET });
    // Stored by another process after the worker started: only the worker's polling finds it.
    const { url } = await start(["serve", "--port", "0", "--config", config, "--no-worker"]);
    const r = await postIvy(url, ivy("evt_for_the_portless_worker"));
    const died = worker.exited.then((code) => Promise.reject(new Error(`the worker exited ${code} before SIGTERM`)));
    died.catch(() => undefined); // it exits 0 after SIGTERM, later: only a death before counts
    await Promise.race([until(() => target.received.length === 1), died]);
    expect(worker.child.exitCode).toBe(null);
    worker.child.kill("SIGTERM");
    await until(() => worker.logs.some((l) => l.msg === "draining"));
    release();
    expect(await worker.exited).toBe(0);
    expect(worker.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["working", "draining", "attempt", "stopped"]));
    expect(list(config).find((d) => d.id === r.body.id)!.status).toBe("handled");
    await target.close();
  });

  it("worker --admin-port serves /metrics without serving webhooks", async () => {
    const config = writeConfig(sqlite);
    const { logs } = await start(["worker", "--config", config, "--forward-to", "http://127.0.0.1:9/hooks", "--admin-port", "0"], {
      WEBHOOK_CONTRACTS_FORWARD_SECRET: FORWARD_SECRET,
    });
    const admin = String(logs.find((l) => l.msg === "working")!.admin);
    expect(await (await fetch(`${admin}/metrics`)).text()).toContain("webhook_contracts_queue_depth");
    expect((await fetch(`${admin}/webhooks/ivy`, { method: "POST" })).status).toBe(404);
  });

  it("serve --no-worker --forward-to says the deliveries wait for a worker elsewhere and that this process does not forward", async () => {
    const config = writeConfig(sqlite);
    const { logs } = await start(["serve", "--port", "0", "--config", config, "--no-worker", "--forward-to", "http://127.0.0.1:9/hooks"], {
      WEBHOOK_CONTRACTS_FORWARD_SECRET: FORWARD_SECRET,
    });
    expect(logs.map((l) => l.msg)).toEqual([
      "no worker in this process (--no-worker): deliveries are stored as queued, and a worker elsewhere forwards them (webhook-contracts worker --config FILE); this process does not forward to http://127.0.0.1:9/hooks",
      "listening",
    ]);
    expect(logs[1]).toMatchObject({ forward: null, worker: false });
  });
});

/** prlimit (util-linux) changes a running process's limits: here, the size its files may grow to. */
const hasPrlimit = process.platform === "linux" && spawnSync("prlimit", ["--version"]).status === 0;

/**
 * Makes the gateway's store refuse writes until `unblock`, from outside its process:
 * - SQLite: a full disk. No file of the process may grow past its size now (RLIMIT_FSIZE), as when no
 *   block is free: writes that grow the inbox's files fail, writes within them do not.
 * - PostgreSQL: a read-only server, for this inbox's table only (other tests share the database): every
 *   write to it fails with the error a read-only transaction raises (25006), from a statement trigger.
 */
async function blockWrites(kind: "sqlite" | "postgres", store: { sqlite?: string; postgres?: string; table?: string }, pid: number) {
  if (kind === "sqlite") {
    const file = store.sqlite!;
    const largest = Math.max(...[file, `${file}-wal`].map((f) => statSync(f).size));
    const limit = (value: string) => expect(spawnSync("prlimit", ["--pid", String(pid), `--fsize=${value}:unlimited`]).status).toBe(0);
    limit(String(largest));
    return { unblock: async () => limit("unlimited") };
  }
  const client = new pg.Client(store.postgres);
  await client.connect();
  const table = pg.escapeIdentifier(store.table!);
  const trigger = pg.escapeIdentifier(`${store.table}_read_only`);
  await client.query(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    RAISE EXCEPTION 'cannot execute % in a read-only transaction', TG_OP USING ERRCODE = 'read_only_sql_transaction'; END $$`);
  await client.query(`CREATE TRIGGER read_only BEFORE INSERT OR UPDATE OR DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${trigger}()`);
  return {
    async unblock() {
      await client.query(`DROP TRIGGER read_only ON ${table}`);
      await client.query(`DROP FUNCTION ${trigger}()`);
      await client.end();
    },
  };
}
