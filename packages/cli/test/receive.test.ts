/**
 * serve, send and inbox as people run them (real processes, real HTTP on loopback), against both stores;
 * and a receiver killed with SIGKILL mid-stream loses no delivery it acknowledged.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getFixture } from "@webhook-contracts/fixtures";
import { signedHeaders } from "@webhook-contracts/receiver";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
const bin = path.join(root, "node_modules/.bin/webhook-contracts");
const postgresUrl = process.env.WEBHOOK_CONTRACTS_TEST_POSTGRES;

const stores = [
  { name: "sqlite", available: true, store: (dir: string) => ({ sqlite: path.join(dir, "inbox.db") }) },
  { name: "postgres", available: Boolean(postgresUrl), store: () => ({ postgres: postgresUrl!, table: `cli_${process.pid}_${Date.now()}` }) },
];

function writeConfig(store: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-serve-"));
  const file = path.join(dir, "config.json");
  writeFileSync(file, JSON.stringify({ store: typeof store === "function" ? store(dir) : store, providers: { ivy: { secrets: ["ivy-secret"] } } }));
  return file;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Starts `webhook-contracts serve` on a free port; resolves with its base URL once it listens. */
function serve(config: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(bin, ["serve", "--port", "0", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on (http:\/\/[^/]+)\//.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

const run = (args: string[]) => spawnSync(bin, args, { encoding: "utf8" });

describe.each(stores)("serve / send / inbox with the $name store", (kind) => {
  it.skipIf(!kind.available)("accepts a signed delivery, refuses a wrong secret, and lists the handled one", async () => {
    const config = writeConfig(kind.store);
    const { url } = await serve(config);
    const sent = run(["send", "--provider", "ivy", "--fixture", "order_updated", "--to", url, "--secret", "ivy-secret"]);
    expect(sent.stdout).toMatch(/^200 \{"status":"handled","id":"[0-9a-f-]{36}","message":"order_updated","warnings":0\}\n$/);
    expect(sent.status).toBe(0);
    const refused = run(["send", "--provider", "ivy", "--fixture", "order_updated", "--to", url, "--secret", "wrong"]);
    expect(refused.stdout).toMatch(/^401 .*"unauthorized"/);
    expect(refused.status).toBe(1);
    const list = run(["inbox", "list", "--config", config, "--json"]);
    expect(list.status).toBe(0);
    const deliveries = JSON.parse(list.stdout) as { status: string; provider: string; message: string }[];
    expect(deliveries.map((d) => [d.provider, d.message, d.status])).toEqual([["ivy", "order_updated", "handled"]]);
  });

  it.skipIf(!kind.available)("replays quarantined deliveries from the command line", async () => {
    const config = writeConfig(kind.store);
    const { url } = await serve(config);
    const file = path.join(path.dirname(config), "broken.json");
    writeFileSync(file, JSON.stringify({ ...getFixture("ivy", "test"), date: "not a date" }));
    expect(run(["send", "--provider", "ivy", "--fixture", file, "--to", url, "--secret", "ivy-secret"]).stdout).toMatch(/"status":"quarantined"/);
    const quarantined = run(["inbox", "list", "--config", config, "--status", "quarantined"]);
    expect(quarantined.stdout).toMatch(/ ivy test quarantined \(invalid ivy payload: \/date expected an RFC 3339 date-time/);
    // Still invalid: the replay says so and exits 1.
    const replay = run(["inbox", "replay", "--config", config, "--all-quarantined"]);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toMatch(/ quarantined \(invalid ivy payload/);
  });

  it.skipIf(!kind.available)("loses no acknowledged delivery when killed mid-stream and restarted", async () => {
    const config = writeConfig(kind.store);
    const first = await serve(config);
    const acknowledged: string[] = [];
    let killed = false;
    const deliver = async (i: number) => {
      const body = JSON.stringify({ ...getFixture("ivy", "test"), id: `evt_crash_${i}` });
      try {
        const r = await fetch(`${first.url}/webhooks/ivy`, { method: "POST", headers: { "content-type": "application/json", ...signedHeaders("ivy", body, "ivy-secret") }, body });
        if (r.status === 200) acknowledged.push(`evt_crash_${i}`);
      } catch {
        // The connection died with the process: not acknowledged, so the provider would retry.
      }
      if (!killed && acknowledged.length >= 15) {
        killed = true;
        first.child.kill("SIGKILL");
      }
    };
    const queue = Array.from({ length: 60 }, (_, i) => i);
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (queue.length) await deliver(queue.shift()!);
    }));
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(15);
    expect(acknowledged.length).toBeLessThan(60);
    await serve(config); // restarts and resumes what was stored but not handled
    const stored = JSON.parse(run(["inbox", "list", "--config", config, "--json"]).stdout) as { deliveryKey: string; status: string }[];
    const keys = new Set(stored.map((d) => JSON.parse(d.deliveryKey)[0] as string));
    for (const id of acknowledged) expect(keys, id).toContain(id);
    expect(stored.every((d) => d.status === "handled")).toBe(true);
  });
});
