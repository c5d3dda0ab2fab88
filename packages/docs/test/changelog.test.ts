/**
 * The docs site's "what changed" data (build/changelog.ts) on a throwaway git repository: this repository's
 * contract sources committed and tagged 0.1.0, two schema edits tagged 0.2.0 (annotated, as a person may
 * tag), a tag on a side branch that HEAD does not reach, and an edit left uncommitted; then the exact
 * entries, field marks and page HTML. Also a checkout without git, and the page on a hand-made changelog.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "@webhook-contracts/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type History,
  type ProviderChangelog,
  changelogHtml,
  contractHistory,
  fieldAnchorId,
  fieldMarks,
  fieldPointer,
  providerChangelog,
} from "../build/changelog.ts";

const sources = ["asyncapi.yaml", "schemas", "fixtures"];
const copySources = (dir: string) => {
  for (const s of sources) cpSync(path.join(repoRoot, s), path.join(dir, s), { recursive: true });
};

const retorna = "schemas/retorna/payout-order-status.schema.json";
const ampliaStatus = "schemas/amplia-reg/common/order-status.schema.json";
type Schema = {
  properties: Record<string, unknown>;
  required: string[];
  "x-known-values": string[];
  description: string;
  transitions: { from: string; to: string; source: string }[];
  final: string[];
};

let dir: string;
let history: History;

const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, ...gitEnv } }).trim();
let gitEnv: Record<string, string> = {};
/** Commits everything with a fixed committer date. */
const commit = (message: string, date: string) => {
  gitEnv = { GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date };
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message);
};
const edit = (file: string, change: (schema: Schema) => void) => {
  const schema = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Schema;
  change(schema);
  writeFileSync(path.join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "webhook-contracts changelog "));
  copySources(dir);
  git("init", "-q", "-b", "main");
  commit("contracts", "2024-01-02T03:04:05+00:00");
  git("tag", "@webhook-contracts/schemas@0.1.0");

  // A side branch off 0.1.0, tagged: HEAD never reaches it.
  git("checkout", "-qb", "side");
  edit(retorna, (s) => (s.properties.sideOnly = { type: "string" }));
  commit("side", "2024-01-03T00:00:00+00:00");
  git("tag", "@webhook-contracts/schemas@0.1.5");
  git("tag", "@webhook-contracts/schemas@9.0.0");
  git("checkout", "-q", "main");

  // 0.2.0: an optional property of Retorna's payout, and a known value more of Amplia Reg's order status.
  edit(retorna, (s) => (s.properties.refundReason = { description: "Why the payout was refunded.", type: "string" }));
  edit(ampliaStatus, (s) => s["x-known-values"].push("Archived"));
  edit("schemas/amplia-reg/lifecycle.json", (s) => {
    s.transitions.push({ from: "Issued", to: "Archived", source: "docs: a test" });
    s.final.push("Archived");
  });
  commit("0.2.0", "2024-02-03T04:05:06+00:00");
  git("-c", "user.name=t", "-c", "user.email=t@t", "tag", "-a", "-m", "0.2.0", "@webhook-contracts/schemas@0.2.0");
  // Not a version: ignored.
  git("tag", "@webhook-contracts/schemas@next");

  // Not committed: refundReason made required, and a wording change of Retorna's status list.
  edit(retorna, (s) => s.required.push("refundReason"));
  edit("schemas/retorna/common/payout-order-status.schema.json", (s) => (s.description += " Reworded."));

  // One snapshot per release and one of the working tree: 3 child processes, 2 at a time on 2 cores.
  const start = performance.now();
  history = await contractHistory({ root: dir });
  console.log(`contractHistory with 2 releases: ${(performance.now() - start).toFixed(0)} ms`);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (changes: History["releases"][number]["changes"]) =>
  changes.map((c) => `${c.provider} ${c.message ?? "-"} ${c.pointer || "/"} | ${c.change} | ${c.acceptance} | ${c.types}`);

