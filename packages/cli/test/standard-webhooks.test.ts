/**
 * Ivy's newer event API signs the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature,
 * a whsec_ key), beside its X-Ivy-Signature. Through `serve` as people run it: every Ivy message's valid
 * fixture, signed by the standardwebhooks library itself, is accepted as its named message and handled;
 * what that library would refuse gets 401 and is not stored; X-Ivy-Signature deliveries work as before;
 * `send` signs either way.
 */
import { allFixtures, fixtures } from "@webhook-contracts/fixtures";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { FORWARD_SECRET, forwardTarget, killAll, run, start, stores, until, writeConfig } from "./support.js";

afterEach(killAll);

const IVY_WEBHOOK_KEY = `whsec_${Buffer.from("Ivy's webhookKey for these tests!").toString("base64")}`;
const library = new Webhook(IVY_WEBHOOK_KEY);
const sqlite = stores[0];

/** The headers Ivy's SDK would verify: signed by the reference library, the envelope's id as webhook-id. */
function signedByLibrary(body: string, id: string, at = new Date()): Record<string, string> {
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": library.sign(id, at, body),
  };
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(`${url}/webhooks/ivy`, { method: "POST", headers, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
const list = (config: string) => JSON.parse(run(["inbox", "list", "--config", config, "--json"]).stdout) as Record<string, any>[];

describe("Ivy deliveries signed the Standard Webhooks way", () => {
  it("every Ivy message, signed by the standardwebhooks library, is accepted as its message and handled; what the library refuses gets 401", async () => {
    const target = await forwardTarget();
    const config = writeConfig(sqlite, {
      providers: { ivy: { secrets: ["ivy-signing-secret"], webhookKeys: [IVY_WEBHOOK_KEY] } },
      forward: { url: target.url, secret: FORWARD_SECRET },
    });
    const { url } = await start(["serve", "--port", "0", "--config", config]);

    const messages = Object.keys(fixtures.ivy) as (keyof typeof fixtures.ivy)[];
    const accepted: [string, string][] = [];
    for (const [i, message] of messages.entries()) {
      const payload = { ...allFixtures("ivy", message)[0]!.payload, id: `evt_sw_${i}` };
      const body = JSON.stringify(payload);
      const answer = await post(url, body, signedByLibrary(body, `evt_sw_${i}`));
      expect([message, answer.status, answer.body.status]).toEqual([message, 200, "accepted"]);
      accepted.push([message, answer.body.message as string]);
    }
    expect(accepted.map(([sent, named]) => [sent, named])).toEqual(messages.map((m) => [m, m]));
    await until(() => target.received.length === messages.length);
    // Handed on as the message the contract names.
    expect(target.received.map((r) => (JSON.parse(r.body) as { message: string }).message).sort()).toEqual([...messages].sort());
    await until(() => list(config).every((d) => d.status === "handled"));
    expect(list(config)).toHaveLength(messages.length);

    // The same body, refused: a signature of another key, a timestamp past the tolerance, a v2 entry only.
    const body = JSON.stringify({ ...allFixtures("ivy", messages[0]!)[0]!.payload, id: "evt_refused" });
    const good = signedByLibrary(body, "evt_refused");
    const refused = [
      { ...good, "webhook-signature": new Webhook(FORWARD_SECRET).sign("evt_refused", new Date(), body) },
      signedByLibrary(body, "evt_refused", new Date(Date.now() - 10 * 60_000)),
      { ...good, "webhook-signature": good["webhook-signature"]!.replace(/^v1,/, "v2,") },
    ];
    for (const headers of refused) {
      const answer = await post(url, body, headers);
      expect([answer.status, answer.body.error]).toEqual([401, "unauthorized"]);
    }
    expect(list(config).some((d) => JSON.stringify(d).includes("evt_refused"))).toBe(false);

    // X-Ivy-Signature works as before, and `send` signs either way: a whsec_ key the Standard Webhooks way.
    const ivySigned = run(["send", "--provider", "ivy", "--fixture", "order_updated", "--to", url, "--secret", "ivy-signing-secret"]);
    expect(ivySigned.stdout).toMatch(/^200 \{"status":"accepted".*"message":"order_updated"/);
    const message = messages.find((m) => m.includes("."))!;
    const keySigned = run(["send", "--provider", "ivy", "--fixture", message, "--to", url, "--secret", IVY_WEBHOOK_KEY]);
    expect(keySigned.stdout).toMatch(new RegExp(`^200 \\{"status":"(accepted|duplicate)".*"message":"${message.replace(".", "\\.")}"`));
    const unknownScheme = run(["send", "--provider", "ivy", "--fixture", message, "--to", url, "--secret", IVY_WEBHOOK_KEY, "--scheme", "ivyStandardWebhook"]);
    expect([unknownScheme.status, unknownScheme.stderr]).toEqual([2, expect.stringMatching(/--scheme must be one of ivySignature, ivyStandardWebhooks/)]);
    await target.close();
  });
});
