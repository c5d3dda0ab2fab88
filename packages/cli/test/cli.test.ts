/** The CLI as people run it: exit codes, one line per error, warnings on stderr, usage errors. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { providerNames } from "@webhook-contracts/validators";
import type { DriftEntry } from "@webhook-contracts/receiver";
import { main } from "../src/cli.js";
import { type FailOn, failingDrift, parseFailOn } from "../src/commands/drift.js";

const root = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)));
const fixture = (rel: string) => path.join(root, "fixtures", rel);
const bin = path.join(root, "packages/cli/bin/webhook-contracts.js");
const scratch = mkdtempSync(path.join(tmpdir(), "webhook-contracts-cli-"));

async function run(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  const input = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  input.end(stdin);
  const code = await main(args, { stdin: input, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

function writeScratch(name: string, content: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}

describe("webhook-contracts (the linked bin)", () => {
  it("exits 0 on a valid fixture", () => {
    const r = spawnSync(bin, ["validate", "--provider", "scalapay", fixture("scalapay/created/valid/docs-example.json")], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("valid: scalapay created\n");
    expect(r.status).toBe(0);
  });

  it("exits 1 on an invalid fixture, naming provider, message, pointer, expected and received", () => {
    const r = spawnSync(bin, ["validate", "--provider", "scalapay", fixture("scalapay/created/invalid/total-amount-as-string.json")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('scalapay created /totalAmount: expected type number, received "40.70" [type]\n');
  });

  it("exits 0 on a broken inferred rule, with the warning marked inferred; 1 with --strict", () => {
    const file = fixture("scalapay/created/invalid/money-with-decimal-comma.json");
    const r = spawnSync(bin, ["validate", "--provider", "scalapay", file], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("valid: scalapay created (1 warning(s))\n");
    expect(r.stderr).toBe(
      'warning: scalapay created /orderDetails/totalAmount/amount: expected a string matching /^-?[0-9]+(\\.[0-9]+)?$/, received "40,70" [pattern, inferred]\n',
    );
    expect(spawnSync(bin, ["validate", "--provider", "scalapay", "--strict", file], { encoding: "utf8" }).status).toBe(1);
  });
});

describe("validate", () => {
  it("prints one line per error", async () => {
    const body = JSON.parse(readFileSync(fixture("ivy/order_updated/valid/paid.json"), "utf8"));
    body.payload.price.total = "129.90";
    delete body.payload.shopName;
    const r = await run(["validate", "--provider", "ivy", writeScratch("two-errors.json", JSON.stringify(body))]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n").sort()).toEqual([
      'ivy order_updated /payload/price/total: expected type number, received "129.90" [type]',
      'ivy order_updated /payload/shopName: expected property "shopName", received nothing [required]',
    ]);
  });

  it("exits 0 with warnings on stderr for an unknown field, and 1 with --strict", async () => {
    const body = JSON.parse(readFileSync(fixture("scalapay/charged/valid/docs-example.json"), "utf8"));
    body.captureId = "cap_1";
    const file = writeScratch("extra.json", JSON.stringify(body));
    const tolerant = await run(["validate", "--provider", "scalapay", file]);
    expect(tolerant.code).toBe(0);
    expect(tolerant.stdout).toBe("valid: scalapay charged (1 warning(s))\n");
    expect(tolerant.stderr).toBe(
      'warning: scalapay charged /captureId: expected no property "captureId" (not in the schema), received "cap_1" [additionalProperties]\n',
    );
    const strict = await run(["validate", "--provider", "scalapay", "--strict", file]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("/captureId");
  });

  it("reads standard input for - or no file", async () => {
    const text = readFileSync(fixture("retorna/payout_order_status/valid/docs-example.json"), "utf8");
    expect((await run(["validate", "--provider", "retorna", "-"], text)).code).toBe(0);
    expect((await run(["validate", "--provider", "retorna"], text)).stdout).toBe("valid: retorna payout_order_status\n");
  });

  it("prints the whole result with --json", async () => {
    const r = await run(["validate", "--provider", "scalapay", "--strict", "--json", fixture("scalapay/expired/invalid/unknown-status-cancelled.json")]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: false, provider: "scalapay", errors: [{ path: "/status", keyword: "discriminator", received: '"cancelled"' }] });
  });

  it("accepts a status Scalapay added with a warning, as an unknown message, and rejects it with --strict", async () => {
    const file = fixture("scalapay/expired/invalid/unknown-status-cancelled.json");
    const tolerant = await run(["validate", "--provider", "scalapay", file]);
    expect(tolerant).toMatchObject({ code: 0, stdout: 'valid: scalapay unknown message "cancelled" (1 warning(s))\n' });
    expect(tolerant.stderr).toMatch(
      /^warning: scalapay \(unknown message\) \/status: expected one of "created", .*received "cancelled" \[discriminator, inferred\]\n$/,
    );
    expect((await run(["validate", "--provider", "scalapay", "--strict", file])).code).toBe(1);
  });

  it("reports an unknown status of Amplia Reg against its open list", async () => {
    const r = await run(["validate", "--provider", "amplia-reg", "--strict", fixture("amplia-reg/OrderStatusChanged/invalid/unknown-status.json")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^amplia-reg OrderStatusChanged \/orderStatusTransitionModel\/status: expected one of "WaitingValidation", .*"Canceled" \(an open list: other values may be new\), received "AwaitingResources" \[x-known-values\]\n$/,
    );
  });
});

describe("check-sequence", () => {
  const amplia = (name: string) => fixture(`amplia-reg/OrderStatusChanged/valid/${name}.en.json`);

  it("exits 0 when the deliveries make sense", async () => {
    const r = await run(["check-sequence", "--provider", "amplia-reg", amplia("01-order-created"), amplia("02-order-under-validation")]);
    expect(r).toEqual({ code: 0, stdout: "sequence ok: amplia-reg, 2 deliveries of 1 order(s)\n", stderr: "" });
  });

  it("exits 1 with one line per finding: a duplicate and an out-of-order pair", async () => {
    const files = [amplia("01-order-created"), amplia("03-order-in-confirmation-queue"), amplia("02-order-under-validation"), amplia("01-order-created")];
    const r = await run(["check-sequence", "--provider", "amplia-reg", ...files]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      `amplia-reg #3 ${files[2]}: out-of-order: "InValidation" happened before "WaitingConfirmation" (delivery #2) but arrived after it`,
      `amplia-reg #4 ${files[3]}: duplicate: a duplicate of delivery #1 (same /orderStatusTransitionModel/orderId + /orderStatusTransitionModel/status + /orderStatusTransitionModel/date): handle it once`,
    ]);
  });

  it("prints the report with --json", async () => {
    const r = await run([
      "check-sequence",
      "--provider",
      "scalapay",
      "--json",
      fixture("scalapay/charged/valid/docs-example.json"),
      fixture("scalapay/authorized/valid/docs-example.json"),
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, provider: "scalapay", findings: [{ kind: "unlisted-transition", index: 1, otherIndex: 0 }] });
  });

  it("follows validate's usage rules", async () => {
    expect((await run(["check-sequence", "--provider", "ivy"])).code).toBe(2);
    expect((await run(["check-sequence", "--provider", "paypal", amplia("01-order-created")])).code).toBe(2);
    const broken = writeScratch("broken-delivery.json", "{");
    const r = await run(["check-sequence", "--provider", "amplia-reg", amplia("01-order-created"), broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${broken}: malformed JSON at line 1, column 2`);
  });
});

describe("Amplia Reg transitions", () => {
  it("warns about one the table does not list, naming both statuses and the listed successors; --strict rejects it", async () => {
    const body = JSON.parse(readFileSync(fixture("amplia-reg/OrderStatusChanged/valid/06-certificate-issued.en.json"), "utf8"));
    body.orderStatusTransitionModel.previousStatus = "Issued";
    body.orderStatusTransitionModel.status = "WaitingValidation";
    const file = writeScratch("issued-to-waiting.json", JSON.stringify(body));
    const r = await run(["validate", "--provider", "amplia-reg", file]);
    expect(r).toMatchObject({ code: 0, stdout: "valid: amplia-reg OrderStatusChanged (1 warning(s))\n" });
    expect(r.stderr).toBe(
      'warning: amplia-reg OrderStatusChanged /orderStatusTransitionModel/status: expected a status that can follow "Issued": "Revoked", received "WaitingValidation" [transition, inferred]\n',
    );
    expect((await run(["validate", "--provider", "amplia-reg", "--strict", file])).code).toBe(1);
  });

  it("rejects one the provider documents as impossible, in either mode", async () => {
    const body = JSON.parse(readFileSync(fixture("amplia-reg/OrderStatusChanged/valid/09-order-cancelled.en.json"), "utf8"));
    body.orderStatusTransitionModel.previousStatus = "Issued";
    const r = await run(["validate", "--provider", "amplia-reg", writeScratch("issued-to-canceled.json", JSON.stringify(body))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^amplia-reg OrderStatusChanged \/orderStatusTransitionModel\/status: expected not "Issued" -> "Canceled" \(docs: cancel-order\.md.*\[transition\]\n$/,
    );
  });
});

describe("usage errors exit 2", () => {
  it.each([
    [["validate", "--provider", "stripe", "x.json"], /unknown provider "stripe": expected one of amplia-reg, ivy, retorna, scalapay/],
    [["validate", "x.json"], /missing --provider/],
    [["validate", "--provider", "ivy", "--colour", "x.json"], /^webhook-contracts: unknown option '--colour' \(see webhook-contracts validate --help\)\n$/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [[], /missing command/],
    [["valdate", "--provider", "ivy"], /^webhook-contracts: unknown command "valdate" \(did you mean "validate"\?\) \(see webhook-contracts --help\)\n$/],
    [["validate", "--provider", "ivi", "x.json"], /^webhook-contracts: unknown provider "ivi" \(did you mean "ivy"\?\): expected one of/],
    [["validate", "--provider", "ivy", "--stric", "x.json"], /^webhook-contracts: unknown option '--stric' \(did you mean "--strict"\?\)/],
    [["send", "--provider", "scalapy", "--fixture", "charged", "--to", "http://127.0.0.1:1"], /--provider must be one of .* \(did you mean "scalapay"\?\)/],
    [
      ["send", "--provider", "ivy", "--fixture", "order_updated", "--to", "not a url"],
      /^webhook-contracts: --to must be a URL such as http:\/\/127\.0\.0\.1:8080, not not a url \(see webhook-contracts send --help\)\n$/,
    ],
    [["validate", "--provider", "ivy", path.join(scratch, "does-not-exist.json")], /cannot read .*does-not-exist\.json: ENOENT/],
  ])("%j", async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("points at the line and column of malformed JSON", async () => {
    const file = writeScratch("broken.json", '{\n  "status": "charged",\n  "totalAmount": 100,,\n}\n');
    const r = await run(["validate", "--provider", "scalapay", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`webhook-contracts: ${file}: malformed JSON at line 3, column 22: Expected double-quoted property name\n`);
  });

  it("prints help and exits 0, the providers named by the validators", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:\n {2}webhook-contracts validate --provider <P> /);
    expect(r.stdout).toContain(`Providers (<P>): ${providerNames.join(", ")}\n`);
  });

  it("prints each command's own help, with examples, and the version", async () => {
    for (const command of ["validate", "check-sequence", "serve", "worker", "send", "inbox"]) {
      const r = await run([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`^Usage:\\n {2}webhook-contracts ${command} [\\s\\S]*\\nExamples:\\n {2}\\S`));
    }
    expect((await run(["help", "send"])).stdout).toBe((await run(["send", "-h"])).stdout);
    const version = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${version.version}\n`, stderr: "" });
  });

  it("turns an environment failure into one line and exit 2; --debug adds where it happened", async () => {
    const config = writeScratch(
      "unreachable-store.json",
      JSON.stringify({ allowPlaintextSecrets: true, store: { sqlite: "/nonexistent/dir/inbox.db" }, providers: { ivy: { secrets: ["ivy-signing-secret"] } } }),
    );
    const r = await run(["inbox", "list", "--config", config]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: "webhook-contracts: Cannot open database because the directory does not exist (--debug shows where)\n" });
    const debug = await run(["inbox", "list", "--config", config, "--debug"]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(
      /^webhook-contracts: Cannot open database because the directory does not exist\nTypeError: Cannot open database[\s\S]*\n {4}at /,
    );
  });
});

describe("what each command loads", () => {
  /** The modules a chunk of the CLI's bundle imports, following its own chunks: what Node loads to run it. */
  function loads(entry: string): string[] {
    const dist = fileURLToPath(new URL("../dist/chunks/", import.meta.url));
    const seen = new Set<string>();
    const specifiers = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(path.join(dist, file), "utf8");
      for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|(?:^|\n)import\s+"([^"]+)"/g)) {
        const spec = (match[1] ?? match[2])!;
        if (spec.startsWith("./")) visit(spec.slice(2));
        else specifiers.add(spec);
      }
    };
    visit(readdirSync(dist).find((f) => f.startsWith(`${entry}-`))!);
    return [...specifiers].sort();
  }

  it("validate loads the validators and a JSON parser, no receiver core, store, driver, server or logger", () => {
    const modules = loads("validate");
    expect(modules).toContain("@webhook-contracts/validators");
    expect(modules.filter((m) => /^@webhook-contracts\/receiver(?!\/json$)|better-sqlite3|^pg$|pino|prom-client|node:http/.test(m))).toEqual([]);
  });

  it("serve does load the receiver (so the check above can fail)", () => {
    expect(loads("serve").some((m) => m.startsWith("@webhook-contracts/receiver"))).toBe(true);
  });
});

