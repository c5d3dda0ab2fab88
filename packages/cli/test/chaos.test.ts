/**
 * Chaos: real gateway processes SIGKILLed and started again while a stream of signed deliveries (and
 * copies of them, as a provider's retries) comes in, over loopback, against both stores. Bounded: a few
 * hundred deliveries and a handful of kills per store, well under a minute and a half for the file.
 *
 * PostgreSQL: four processes on one table: two `serve` (each with its worker), one `serve --no-worker`,
 * one separate `worker`. SQLite: one `serve` with its worker. All forward to one in-test target that
 * verifies the Standard Webhooks signature, records (delivery id, attempt, sender, time) and answers 200,
 * after 200-400 ms for about a third of the forwards, so that kills land while forwards are in flight.
 * Each delivery goes to a random receiver; about 20% are sent again to a different one (half at the same
 * moment as the first copy, half a little later). A request that fails (its process is dead or dies
 * under it) was not acknowledged: it is sent again a moment later to a random receiver, as a provider
 * retries, until it is answered. Meanwhile a kill loop picks a process (each at least once), waits until
 * it has something in hand (a forward the target holds open, or a request the test is sending it),
 * SIGKILLs it, and starts it again with the same configuration a moment later.
 *
 * Who forwarded what: each incarnation (a process start) forwards to its own URL path, `/hooks/<slot><n>`
 * (serve: WEBHOOK_CONTRACTS_FORWARD_URL; worker: --forward-to), so the target knows the sender of every
 * forward, and the kill times are the test's own.
 *
 * What must hold, once every delivery is acknowledged and the inbox has settled:
 * - acceptance is exactly-once: every send (first copies and duplicates) was answered 200 "accepted" or
 *   "duplicate" in the end, never another status; all answers for one provider id carry the same inbox id;
 *   at most one of them says "accepted" (none only if a request for it was cut by a dead process: stored
 *   but not answered); the inbox holds exactly one row per provider id and no other row;
 * - nothing acknowledged is lost: every row is `handled` (none queued, processing, quarantined or
 *   rejected), and was forwarded at least once, correctly signed, with its own payload;
 * - a delivery is forwarded again only for a reason: forwards of one delivery have distinct attempt
 *   numbers, the highest being the row's `attempts` (no claim after the one that ended it). Sorted by
 *   attempt, for each forward followed by another, the process that sent the earlier one either
 *   (a) was SIGKILLed before the later one began (it died holding the lease: the documented at-least-once
 *   window), or (b) logged that attempt "retry" or "lost-lease" (its handler timed out, or its lease ran
 *   out on a slow machine: documented too, counted apart). Outcomes are fenced by lease owner and attempt,
 *   so an attempt logged "handled" was recorded, and a later attempt of it fails the test; so does a
 *   re-forward with no reason, and any forward from the `serve --no-worker` process;
 * - every forward the target held open when its sender was killed came again, with a higher attempt;
 * - every worker still works after the chaos: once things settle, each forwarding process in turn, the
 *   others paused with SIGSTOP, must forward on its own a burst of twice its concurrency sent to a
 *   receiver (these deliveries are checked like the others);
 * - no process exited unless the test killed it, each restart came up, and none survives the test.
 * A summary line per store is printed. Set CHAOS_SEED to replay a run's random choices.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getFixture } from "@webhook-contracts/fixtures";
import { signedHeaders } from "@webhook-contracts/receiver";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  type Forward,
  type Incarnation,
  type RecordingTarget,
  type Slot,
  type SlotKind,
  type StoredDelivery,
  alive,
  every,
  forwards as forwardsOf,
  inboxList,
  launch,
  pick,
  prng,
  receives,
  recordingTarget,
  shuffle,
  sigkill,
  stopAll,
} from "./chaos-support.js";
import { FORWARD_SECRET, type StoreSpec, killAll, sleep, stores } from "./support.js";

const WORKER = { concurrency: 8, handlerTimeoutMs: 1000, leaseMs: 1500, pollIntervalMs: 100, maxAttempts: 10, backoffBaseMs: 200, backoffMaxMs: 1000 };
const SLOW = { share: 0.35, minMs: 200, maxMs: 400 };
const DUPLICATE_SHARE = 0.2;
/** A delivery not acknowledged within this time (the provider gave up) fails the test. */
const SEND_DEADLINE_MS = 40_000;

