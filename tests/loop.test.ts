/**
 * The loop that keeps the contracts true, end to end, in a copy of this repository: a receiver takes
 * deliveries carrying a field and a status the contracts do not know; `drift` counts them and `drift
 * --propose` writes the schema change; `diff` classifies it (accepts more); the release check asks for a
 * changeset and takes one; after the build, `inbox check` finds nothing the change would reject, the
 * proposed fixture is valid in strict mode, and `drift` has only what it left to a person (a new status,
 * whose place in the lifecycle nobody observed).
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RepositoryCopy, copyRepository } from "./support/copy.js";

let repo: RepositoryCopy;
let server: ChildProcess | undefined;
let config = "";

const fixture = (file: string) => JSON.parse(readFileSync(path.join(repo.dir, "fixtures", file), "utf8")) as Record<string, unknown>;
const json = (args: string[]) => {
  const r = repo.cli(args);
  expect(r.status, r.stdout).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

beforeAll(async () => {
  repo = copyRepository("loop");
  repo.run("pnpm", ["build"]);
  config = path.join(repo.dir, "receiver.json");
  repo.write("receiver.json", {
    store: { sqlite: "./inbox.db" },
    providers: { ivy: { secrets: ["ivy-secret"] }, retorna: { secrets: ["retorna-secret"] } },
    worker: false,
    log: { level: "silent" },
  });
  const served = await repo.serve(config);
  server = served.child;
  const base = served.base;
  const paid = fixture("ivy/order_updated/valid/paid.json") as { payload: object };
  const processed = fixture("retorna/payout_order_status/valid/docs-example.json");
  const sends: [string, string, unknown][] = [
    ["ivy", "ivy-secret", { ...paid, id: "evt_loop_1", payload: { ...paid.payload, channel: "app" } }],
    ["ivy", "ivy-secret", { ...paid, id: "evt_loop_2", payload: { ...paid.payload, channel: "web", paymentMode: "split" } }],
    ["retorna", "retorna-secret", { ...processed, status: "ON_HOLD", subStatus: null }],
  ];
  for (const [i, [provider, secret, body]] of sends.entries()) {
    repo.write(`delivery-${i}.json`, body);
    const sent = repo.cli(["send", "--provider", provider, "--fixture", path.join(repo.dir, `delivery-${i}.json`), "--to", base, "--secret", secret]);
    expect(sent.stdout, sent.stdout).toMatch(/^200 .*"status":"accepted"/);
  }
  server.kill("SIGTERM");
  await new Promise((r) => server!.once("exit", r));
}, 300_000);

afterAll(() => {
  server?.kill("SIGKILL");
  repo.remove();
});

it("drift counts the unknown field and the new status; --propose writes them into the schemas, with fixtures", () => {
  const drift = json(["drift", "--config", config, "--json"]) as { provider: string; pointer: string; keyword: string; count: number }[];
  expect(drift.map((e) => [e.provider, e.pointer, e.keyword, e.count])).toEqual(
    expect.arrayContaining([
      ["ivy", "/payload/channel", "additionalProperties", 2],
      ["ivy", "/payload/paymentMode", "x-known-values", 1],
      ["retorna", "/status", "x-known-values", 1],
    ]),
  );
  const proposed = repo.cli(["drift", "--config", config, "--propose"]);
  expect(proposed.status, proposed.stdout).toBe(0);
  expect(proposed.stdout).toContain("edited schemas/ivy/common/order.schema.json");
  // A new status is a step of the lifecycle: left to a person, and said so.
  expect(proposed.stdout).toContain(
    'not proposed: retorna payout_order_status /status: status ["ON_HOLD"] (1 deliveries): add it to the schema and to schemas/retorna/lifecycle.json',
  );
  expect(proposed.stdout).toContain("wrote fixtures/ivy/order_updated/valid/observed-channel.json");
  const changed = repo
    .run("git", ["status", "--porcelain", "--untracked-files=all"])
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(3));
  expect(changed.filter((f) => !/^(schemas|fixtures)\//.test(f) && !/^(receiver\.json|inbox\.db.*|delivery-\d\.json)$/.test(f))).toEqual([]);
});

it("diff says the change accepts more and breaks no types; the release check wants a changeset, and takes one", () => {
  const changes = json(["diff", "--json"]) as { acceptance: string; types: string }[];
  expect(changes.length).toBeGreaterThan(0);
  // New fields and values accept more; the lists' descriptions, which say where the values came from, change nothing.
  expect(changes.filter((c) => c.acceptance === "rejects-more" || c.types === "breaking")).toEqual([]);
  expect(changes.some((c) => c.acceptance === "accepts-more")).toBe(true);
  const check = () => {
    try {
      repo.run(path.join(repo.dir, "node_modules/.bin/tsx"), ["contracts/src/release-check.ts", "--base", "main"]);
      return 0;
    } catch (error) {
      return (error as { status: number }).status;
    }
  };
  expect(check()).toBe(1);
  repo.write(
    ".changeset/observed.md",
    '---\n"@webhook-contracts/types": minor\n"@webhook-contracts/validators": minor\n"@webhook-contracts/fixtures": minor\n"@webhook-contracts/schemas": minor\n"@webhook-contracts/docs": minor\n---\n\nFields and statuses seen in traffic.\n',
  );
  expect(check()).toBe(0);
});

it("after the build: inbox check finds nothing rejected, the proposed fixture is valid strictly, drift has only the status left", () => {
  // The validators (and the types under them) are what inbox check and validate run.
  repo.run(path.join(repo.dir, "node_modules/.bin/turbo"), ["run", "build", "--filter=@webhook-contracts/validators", "--output-logs=errors-only"]);
  expect(json(["inbox", "check", "--config", config, "--json"])).toEqual({ checked: 3, nowRejected: [], readyToReplay: [], unchanged: 3 });
  const strict = repo.cli(["validate", "--provider", "ivy", "--strict", path.join(repo.dir, "fixtures/ivy/order_updated/valid/observed-channel.json")]);
  expect(strict).toEqual({ status: 0, stdout: "valid: ivy order_updated\n" });
  expect((json(["drift", "--config", config, "--json"]) as { provider: string; pointer: string }[]).map((e) => [e.provider, e.pointer])).toEqual([
    ["retorna", "/status"],
  ]);
});