describe("contractHistory", () => {
  it("lists the releases HEAD reaches, by semver, with their commits and dates", () => {
    const commitOf = (tag: string) => git("rev-parse", `${tag}^{commit}`);
    expect(history.releases.map(({ changes: _, ...r }) => r)).toEqual([
      {
        version: "0.1.0",
        tag: "@webhook-contracts/schemas@0.1.0",
        commit: commitOf("@webhook-contracts/schemas@0.1.0"),
        date: "2024-01-02T03:04:05+00:00",
        base: null,
      },
      {
        version: "0.2.0",
        tag: "@webhook-contracts/schemas@0.2.0",
        commit: commitOf("@webhook-contracts/schemas@0.2.0"),
        date: "2024-02-03T04:05:06+00:00",
        base: "0.1.0",
      },
    ]);
    expect(history.unavailable).toBeUndefined();
  });

  it("counts the first release from nothing: one change per provider", () => {
    expect(lines(history.releases[0]!.changes)).toEqual([
      "amplia-reg - / | provider added | accepts-more | compatible",
      "ivy - / | provider added | accepts-more | compatible",
      "retorna - / | provider added | accepts-more | compatible",
      "scalapay - / | provider added | accepts-more | compatible",
    ]);
  });

  it("gives 0.2.0's changes exactly", () => {
    expect(lines(history.releases[1]!.changes)).toEqual([
      "amplia-reg - / | transition listed | accepts-more | none",
      "amplia-reg OrderStatusChanged /orderStatusTransitionModel/previousStatus | known value added | accepts-more | compatible",
      "amplia-reg OrderStatusChanged /orderStatusTransitionModel/status | known value added | accepts-more | compatible",
      "retorna payout_order_status /refundReason | optional field added | accepts-more | compatible",
    ]);
  });

  it("gives the working tree's changes since 0.2.0 as Unreleased", () => {
    expect(history.unreleased?.base).toBe("0.2.0");
    expect(history.unreleased?.firstRelease).toBe(false);
    expect(lines(history.unreleased!.changes)).toEqual([
      "retorna payout_order_status /status | description changed | none | none",
      "retorna payout_order_status /refundReason | made required | rejects-more | compatible",
    ]);
  });

  it("is empty with a reason where there is no git", async () => {
    const bare = mkdtempSync(path.join(tmpdir(), "webhook-contracts no git "));
    try {
      copySources(bare);
      const h = await contractHistory({ root: bare });
      expect(h.releases).toEqual([]);
      expect(h.unreleased).toBeNull();
      expect(h.unavailable).toMatch(/^git: fatal: not a git repository/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it("is empty with a reason for sources inside another repository", async () => {
    const inner = path.join(dir, "vendored");
    mkdirSync(inner);
    try {
      const h = await contractHistory({ root: inner });
      expect(h).toEqual({ releases: [], unreleased: null, unavailable: expect.stringMatching(/^not a git checkout of its own/) });
    } finally {
      rmSync(inner, { recursive: true, force: true });
    }
  });

  it("says nothing was released where no tag is reachable", async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), "webhook-contracts no tag "));
    try {
      execFileSync("git", ["init", "-q"], { cwd: fresh });
      writeFileSync(path.join(fresh, "a"), "a");
      execFileSync("git", ["add", "a"], { cwd: fresh });
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a"], { cwd: fresh });
      expect(await contractHistory({ root: fresh })).toEqual({ releases: [], unreleased: { base: null, changes: [], firstRelease: true } });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe("providerChangelog", () => {
  it("lists one provider's entries, newest first, with sentences", () => {
    const log = providerChangelog(history, "retorna");
    expect(log.notReleased).toBe(false);
    expect(log.entries.map((e) => [e.version, e.base, e.acceptance, e.types, e.changes.map((c) => c.sentence)])).toEqual([
      [
        "unreleased",
        "0.2.0",
        "rejects-more",
        "compatible",
        ["`status`: description changed (accepts the same; types unchanged)", "`refundReason` made required (rejects more; types compatible)"],
      ],
      ["0.2.0", "0.1.0", "accepts-more", "compatible", ["`refundReason` added, optional (accepts more; types compatible)"]],
      ["0.1.0", null, "accepts-more", "compatible", ["Provider added (accepts more; types compatible)"]],
    ]);
    expect(providerChangelog(history, "amplia-reg").entries[0]!.changes.map((c) => [c.field, c.sentence])).toEqual([
      [null, "Transition `Issued -> Archived` listed (accepts more; types unchanged)"],
      [
        "/orderStatusTransitionModel/previousStatus",
        '`orderStatusTransitionModel.previousStatus`: known value `"Archived"` added (accepts more; types compatible)',
      ],
      ["/orderStatusTransitionModel/status", '`orderStatusTransitionModel.status`: known value `"Archived"` added (accepts more; types compatible)'],
    ]);
    // Ivy changed in no release but its first.
    expect(providerChangelog(history, "ivy").entries.map((e) => e.version)).toEqual(["0.1.0"]);
  });

  it("says nothing was released yet, and why there is no history", () => {
    expect(providerChangelog({ releases: [], unreleased: { base: null, changes: [], firstRelease: true } }, "ivy")).toEqual({
      provider: "ivy",
      entries: [],
      notReleased: true,
    });
    expect(providerChangelog({ releases: [], unreleased: null, unavailable: "no git" }, "ivy")).toEqual({
      provider: "ivy",
      entries: [],
      notReleased: false,
      unavailable: "no git",
    });
  });
});

describe("fieldMarks", () => {
  it("marks a field added after the first release, and its later changes", () => {
    expect(fieldMarks(history, "retorna", "payout_order_status")).toEqual(new Map([["/refundReason", { added: "0.2.0", changed: ["unreleased"] }]]));
  });

  it("marks fields whose values changed, not those of the first release", () => {
    expect(fieldMarks(history, "amplia-reg", "OrderStatusChanged")).toEqual(
      new Map([
        ["/orderStatusTransitionModel/previousStatus", { changed: ["0.2.0"] }],
        ["/orderStatusTransitionModel/status", { changed: ["0.2.0"] }],
      ]),
    );
    expect(fieldMarks(history, "ivy", "OrderCreated")).toEqual(new Map());
  });

  it("follows fields through removal, re-adding, array items and new messages", () => {
    const change = (version: string, message: string | null, pointer: string, what: string) => ({
      version,
      tag: `t${version}`,
      commit: "c",
      date: "d",
      base: null,
      changes: [{ provider: "p", message, pointer, change: what, acceptance: "none" as const, types: "none" as const }],
    });
    const h: History = {
      releases: [
        change("1.0.0", null, "", "provider added"),
        change("1.1.0", "M", "/items/-/name", "type widened"),
        change("1.2.0", "M", "/items/-/tags/-", "value added"),
        change("1.3.0", "M", "/old", "field removed"),
        change("1.4.0", "M", "/old", "optional field added"),
        change("1.5.0", "N", "", "message added"),
        change("1.6.0", "M", "/meta/*/x", "format added"),
        change("1.7.0", "M", "/items/-/name", "description changed"),
      ],
      unreleased: { base: "1.7.0", changes: [], firstRelease: false },
    };
    h.releases.splice(3, 0, change("1.2.5", "M", "/old", "made nullable"));
    expect(fieldMarks(h, "p", "M")).toEqual(
      new Map([
        ["/items/*/name", { changed: ["1.1.0"] }],
        ["/items/*/tags", { changed: ["1.2.0"] }],
        ["/old", { added: "1.4.0" }],
        ["/meta", { changed: ["1.6.0"] }],
      ]),
    );
    expect(fieldMarks(h, "p", "N")).toEqual(new Map([["", { added: "1.5.0" }]]));
  });

  it("converts pointers to the field rows' and their anchors", () => {
    expect(fieldPointer("/payload/lineItems/-/name")).toBe("/payload/lineItems/*/name");
    expect(fieldPointer("/a~1b/-")).toBe("/a~1b");
    expect(fieldAnchorId("/payload/lineItems/*/name")).toBe("field-payload.lineItems[].name");
    expect(fieldAnchorId("/a~1b")).toBe("field-a/b");
  });
});

describe("changelogHtml", () => {
  const helpers = {
    messageUrl: (m: string) => (m === "Gone" ? null : `../messages/p/${m}.html`),
    fieldAnchor: (pointer: string) => fieldAnchorId(pointer),
  };
  const changelog: ProviderChangelog = {
    provider: "p",
    notReleased: false,
    entries: [
      {
        version: "unreleased",
        base: "1.0.0",
        tag: null,
        commit: null,
        date: null,
        acceptance: "accepts-more",
        types: "compatible",
        changes: [
          {
            provider: "p",
            message: "Refunded",
            pointer: "/payload/lineItems/-/name",
            field: "/payload/lineItems/*/name",
            change: "known value added",
            acceptance: "accepts-more",
            types: "compatible",
            after: ["<b>"],
            sentence: "",
          },
        ],
      },
      {
        version: "1.0.0",
        base: null,
        tag: "@webhook-contracts/schemas@1.0.0",
        commit: "0123456789abcdef",
        date: "2024-01-02T03:04:05+00:00",
        acceptance: "rejects-more",
        types: "breaking",
        changes: [
          { provider: "p", message: "Gone", pointer: "", field: "", change: "message removed", acceptance: "rejects-more", types: "breaking", sentence: "" },
          { provider: "p", message: "Refunded", pointer: "/why", field: "/why", change: "field removed", acceptance: "none", types: "breaking", sentence: "" },
          {
            provider: "p",
            message: null,
            pointer: "",
            field: null,
            change: "transition listed",
            acceptance: "accepts-more",
            types: "none",
            after: "a -> b",
            sentence: "",
          },
        ],
      },
    ],
  };
  const html = changelogHtml(changelog, helpers);

  it("links a field's change to its message and its row, and escapes what it shows", () => {
    expect(html).toContain(
      '<li class="change" data-acceptance="accepts-more" data-types="compatible"><a href="../messages/p/Refunded.html"><code>Refunded</code></a> · <a href="../messages/p/Refunded.html#field-payload.lineItems[].name"><code>payload.lineItems[].name</code></a>: known value <code>&quot;&lt;b&gt;&quot;</code> added <span class="badge acceptance-accepts-more">accepts more</span> <span class="badge types-compatible">types compatible</span></li>',
    );
    expect(html).not.toContain("<b>");
  });

  it("does not link what is gone", () => {
    expect(html).toContain("<code>Gone</code> removed <span");
    expect(html).toContain('<a href="../messages/p/Refunded.html"><code>Refunded</code></a> · <code>why</code> removed <span');
    expect(html).toContain("Transition <code>a -&gt; b</code> listed <span");
  });

  it("has a section per release, newest first, Unreleased on top", () => {
    expect(html.match(/<section class="release" id="[^"]+">\n<h2>[^<]+<\/h2>\n<p class="release-meta">[^\n]*<\/p>/g)).toEqual([
      '<section class="release" id="release-unreleased">\n<h2>Unreleased</h2>\n<p class="release-meta">Changes since 1.0.0, not released yet. <span class="badge acceptance-accepts-more">accepts more</span> <span class="badge types-compatible">types compatible</span></p>',
      '<section class="release" id="release-1.0.0">\n<h2>1.0.0</h2>\n<p class="release-meta"><time datetime="2024-01-02T03:04:05+00:00">2024-01-02</time> · first release · <code title="@webhook-contracts/schemas@1.0.0">0123456789ab</code> <span class="badge acceptance-rejects-more">rejects more</span> <span class="badge types-breaking">types breaking</span></p>',
    ]);
  });

  it("says when nothing was released, or there is no history", () => {
    expect(changelogHtml({ provider: "p", entries: [], notReleased: true }, helpers)).toBe(
      '<p class="changelog-first">Not released yet: everything here will be in the first release.</p>',
    );
    expect(changelogHtml({ provider: "p", entries: [], notReleased: false, unavailable: "git: <none>" }, helpers)).toBe(
      '<p class="changelog-unavailable">No change history: git: &lt;none&gt;.</p>',
    );
  });
});