interface Scenario {
  store: StoreSpec;
  deliveries: number;
  slots: { name: string; kind: SlotKind }[];
  /** Kills: at least this many (each slot once first), at most that many, while the stream lasts. */
  kills: { min: number; max: number };
  /** Pause between two deliveries of the stream. */
  spacingMs: [number, number];
}

interface Try {
  tag: string;
  at: number;
  status?: number;
  answer?: Record<string, unknown>;
  error?: string;
}

interface Send {
  ivyId: string;
  /** 0: the first copy; 1: the duplicate. */
  copy: 0 | 1;
  firstSlot: string;
  concurrent: boolean;
  /** Sent after the chaos, to check that each worker still works. */
  probe?: boolean;
  tries: Try[];
  /** The 200 answer that ended it. */
  answer?: { status: string; id: string };
}

interface Kill {
  tag: string;
  kind: SlotKind;
  at: number;
  /** Forwards the target held open (received, not answered) from this process at the kill. */
  forwardsInFlight: { id: string; attempt: number }[];
  /** Requests the test was sending it at the kill. */
  requestsInFlight: number;
}

interface Run {
  seed: number;
  scenario: Scenario;
  slots: Slot[];
  sends: Send[];
  kills: Kill[];
  target: RecordingTarget;
  rows: StoredDelivery[];
  store: Record<string, string>;
  /** Workers that did not forward a burst on their own after the chaos. */
  liveness: string[];
  ms: number;
}

const ivyBody = (ivyId: string) => JSON.stringify({ ...getFixture("ivy", "order_updated", "paid"), id: ivyId });

