/**
 * serve, worker, send and inbox as people run them (real processes, real HTTP on loopback), against both
 * stores: a gateway that stores before it answers, forwards signed with Standard Webhooks, retries,
 * replays, logs, reports its health and metrics, drains on SIGTERM, and refuses a bad configuration.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { getFixture } from "@webhook-contracts/fixtures";
import { signedHeaders } from "@webhook-contracts/receiver";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
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
    expect(metrics).toMatch(/webhook_contracts_request_duration_seconds_bucket/);
  });

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
    const bad = writeConfig(sqlite, { providers: { ivy: { secrets: [{ env: "IVY_SECRET_NOT_SET" }], toleranceSeconds: 60 } } });
    expect(run(["inbox", "list", "--config", bad]).stderr).toMatch(/\/providers\/ivy\/toleranceSeconds: unknown setting "toleranceSeconds"\n$/);
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
    const closed = Math.max(...(await Promise.all(sockets.map((s) => s.closedAt))));
    expect(closed - opened).toBeLessThan(5000);
    expect(answers.filter((a) => a.startsWith("HTTP/1.1 408"))).toHaveLength(200);
    expect(during - before).toBeLessThan(64);
    console.log(`slow senders: RSS ${before.toFixed(0)} -> ${during.toFixed(0)} MiB with 200 stalled; all closed ${closed - opened} ms after opening`);
  });
});