describe("diff", () => {
  it("says in one line, exit 2, that it needs a checkout of a contracts repository", async () => {
    const outside = mkdtempSync(path.join(tmpdir(), "not a repository "));
    const result = spawnSync(process.execPath, [fileURLToPath(new URL("../bin/webhook-contracts.js", import.meta.url)), "diff"], {
      cwd: outside,
      encoding: "utf8",
    });
    expect([result.status, result.stderr]).toEqual([
      2,
      expect.stringMatching(/^webhook-contracts: diff runs in a checkout of a contracts repository \(no contracts\/src\/diff-command\.ts in .* or above\)\n$/),
    ]);
  });
});

describe("drift --fail-on", () => {
  const entry = (keyword: string, unknownMessage = false): DriftEntry => ({
    provider: "ivy",
    message: unknownMessage ? "payout.settled" : "order_updated",
    unknownMessage,
    pointer: keyword === "discriminator" ? "/type" : "/payload/channel",
    keyword,
    severity: keyword === "type" ? "error" : "warning",
    count: 3,
    firstSeen: "2026-12-01T00:00:00.000Z",
    lastSeen: "2026-12-02T00:00:00.000Z",
    samples: [],
    exampleId: "id",
    exampleIds: ["id"],
    shape: { types: ["string"], formats: [] },
  });
  const field = entry("additionalProperties");
  const value = entry("x-known-values");
  const message = entry("discriminator", true);
  const broken = entry("type");
  it.each<[string, DriftEntry[], FailOn[], number]>([
    ["nothing found: nothing fails", [], ["any"], 0],
    ["a new field fails new-fields", [field, value], ["new-fields"], 1],
    ["a new value fails new-values only", [value], ["new-fields", "new-messages"], 0],
    ["a message we have no schema for fails new-messages", [message, field], ["new-messages"], 1],
    ["several kinds at once", [message, field, value], ["new-messages", "new-values"], 2],
    ["any: every finding, a quarantine reason too", [field, value, message, broken], ["any"], 4],
  ])("%s", (_case, entries, kinds, failing) => {
    expect(failingDrift(entries, kinds)).toHaveLength(failing);
  });

  it("names each finding by provider, message and pointer", () => {
    expect(failingDrift([field], ["new-fields"])).toEqual(["ivy order_updated /payload/channel (additionalProperties, 3x)"]);
  });

  it.each([
    ["new-fields,new-messages", ["new-fields", "new-messages"]],
    ["any", ["any"]],
  ])("reads --fail-on %s", (value, kinds) => {
    expect(parseFailOn(value)).toEqual(kinds);
  });

  it("refuses a kind it does not know, naming the ones it does, and a minimum of observations that is none or without --propose", async () => {
    expect(() => parseFailOn("new-field")).toThrow("--fail-on takes new-messages, new-fields, new-values, any (several with commas), not new-field");
    const r = await run(["drift", "--config", "nowhere.json", "--fail-on", "everything"]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("--fail-on takes new-messages, new-fields, new-values, any")]);
    const minimum = await run(["drift", "--config", "nowhere.json", "--min-observations", "0", "--propose"]);
    expect([minimum.code, minimum.stderr]).toEqual([
      2,
      expect.stringContaining("--min-observations takes a whole number of deliveries (1 or more), with --propose; received 0"),
    ]);
    const alone = await run(["drift", "--config", "nowhere.json", "--min-observations", "5"]);
    expect(alone.code).toBe(2);
    const both = await run(["drift", "--config", "nowhere.json", "--fail-on", "any", "--propose"]);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("--fail-on is for the report; run drift --propose apart")]);
  });
});