async function chaos(scenario: Scenario): Promise<Run> {
  const began = Date.now();
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  console.log(`chaos ${scenario.store.name}: seed ${seed} (CHAOS_SEED=${seed} replays its choices)`);
  const target = await recordingTarget(random, SLOW);
  const dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts-chaos-"));
  const store = scenario.store.store(dir);
  console.log(`chaos ${scenario.store.name}: store ${JSON.stringify(store).replace(/postgres:\/\/[^"]*/, "postgres://…")}`);
  const slots: Slot[] = scenario.slots.map(({ name, kind }) => {
    const config = path.join(dir, `${name}.json`);
    // The forward URL in the file is overridden per incarnation (see launch); the rest is the same for all.
    writeFileSync(
      config,
      JSON.stringify({
        allowPlaintextSecrets: true,
        store,
        providers: { ivy: { secrets: ["ivy-signing-secret"] } },
        worker: WORKER,
        forward: { url: `${target.base}/hooks/unnamed`, secret: FORWARD_SECRET },
      }),
    );
    return { name, kind, config, incarnations: [] };
  });
  const receivers = slots.filter(receives);
  await Promise.all(slots.map((slot) => launch(slot, target.base)));

  const sends: Send[] = [];
  const kills: Kill[] = [];
  const requestsInFlight = new Map<string, number>();
  let stopped = false;

  /** Sends one copy until it is answered 200, re-signed each time; a failed request goes to another receiver. */
  async function deliver(send: Send, body: string, first: Slot): Promise<void> {
    let slot = first;
    const deadline = Date.now() + SEND_DEADLINE_MS;
    while (!stopped && Date.now() < deadline) {
      // A dead process's address is still tried (the provider does not know): the connection is refused.
      const incarnation = slot.current ?? slot.incarnations.at(-1)!;
      const attempt: Try = { tag: incarnation.tag, at: Date.now() };
      send.tries.push(attempt);
      requestsInFlight.set(incarnation.tag, (requestsInFlight.get(incarnation.tag) ?? 0) + 1);
      try {
        const response = await fetch(`${incarnation.url}/webhooks/ivy`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(await signedHeaders("ivy", body, "ivy-signing-secret")) },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        attempt.status = response.status;
        attempt.answer = (await response.json()) as Record<string, unknown>;
        if (response.status === 200) {
          send.answer = { status: String(attempt.answer.status), id: String(attempt.answer.id) };
          return;
        }
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        attempt.error = cause?.code ?? cause?.message ?? (error as Error).message;
      } finally {
        requestsInFlight.set(incarnation.tag, requestsInFlight.get(incarnation.tag)! - 1);
      }
      // As a provider retries: after a growing pause (capped), to any receiver.
      await sleep(Math.min(1000, 100 * 2 ** Math.min(send.tries.length - 1, 4)) * (0.5 + random()));
      slot = pick(random, receivers);
    }
  }

  let streaming = true;
  const killer = (async () => {
    const order = shuffle(random, slots);
    while (!stopped && kills.length < scenario.kills.max && (streaming || kills.length < scenario.kills.min)) {
      await sleep(300 + random() * 500);
      // Each process once, then mostly those that forward (a kill there can cut a forward).
      const slot = order[kills.length] ?? pick(random, random() < 0.75 ? slots.filter(forwardsOf) : slots);
      const incarnation = slot.current!;
      // Wait (a little) for something in hand: a forward in flight, else a request being answered.
      const busy = () => (forwardsOf(slot) ? target.inFlight(incarnation.tag).length > 0 : (requestsInFlight.get(incarnation.tag) ?? 0) > 0);
      for (const until = Date.now() + 1500; !busy() && Date.now() < until;) await sleep(5);
      const kill: Kill = {
        tag: incarnation.tag,
        kind: slot.kind,
        at: Date.now(),
        forwardsInFlight: target.inFlight(incarnation.tag).map((f) => ({ id: f.id, attempt: f.attempt })),
        requestsInFlight: requestsInFlight.get(incarnation.tag) ?? 0,
      };
      await sigkill(slot);
      kills.push(kill);
      await sleep(150 + random() * 450);
      await launch(slot, target.base);
    }
  })();

  const tasks: Promise<void>[] = [];
  try {
    for (let i = 0; i < scenario.deliveries; i++) {
      const ivyId = randomUUID();
      const body = ivyBody(ivyId);
      const first = pick(random, receivers);
      const original: Send = { ivyId, copy: 0, firstSlot: first.name, concurrent: false, tries: [] };
      sends.push(original);
      tasks.push(deliver(original, body, first));
      if (random() < DUPLICATE_SHARE) {
        const others = receivers.filter((s) => s !== first);
        const second = others.length > 0 ? pick(random, others) : first;
        const concurrent = random() < 0.5;
        const copy: Send = { ivyId, copy: 1, firstSlot: second.name, concurrent, tries: [] };
        sends.push(copy);
        tasks.push(concurrent ? deliver(copy, body, second) : sleep(100 + random() * 1400).then(() => deliver(copy, body, second)));
      }
      await sleep(scenario.spacingMs[0] + random() * (scenario.spacingMs[1] - scenario.spacingMs[0]));
    }
    streaming = false;
    await killer;
    await Promise.all(tasks);
  } finally {
    streaming = false;
    stopped = true;
    await Promise.allSettled([killer, ...tasks]);
  }

  // Settle: nothing queued or processing, no forward open.
  const settle = async (ms: number) => {
    for (const by = Date.now() + ms; Date.now() < by; await sleep(250)) {
      const rows = await inboxList(slots[0]!.config);
      if (rows.every((r) => r.status !== "queued" && r.status !== "processing") && target.open() === 0) return;
    }
    // Not settled: the assertions below say what is left.
  };
  await settle(12_000);

  // Every worker that lived through the chaos still works: the others paused (SIGSTOP), it alone must
  // forward a burst of twice its concurrency, sent to a receiver, within a few seconds.
  const liveness: string[] = [];
  const entry = receivers.find((s) => !forwardsOf(s)) ?? receivers[0]!;
  for (const slot of slots.filter(forwardsOf)) {
    const tested = slot.current!;
    const paused = slots.filter((s) => s !== slot && forwardsOf(s)).map((s) => s.current!);
    for (const p of paused) p.served.child.kill("SIGSTOP");
    try {
      const burst: Send[] = [];
      for (let i = 0; i < 2 * WORKER.concurrency; i++) {
        const ivyId = randomUUID();
        const send: Send = { ivyId, copy: 0, firstSlot: entry.name, concurrent: false, probe: true, tries: [] };
        sends.push(send);
        burst.push(send);
      }
      stopped = false; // deliver() sends while this is false: on for the burst, off again below
      await Promise.all(burst.map((send) => deliver(send, ivyBody(send.ivyId), entry)));
      const ids = new Set(burst.flatMap((b) => (b.answer ? [b.answer.id] : [])));
      const forwardedBy = () => new Set(target.forwards.filter((f) => ids.has(f.id) && f.tag === tested.tag && f.answeredAt !== undefined).map((f) => f.id));
      for (const by = Date.now() + 5000; forwardedBy().size < ids.size && Date.now() < by;) await sleep(50);
      if (forwardedBy().size < ids.size)
        liveness.push(
          `${tested.tag} (${slot.kind}, up since +${tested.startedAt - began} ms) forwarded ${forwardedBy().size} of a burst of ${ids.size} within 5 s while the other workers were paused: its worker stopped claiming`,
        );
    } finally {
      stopped = true;
      for (const p of paused) p.served.child.kill("SIGCONT");
    }
  }
  await settle(8000);
  // A lease and more, for any late re-forward to show.
  await sleep(WORKER.leaseMs + 4 * WORKER.pollIntervalMs);
  const rows = await inboxList(slots[0]!.config);
  await stopAll();
  await target.close();
  return { seed, scenario, slots, sends, kills, target, rows, store, liveness, ms: Date.now() - began };
}

