/**
 * Helpers of chaos.test.ts: a seeded random source, a forward target that records who forwarded what and
 * when (and can be slow), named process slots that are started, SIGKILLed and started again, and the inbox
 * read without blocking the test's event loop (the target must keep answering while it is read).
 */
import { execFile } from "node:child_process";
import { type Server, createServer } from "node:http";
import { Webhook } from "standardwebhooks";
import { FORWARD_SECRET, type Served, bin, sleep, start } from "./support.js";

/** mulberry32: a small seeded generator, so that a run's choices can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** One forward the target received in full (its body came). */
export interface Forward {
  /** The incarnation that sent it: the last segment of the URL path it was sent to. */
  tag: string;
  /** webhook-id: the delivery's id in the inbox. */
  id: string;
  attempt: number;
  /** The provider's own id (the Ivy payload's `id`), read from the forwarded payload. */
  ivyId: string;
  provider: string;
  signatureOk: boolean;
  /** When the request's headers came, and when its body was complete. */
  startedAt: number;
  receivedAt: number;
  /** When the target answered 200; undefined if the sender went away first. */
  answeredAt?: number;
  slowMs: number;
}

export interface RecordingTarget {
  /** http://127.0.0.1:port — each incarnation forwards to `${base}/hooks/<tag>`. */
  base: string;
  forwards: Forward[];
  /** Forwards from `tag` that came in full and are not answered yet (the sender waits for them). */
  inFlight(tag: string): Forward[];
  /** Requests whose answer is not written yet, from anyone. */
  open(): number;
  close(): Promise<void>;
}

/** The internal service behind the gateways: verifies and records every forward, answers 200, slowly for some. */
export async function recordingTarget(random: () => number, slow: { share: number; minMs: number; maxMs: number }): Promise<RecordingTarget> {
  const forwards: Forward[] = [];
  const pending = new Set<Forward>();
  let openRequests = 0;
  const webhook = new Webhook(FORWARD_SECRET);
  const server: Server = createServer((req, res) => {
    const startedAt = Date.now();
    openRequests++;
    let done = false;
    const finished = () => {
      if (!done) ((done = true), openRequests--);
    };
    res.on("close", finished);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const tag = (req.url ?? "").split("?")[0]!.split("/").pop() ?? "";
      let signatureOk = true;
      let parsed: Record<string, any>;
      try {
        parsed = webhook.verify(body, req.headers as Record<string, string>) as Record<string, any>;
      } catch {
        signatureOk = false;
        try {
          parsed = JSON.parse(body) as Record<string, any>;
        } catch {
          parsed = {};
        }
      }
      const slowMs = random() < slow.share ? Math.round(slow.minMs + random() * (slow.maxMs - slow.minMs)) : 0;
      const forward: Forward = {
        tag,
        id: String(req.headers["webhook-id"] ?? ""),
        attempt: Number(parsed.attempt),
        ivyId: String(parsed.payload?.id ?? ""),
        provider: String(parsed.provider ?? ""),
        signatureOk,
        startedAt,
        receivedAt: Date.now(),
        slowMs,
      };
      forwards.push(forward);
      pending.add(forward);
      res.on("close", () => pending.delete(forward));
      const answer = () => {
        pending.delete(forward);
        if (res.destroyed) return;
        forward.answeredAt = Date.now();
        res.writeHead(200).end();
      };
      if (slowMs > 0) setTimeout(answer, slowMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    base,
    forwards,
    inFlight: (tag) => [...pending].filter((f) => f.tag === tag),
    open: () => openRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type SlotKind = "serve" | "serve --no-worker" | "worker";

/** One process of the test's choosing, started again (same configuration file) after each kill. */
export interface Slot {
  name: string;
  kind: SlotKind;
  config: string;
  incarnations: Incarnation[];
  /** The incarnation running now; undefined between a kill and the restart. */
  current?: Incarnation;
}

export interface Incarnation {
  slot: Slot;
  /** `${slot.name}${n}`: the last path segment of its forward URL, so that the target knows who sent what. */
  tag: string;
  served: Served;
  /** Where it listens (serve); empty for a worker without a port. */
  url: string;
  startedAt: number;
  /** When the test SIGKILLed it (or stopped it at the end). */
  killedAt?: number;
  stopping?: boolean;
  exit?: { code: number | null; signal: NodeJS.Signals | null; at: number; stderr: string };
}

export const every: Incarnation[] = [];

export const forwards = (slot: Slot) => slot.kind !== "serve --no-worker";
export const receives = (slot: Slot) => slot.kind !== "worker";

/**
 * Starts the slot's next incarnation and resolves once it logs "listening" (serve) or "working" (worker).
 * The configuration file is the slot's own, the same on every start; the forward URL's last segment names
 * the incarnation (serve: WEBHOOK_CONTRACTS_FORWARD_URL over the file's; worker: --forward-to).
 */
export async function launch(slot: Slot, targetBase: string): Promise<Incarnation> {
  const tag = `${slot.name}${slot.incarnations.length}`;
  const forwardUrl = `${targetBase}/hooks/${tag}`;
  const args =
    slot.kind === "worker"
      ? ["worker", "--config", slot.config, "--forward-to", forwardUrl]
      : ["serve", "--port", "0", "--config", slot.config, ...(slot.kind === "serve --no-worker" ? ["--no-worker"] : [])];
  const startedAt = Date.now();
  const served = await start(args, slot.kind === "worker" ? {} : { WEBHOOK_CONTRACTS_FORWARD_URL: forwardUrl });
  const incarnation: Incarnation = { slot, tag, served, url: served.url, startedAt };
  let stderr = "";
  served.child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  served.child.once("exit", (code, signal) => (incarnation.exit = { code, signal, at: Date.now(), stderr }));
  slot.incarnations.push(incarnation);
  every.push(incarnation);
  slot.current = incarnation;
  return incarnation;
}

/** SIGKILL: no drain, no lease given back, whatever was in hand is lost mid-way. Resolves once it is gone. */
export async function sigkill(slot: Slot): Promise<Incarnation> {
  const incarnation = slot.current!;
  slot.current = undefined;
  incarnation.killedAt = Date.now();
  incarnation.served.child.kill("SIGKILL");
  await incarnation.served.exited;
  return incarnation;
}

/** Kills every incarnation still running (end of a test) and waits until each is gone. */
export async function stopAll(): Promise<void> {
  for (const incarnation of every) {
    if (incarnation.served.child.exitCode === null && incarnation.served.child.signalCode === null) {
      incarnation.stopping = true;
      incarnation.killedAt ??= Date.now();
      incarnation.served.child.kill("SIGKILL");
    }
    if (incarnation.slot.current === incarnation) incarnation.slot.current = undefined;
  }
  await Promise.race([Promise.all(every.map((i) => i.served.exited)), sleep(10_000)]);
}

/** Whether a process id is still alive (not reaped, not gone). */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface StoredDelivery {
  id: string;
  provider: string;
  deliveryKey: string;
  status: string;
  attempts: number;
  reason: string | null;
  body?: string;
}

/** `webhook-contracts inbox list --json`, run without blocking this process (spawnSync would stall the target). */
export function inboxList(config: string): Promise<StoredDelivery[]> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      ["inbox", "list", "--config", config, "--json"],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`inbox list failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as StoredDelivery[]);
      },
    );
  });
}