const count = (items: string[]) => items.reduce<Record<string, number>>((n, i) => ({ ...n, [i]: (n[i] ?? 0) + 1 }), {});

interface Verdict {
  problems: Record<string, string[]>;
  summary: string;
}

function verify(run: Run): Verdict {
  const { sends, kills, target, rows, slots } = run;
  const incarnations = new Map<string, Incarnation>(slots.flatMap((s) => s.incarnations.map((i) => [i.tag, i] as const)));
  const problems: Record<string, string[]> = {
    "every send answered 200 accepted/duplicate": [],
    "acceptance exactly once": [],
    "one stored row per delivery": [],
    "nothing left queued/processing/quarantined": [],
    "every acknowledged delivery forwarded, signed": [],
    "re-forwards explained by a kill or a logged retry": [],
    "deliveries in flight at a kill forwarded again": [],
    "processes: only killed ones died, none survives": [],
    "every worker still forwards after the chaos": [...run.liveness],
  };
  const fail = (rule: string, text: string) => problems[rule]!.push(text);

  // Acceptance.
  for (const send of sends) {
    for (const t of send.tries)
      if (t.status !== undefined && t.status !== 200)
        fail("every send answered 200 accepted/duplicate", `${send.ivyId} copy ${send.copy}: ${t.tag} answered ${t.status} ${JSON.stringify(t.answer)}`);
    if (!send.answer)
      fail(
        "every send answered 200 accepted/duplicate",
        `${send.ivyId} copy ${send.copy}: never acknowledged after ${send.tries.length} tries (${send.tries.map((t) => t.error ?? t.status).join(", ")})`,
      );
    else if (send.answer.status !== "accepted" && send.answer.status !== "duplicate")
      fail("every send answered 200 accepted/duplicate", `${send.ivyId} copy ${send.copy}: 200 ${send.answer.status}`);
  }
  const byIvy = new Map<string, Send[]>();
  for (const send of sends) byIvy.set(send.ivyId, [...(byIvy.get(send.ivyId) ?? []), send]);
  const ackedId = new Map<string, string>();
  for (const [ivyId, copies] of byIvy) {
    const answered = copies.filter((c) => c.answer);
    const ids = new Set(answered.map((c) => c.answer!.id));
    if (ids.size > 1) fail("acceptance exactly once", `${ivyId}: answered with ${ids.size} different inbox ids ${[...ids].join(", ")}`);
    const accepted = answered.filter((c) => c.answer!.status === "accepted").length;
    if (accepted > 1) fail("acceptance exactly once", `${ivyId}: "accepted" ${accepted} times`);
    // Only "duplicate": the first store happened in a request whose answer never came (its process died).
    if (answered.length > 0 && accepted === 0 && !copies.some((c) => c.tries.some((t) => t.error !== undefined)))
      fail("acceptance exactly once", `${ivyId}: only "duplicate" answers, yet no request for it was cut`);
    if (ids.size >= 1) ackedId.set(ivyId, [...ids][0]!);
  }

  // Storage.
  const rowsByIvy = new Map<string, StoredDelivery[]>();
  for (const row of rows) {
    let ivyId = "";
    try {
      ivyId = String((JSON.parse(row.body ?? "") as { id?: unknown }).id);
    } catch {
      // reported below as a row of nothing the test sent
    }
    rowsByIvy.set(ivyId, [...(rowsByIvy.get(ivyId) ?? []), row]);
    if (!byIvy.has(ivyId)) fail("one stored row per delivery", `row ${row.id} (${row.status}) is no delivery the test sent`);
    if (row.status !== "handled")
      fail("nothing left queued/processing/quarantined", `row ${row.id} (${ivyId}) is ${row.status}${row.reason ? `: ${row.reason}` : ""}`);
  }
  for (const [ivyId, id] of ackedId) {
    const stored = rowsByIvy.get(ivyId) ?? [];
    if (stored.length !== 1) fail("one stored row per delivery", `${ivyId}: ${stored.length} rows`);
    else if (stored[0]!.id !== id) fail("one stored row per delivery", `${ivyId}: answered id ${id}, stored ${stored[0]!.id}`);
  }

  // Forwards.
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const forwardsById = new Map<string, Forward[]>();
  for (const f of target.forwards) {
    forwardsById.set(f.id, [...(forwardsById.get(f.id) ?? []), f]);
    const row = rowById.get(f.id);
    if (!f.signatureOk) fail("every acknowledged delivery forwarded, signed", `forward of ${f.id} attempt ${f.attempt} from ${f.tag}: bad signature`);
    if (!row) fail("every acknowledged delivery forwarded, signed", `forward of ${f.id} from ${f.tag}: no such row`);
    else if (f.ivyId !== JSON.parse(row.body ?? "{}").id || f.provider !== "ivy")
      fail("every acknowledged delivery forwarded, signed", `forward of ${f.id} carries ${f.provider}/${f.ivyId}`);
    const sender = incarnations.get(f.tag);
    if (!sender || !forwardsOf(sender.slot))
      fail(
        "re-forwards explained by a kill or a logged retry",
        `forward of ${f.id} from ${f.tag}: ${sender ? `${sender.slot.kind} must not forward` : "unknown sender"}`,
      );
  }
  for (const id of ackedId.values()) if (!forwardsById.has(id)) fail("every acknowledged delivery forwarded, signed", `${id}: acknowledged, never forwarded`);

  // Re-forwards: each explained by its previous sender's death, or by that sender's own logged retry.
  const logged = new Map<string, string>();
  /** When each logged attempt began (its log line's time less its duration): its lease began no later. */
  const runBegan = new Map<string, number>();
  for (const inc of incarnations.values()) {
    for (const l of inc.served.logs) {
      if (l.msg !== "attempt") continue;
      const key = `${inc.tag} ${String(l.id)} ${String(l.attempt)}`;
      logged.set(key, `${String(l.outcome)}${l.error ? ` (${String(l.error)})` : ""}`);
      runBegan.set(key, Number(l.time) - Number(l.ms));
    }
  }
  let reforwards = 0;
  let byKill = 0;
  let byRetry = 0;
  const retryReasons: string[] = [];
  const rule = "re-forwards explained by a kill or a logged retry";
  for (const [id, list] of forwardsById) {
    const sorted = [...list].sort((a, b) => a.attempt - b.attempt || a.startedAt - b.startedAt);
    const row = rowById.get(id);
    if (row && sorted.at(-1)!.attempt !== row.attempts) fail(rule, `${id}: last forward attempt ${sorted.at(-1)!.attempt}, row attempts ${row.attempts}`);
    for (let k = 0; k + 1 < sorted.length; k++) {
      const [a, b] = [sorted[k]!, sorted[k + 1]!];
      reforwards++;
      const at = (time: number) => `+${time - run.target.forwards[0]!.startedAt} ms`;
      const what = `${id}: attempt ${a.attempt} from ${a.tag} at ${at(a.startedAt)}, then attempt ${b.attempt} from ${b.tag} at ${at(b.startedAt)}`;
      if (a.attempt === b.attempt) {
        fail(rule, `${what}: one attempt forwarded twice`);
        continue;
      }
      const outcome = logged.get(`${a.tag} ${id} ${a.attempt}`);
      const next = logged.get(`${b.tag} ${id} ${b.attempt}`);
      const sender = incarnations.get(a.tag);
      if (outcome?.startsWith("handled")) {
        // Recorded handled (outcomes are fenced by attempt), yet claimed and run again: a bug.
        fail(
          rule,
          `${what}: ${a.tag} had logged attempt ${a.attempt} handled (that run began at ${at(runBegan.get(`${a.tag} ${id} ${a.attempt}`)!)}), ${b.tag} logged attempt ${b.attempt} ${next ?? "nothing"}`,
        );
      } else if (outcome?.startsWith("retry") || outcome?.startsWith("lost-lease")) (byRetry++, retryReasons.push(outcome));
      else if (sender?.killedAt !== undefined && !sender.stopping && sender.killedAt < b.startedAt) byKill++;
      else fail(rule, `${what}: ${a.tag} was not killed before and logged ${outcome ?? "nothing"} for it`);
    }
  }

  // Forwards cut by a kill came again.
  for (const kill of kills) {
    for (const cut of kill.forwardsInFlight) {
      const later = (forwardsById.get(cut.id) ?? []).filter((f) => f.attempt > cut.attempt);
      if (later.length === 0)
        fail(
          "deliveries in flight at a kill forwarded again",
          `${cut.id}: attempt ${cut.attempt} in flight when ${kill.tag} was killed, never forwarded again`,
        );
    }
  }
  const cutForwards = kills.reduce((n, k) => n + k.forwardsInFlight.length, 0);

  // Processes.
  for (const inc of incarnations.values()) {
    if (inc.killedAt === undefined || (inc.exit && inc.exit.at < inc.killedAt))
      fail("processes: only killed ones died, none survives", `${inc.tag} exited by itself: ${JSON.stringify(inc.exit)}`);
    if (alive(inc.served.child.pid) && inc.served.child.exitCode === null && inc.served.child.signalCode === null)
      fail("processes: only killed ones died, none survives", `${inc.tag} (pid ${inc.served.child.pid}) still runs`);
  }
  const errorLines = [...incarnations.values()].flatMap((i) =>
    i.served.logs.filter((l) => l.level === 50 || l.msg === "error").map((l) => `${i.tag}: ${String(l.err ?? l.msg)}`),
  );

  const statuses: Record<string, number> = {};
  for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
  const duplicates = sends.filter((s) => s.copy === 1);
  const probes = sends.filter((s) => s.probe);
  const tries = sends.reduce((n, s) => n + s.tries.length, 0);
  const failedTries = sends.reduce((n, s) => n + s.tries.filter((t) => t.error !== undefined).length, 0);
  const answers = sends.filter((s) => s.answer);
  const killedKinds = kills.map((k) => k.tag).join(" ");
  const summary =
    `chaos ${run.scenario.store.name}: seed ${run.seed}; sent ${byIvy.size - probes.length} deliveries + ${duplicates.length} duplicate copies (${duplicates.filter((d) => d.concurrent).length} concurrent) in ${tries} requests (${failedTries} cut or refused by dead processes); ` +
    `acknowledged ${answers.length}/${sends.length} (accepted ${answers.filter((s) => s.answer!.status === "accepted").length}, duplicate ${answers.filter((s) => s.answer!.status === "duplicate").length}); duplicates answered 200 ${duplicates.filter((d) => d.answer).length}/${duplicates.length}; ` +
    `kills ${kills.length} [${killedKinds}] holding ${cutForwards} forwards and ${kills.reduce((n, k) => n + k.requestsInFlight, 0)} requests in flight; ` +
    `forwards ${target.forwards.length} for ${forwardsById.size} deliveries, re-forwards ${reforwards} (${byKill} explained by kills, ${byRetry} by logged retries/lost leases${
      retryReasons.length
        ? ` [${Object.entries(count(retryReasons.map((r) => r.replace(/ \(.*/, ""))))
            .map(([k, n]) => `${k} ${n}`)
            .join(", ")}]`
        : ""
    }); ` +
    `then a burst of ${2 * WORKER.concurrency} to each worker alone (${probes.length} more deliveries; ${slots.filter(forwardsOf).length - run.liveness.length}/${slots.filter(forwardsOf).length} workers forwarded theirs); final statuses ${JSON.stringify(statuses)}; error log lines ${errorLines.length}${errorLines.length ? ` (${[...new Set(errorLines)].slice(0, 3).join(" | ")})` : ""}; ${(run.ms / 1000).toFixed(1)} s`;
  return { problems, summary };
}

afterEach(async () => {
  await stopAll();
  killAll();
});
afterAll(async () => {
  await stopAll();
  killAll();
  // No child outlives the file.
  const survivors = every.filter((i) => alive(i.served.child.pid) && i.served.child.exitCode === null && i.served.child.signalCode === null);
  expect(survivors.map((i) => `${i.tag} pid ${i.served.child.pid}`)).toEqual([]);
});

describe("chaos: gateway processes SIGKILLed and restarted while deliveries stream in", () => {
  const [sqlite, postgres] = stores;

  it.skipIf(!postgres.available)(
    "PostgreSQL, 2 serve + 1 serve --no-worker + 1 worker on one table: exactly-once acceptance, nothing lost, re-forwards only where a process died",
    async () => {
      const run = await chaos({
        store: postgres,
        deliveries: 300,
        slots: [
          { name: "A", kind: "serve" },
          { name: "B", kind: "serve" },
          { name: "C", kind: "serve --no-worker" },
          { name: "W", kind: "worker" },
        ],
        kills: { min: 6, max: 9 },
        spacingMs: [20, 50],
      });
      const { problems, summary } = verify(run);
      console.log(summary);
      expect(problems).toEqual(Object.fromEntries(Object.keys(problems).map((k) => [k, []])));
      expect(run.rows).toHaveLength(300 + 3 * 2 * WORKER.concurrency);
      expect(run.kills.length).toBeGreaterThanOrEqual(6);
      expect(new Set(run.kills.map((k) => k.kind)).size).toBe(3);
      // The chaos did what it is for: some kill landed while forwards were in flight.
      expect(run.kills.filter((k) => k.forwardsInFlight.length > 0).length).toBeGreaterThan(0);
    },
    80_000,
  );

  it("SQLite, one serve with its worker: exactly-once acceptance, nothing lost, re-forwards only where it died", async () => {
    const run = await chaos({
      store: sqlite,
      deliveries: 150,
      slots: [{ name: "S", kind: "serve" }],
      kills: { min: 4, max: 6 },
      spacingMs: [20, 50],
    });
    const { problems, summary } = verify(run);
    console.log(summary);
    expect(problems).toEqual(Object.fromEntries(Object.keys(problems).map((k) => [k, []])));
    expect(run.rows).toHaveLength(150 + 2 * WORKER.concurrency);
    expect(run.kills.length).toBeGreaterThanOrEqual(4);
    expect(run.kills.filter((k) => k.forwardsInFlight.length > 0).length).toBeGreaterThan(0);
  }, 80_000);
});
