/**
 * "What changed" for the docs site (issue 14, part 5): the contract changes between released versions, as
 * `webhook-contracts diff` classifies them, read from git; a changelog per provider; and "added in" /
 * "changed in" marks on the fields of a message page.
 *
 * The released versions are the tags `changeset publish` gives @webhook-contracts/schemas
 * (`@webhook-contracts/schemas@<version>`, see lastRelease in contracts/src/release-version.ts) that HEAD
 * reaches, in semver order. Each release's contracts are read once (one `git archive` and one snapshot
 * child process per tagged commit, side by side), and the working tree once: release n is
 * diffContracts(release n-1, release n), the first release diffContracts(nothing, release 1), and
 * "Unreleased" diffContracts(last release, working tree).
 *
 * Turbo cannot hash git tags. Tags follow version bumps: `pnpm release:version` bumps
 * packages/schemas/package.json, then `changeset publish` tags that version, so the docs build lists that
 * file among its inputs (packages/docs/turbo.json) and a release rebuilds the site. A build run between the
 * bump and the tag (the tag does not exist yet) shows the release's changes as Unreleased, and a later
 * build with the same package.json is a cache hit: build the site again after tagging (`turbo --force`).
 *
 * The history's shape:
 * - `releases`: oldest first, each with the changes since the release before (the first: since nothing,
 *   which diff reports as one "provider added" per provider, not every field);
 * - `unreleased`: the working tree against the last release. With no release at all it is
 *   `{ base: null, changes: [], firstRelease: true }`: everything would be "added", which says nothing, so
 *   no change is listed and the page says that everything will be in the first release;
 * - `unavailable`: why there is no history (no git, not a checkout of its own, a shallow clone); then
 *   `releases` is empty and `unreleased` null.
 */
import { execFile } from "node:child_process";
import { realpath } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { repoRoot } from "@webhook-contracts/contracts";
import { type Acceptance, type ContractChange, type ProviderSnapshot, type TypesImpact, diffContracts, strongest } from "@webhook-contracts/contracts/diff";
import { snapshotAt } from "@webhook-contracts/contracts/diff-command";
import { pointerSegments } from "@webhook-contracts/contracts/pointer";
import { fieldAnchor } from "./fields.ts";
import { esc } from "./html.ts";

const execFileAsync = promisify(execFile);

/** The prefix of a release tag: `@webhook-contracts/schemas@1.2.0`. */
export const releaseTagPrefix = "@webhook-contracts/schemas@";
/** The version label of the working tree's changes in entries and field marks. */
export const unreleasedLabel = "unreleased";

export interface Release {
  version: string;
  /** The git tag, `@webhook-contracts/schemas@<version>`. */
  tag: string;
  /** The tagged commit. */
  commit: string;
  /** The tagged commit's date (committer date, ISO 8601). */
  date: string;
  /** The release before (its version), null for the first release. */
  base: string | null;
  /** What changed since `base` (the first release: since nothing). */
  changes: ContractChange[];
}

export interface Unreleased {
  /** The last release's version; null when nothing was released yet. */
  base: string | null;
  /** The working tree against `base`; always empty when `firstRelease` (everything would be new). */
  changes: ContractChange[];
  /** Nothing was released yet: everything here will be in the first release. */
  firstRelease: boolean;
}

export interface History {
  /** Oldest first. */
  releases: Release[];
  /** Null only when `unavailable`. */
  unreleased: Unreleased | null;
  /** Why there is no history (no git, ...); absent when there is one. */
  unavailable?: string;
}

const semverPattern =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/** Semver precedence (semver.org, section 11); both must match the pattern. */
export function compareSemver(a: string, b: string): number {
  const pa = semverPattern.exec(a)!;
  const pb = semverPattern.exec(b)!;
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d) return Math.sign(d);
  }
  const ra = pa[4]?.split(".");
  const rb = pb[4]?.split(".");
  if (!ra || !rb) return ra ? -1 : rb ? 1 : 0; // a pre-release comes before its release
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** What went wrong, in a line: the error a child process printed (as diff's main reports it), else the message's first line. */
const firstLine = (error: unknown) => {
  const e = error as { stderr?: string; message?: string };
  const lines = String(e.stderr ?? "").split("\n");
  return (lines.find((l) => /^(\w*Error: |fatal: )/.test(l)) ?? String(e.message ?? error).split("\n")[0]!).trim();
};

/** `work` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The contract changes of every release reachable from HEAD and of the working tree, in the git checkout
 * at `root` (this repository by default).
 */
export async function contractHistory(options: { root?: string } = {}): Promise<History> {
  const root = options.root ?? repoRoot;
  const unavailable = (reason: string): History => ({ releases: [], unreleased: null, unavailable: reason });
  const git = async (args: string[]) => (await execFileAsync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 })).stdout;
  let tagged: Omit<Release, "base" | "changes">[];
  try {
    const [top = "", shallow] = (await git(["rev-parse", "--show-toplevel", "--is-shallow-repository"])).trim().split("\n");
    // A copy of the sources inside another repository (a vendored tarball) is not this project's history.
    if ((await realpath(top)) !== (await realpath(root))) return unavailable(`not a git checkout of its own (git's top folder is ${top})`);
    if (shallow === "true") return unavailable("a shallow clone: the release tags' history is not all here");
    const format = ["%(refname:strip=2)", "%(objectname)", "%(*objectname)", "%(committerdate:iso-strict)", "%(*committerdate:iso-strict)"].join("%00");
    const refs = await git(["for-each-ref", "--merged=HEAD", `--format=${format}`, `refs/tags/${releaseTagPrefix}*`]);
    tagged = refs
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [tag = "", object = "", peeled, date, peeledDate] = line.split("\0");
        // An annotated tag's own object is the tag; the commit is what it peels to.
        return { version: tag.slice(releaseTagPrefix.length), tag, commit: peeled || object, date: peeledDate || date || "" };
      })
      .filter((r) => semverPattern.test(r.version))
      .sort((a, b) => compareSemver(a.version, b.version));
  } catch (error) {
    return unavailable(`git: ${firstLine(error)}`);
  }
  if (tagged.length === 0) return { releases: [], unreleased: { base: null, changes: [], firstRelease: true } };

  // One snapshot per tagged commit (two tags of one commit share it) and one of the working tree.
  const refs = [...new Set(tagged.map((r) => r.commit)), undefined];
  const snapshots = await mapLimited(refs, Math.max(1, Math.min(4, availableParallelism())), async (ref) => {
    try {
      return await snapshotAt(ref, root);
    } catch (error) {
      const which =
        ref === undefined
          ? "the working tree"
          : tagged
              .filter((r) => r.commit === ref)
              .map((r) => r.tag)
              .join(", ");
      throw new Error(`changelog: could not read the contracts of ${which}: ${firstLine(error)}`, { cause: error });
    }
  });
  const at = new Map<string | undefined, ProviderSnapshot[]>(refs.map((ref, i) => [ref, snapshots[i]!]));
  const releases: Release[] = tagged.map((r, i) => ({
    ...r,
    base: i === 0 ? null : tagged[i - 1]!.version,
    changes: diffContracts(i === 0 ? [] : at.get(tagged[i - 1]!.commit)!, at.get(r.commit)!),
  }));
  const last = tagged[tagged.length - 1]!;
  return { releases, unreleased: { base: last.version, changes: diffContracts(at.get(last.commit)!, at.get(undefined)!), firstRelease: false } };
}

// ---------------------------------------------------------------------------------------------------------
// Pointers: diff's (`-` any array item, `*` any value of additionalProperties) and the field rows'
// (`*` any array item; fields.ts lists no additionalProperties values).

/** The field row a change at diff pointer `pointer` is about: `/payload/lineItems/-/name` -> `/payload/lineItems/*\/name`. */
export function fieldPointer(pointer: string): string {
  const segments = pointerSegments(pointer);
  // A change inside a map's values is a change of the map's field; one of an array's items, of the array's.
  const map = segments.indexOf("*");
  const kept = map >= 0 ? segments.slice(0, map) : segments;
  while (kept[kept.length - 1] === "-") kept.pop();
  return kept.map((s) => (s === "-" ? "/*" : `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`)).join("");
}

/** Segments as people say them: array items `[]`, `*` as `star` says, properties joined by ".". */
function dotted(pointer: string, star: "item" | "value"): string {
  let out = "";
  for (const s of pointerSegments(pointer)) out += s === "-" || (s === "*" && star === "item") ? "[]" : out ? `.${s}` : s;
  return out;
}

/** The dotted path of a field row: `/payload/lineItems/*\/name` -> `payload.lineItems[].name`; "" for the whole payload. */
export const dottedPath = (pointer: string) => dotted(pointer, "item");

/** The dotted path of a diff pointer (`-` an array item, `*` any value of a map): `/payload/lineItems/-/name` -> `payload.lineItems[].name`. */
const changePath = (pointer: string) => dotted(pointer, "value");

/** The anchor of a field row on a message page (its `id`): `field-payload.lineItems[].name`. */
export const fieldAnchorId = (pointer: string) => fieldAnchor(dottedPath(pointer));

// ---------------------------------------------------------------------------------------------------------
// One provider's changelog.

/** A piece of a change's sentence: text, or code (linked to the message or the field on the page). */
type Part = string | { code: string; link?: "message" | "field" };

export interface ChangelogItem extends ContractChange {
  /** The field row the change is about (field rows' pointer, see fieldPointer); null for a change of the provider. */
  field: string | null;
  /** What happened, as a sentence: "`payload.refundReason` added, optional (accepts more; types compatible)". */
  sentence: string;
}

export interface ChangelogEntry {
  /** The version, or "unreleased" (the working tree). */
  version: string;
  /** The version the changes are counted from; null for the first release. */
  base: string | null;
  tag: string | null;
  commit: string | null;
  date: string | null;
  /** The strongest impact of the entry's changes. */
  acceptance: Acceptance;
  types: TypesImpact;
  changes: ChangelogItem[];
}

export interface ProviderChangelog {
  provider: string;
  /** Newest first (Unreleased on top); only releases that changed the provider. */
  entries: ChangelogEntry[];
  /** Nothing was released yet: everything will be in the first release. */
  notReleased: boolean;
  /** Why there is no history, when there is none. */
  unavailable?: string;
}

const acceptanceWords: Record<Acceptance, string> = { "rejects-more": "rejects more", "accepts-more": "accepts more", none: "accepts the same" };
const typesWords: Record<TypesImpact, string> = { breaking: "types breaking", compatible: "types compatible", none: "types unchanged" };
const json = (v: unknown) => JSON.stringify(v) ?? String(v);

/** What a change did, in words (without its impact). */
function describe(c: ContractChange): Part[] {
  if (c.message === null) {
    // Of the provider: its lifecycle, its authentication, its delivery key; or the provider itself.
    if (c.change.startsWith("transition ")) return ["Transition ", { code: String(c.after ?? c.before) }, ` ${c.change.slice("transition ".length)}`];
    return [c.change.charAt(0).toUpperCase() + c.change.slice(1), ...beforeAfter(c)];
  }
  const subject: Part = c.pointer ? { code: changePath(c.pointer), link: "field" } : { code: c.message, link: "message" };
  const phrases: Record<string, string> = {
    "optional field added": " added, optional",
    "required field added": " added, required",
    "field removed": " removed",
    "made required": " made required",
    "made optional": " made optional",
    "made nullable": " made nullable",
    "no longer nullable": " no longer nullable",
    "message added": " added",
    "message removed": " removed",
  };
  const phrase = phrases[c.change];
  if (phrase !== undefined) return [subject, phrase];
  // "value added", "known value removed": the values named.
  const values = /^((?:known )?value) (added|removed)( \(inferred rule\))?$/.exec(c.change);
  const list = c.after ?? c.before;
  if (values && Array.isArray(list)) {
    const out: Part[] = [subject, `: ${values[1]}${list.length === 1 ? "" : "s"} `];
    list.forEach((v, i) => out.push(...(i ? [", "] : []), { code: json(v) }));
    return [...out, ` ${values[2]}${values[3] ?? ""}`];
  }
  if (/^type (widened|narrowed)$/.test(c.change) && Array.isArray(c.before) && Array.isArray(c.after)) {
    return [subject, `: ${c.change} from `, { code: c.before.join(" | ") }, " to ", { code: c.after.join(" | ") }];
  }
  return [subject, `: ${c.change}`, ...beforeAfter(c)];
}

function beforeAfter(c: ContractChange): Part[] {
  if (c.before !== undefined && c.after !== undefined) return [" (", { code: json(c.before) }, " → ", { code: json(c.after) }, ")"];
  if (c.after !== undefined) return [" (", { code: json(c.after) }, ")"];
  if (c.before !== undefined) return [" (was ", { code: json(c.before) }, ")"];
  return [];
}

const impact = (c: Pick<ContractChange, "acceptance" | "types">) => `${acceptanceWords[c.acceptance]}; ${typesWords[c.types]}`;

/** A change's sentence, backticks around code: "`payload.refundReason` added, optional (accepts more; types compatible)". */
export function changeSentence(c: ContractChange): string {
  const text = describe(c)
    .map((p) => (typeof p === "string" ? p : `\`${p.code}\``))
    .join("");
  return `${text} (${impact(c)})`;
}

/** The entries of `history` that changed `provider`, newest first. */
export function providerChangelog(history: History, provider: string): ProviderChangelog {
  const entry = (
    head: Pick<ChangelogEntry, "version" | "base" | "tag" | "commit" | "date">,
    changes: readonly ContractChange[],
  ): ChangelogEntry | undefined => {
    const mine = changes.filter((c) => c.provider === provider);
    if (mine.length === 0) return undefined;
    return {
      ...head,
      ...strongest(mine),
      changes: mine.map((c) => ({ ...c, field: c.message === null ? null : fieldPointer(c.pointer), sentence: changeSentence(c) })),
    };
  };
  const entries: (ChangelogEntry | undefined)[] = [];
  const { unreleased } = history;
  if (unreleased && !unreleased.firstRelease) {
    entries.push(entry({ version: unreleasedLabel, base: unreleased.base, tag: null, commit: null, date: null }, unreleased.changes));
  }
  for (const r of [...history.releases].reverse()) entries.push(entry(r, r.changes));
  return {
    provider,
    entries: entries.filter((e): e is ChangelogEntry => e !== undefined),
    notReleased: unreleased?.firstRelease ?? false,
    ...(history.unavailable !== undefined ? { unavailable: history.unavailable } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Field marks.

export interface FieldMark {
  /** The release (or "unreleased") that added the field; absent for a field of the provider's first release. */
  added?: string;
  /** The releases (and "unreleased"), oldest first, that changed it since. */
  changed?: string[];
}

/** Changes of wording alone: not a change of the field. */
const wordingOnly = new Set(["description changed", "title changed"]);

/**
 * "Added in" / "changed in" of the fields of `message`, by field rows' pointer (`/payload/lineItems/*\/name`);
 * the key "" is the message itself (added after the provider's first release, or changed as a whole).
 * Fields the provider's first release had are not "added"; a field added with its sub-fields is marked at
 * the field alone. A change inside an array's items or a map's values marks the array or map's field.
 */
export function fieldMarks(history: History, provider: string, message: string): Map<string, FieldMark> {
  const marks = new Map<string, { added?: string; changed: string[] }>();
  /** Forgets `key` and the fields under it (removed: what comes back is new). */
  const forget = (key: string) => {
    for (const k of [...marks.keys()]) if (k === key || k.startsWith(`${key}/`)) marks.delete(k);
  };
  const steps: [string, readonly ContractChange[]][] = history.releases.map((r) => [r.version, r.changes]);
  if (history.unreleased && !history.unreleased.firstRelease) steps.push([unreleasedLabel, history.unreleased.changes]);
  for (const [label, changes] of steps) {
    for (const c of changes) {
      if (c.provider !== provider) continue;
      if (c.message === null) {
        // A provider added (its first release) or removed: nothing before counts.
        if (c.change === "provider added" || c.change === "provider removed") marks.clear();
        continue;
      }
      if (c.message !== message || wordingOnly.has(c.change)) continue;
      if (c.change === "message removed") marks.clear();
      else if (c.change === "message added") {
        marks.clear();
        marks.set("", { added: label, changed: [] });
      } else {
        const key = fieldPointer(c.pointer);
        if (c.change === "field removed") forget(key);
        else if (c.change === "optional field added" || c.change === "required field added") {
          forget(key);
          marks.set(key, { added: label, changed: [] });
        } else {
          const mark = marks.get(key) ?? { changed: [] };
          if (!mark.changed.includes(label)) mark.changed.push(label);
          marks.set(key, mark);
        }
      }
    }
  }
  const out = new Map<string, FieldMark>();
  for (const [key, { added, changed }] of marks) {
    if (added === undefined && changed.length === 0) continue;
    out.set(key, { ...(added !== undefined ? { added } : {}), ...(changed.length ? { changed } : {}) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The page.

export interface ChangelogHelpers {
  /** The URL of a message's page, relative to the changelog page; null: no page (a removed message). */
  messageUrl(message: string): string | null;
  /** The id of a field row on the message's page (fieldAnchorId does it as the message pages do); null: no row. */
  fieldAnchor(pointer: string, message: string): string | null;
}

const badges = (c: Pick<ContractChange, "acceptance" | "types">) =>
  `<span class="badge acceptance-${esc(c.acceptance)}">${esc(acceptanceWords[c.acceptance])}</span> <span class="badge types-${esc(c.types)}">${esc(typesWords[c.types])}</span>`;

function itemHtml(item: ChangelogItem, helpers: ChangelogHelpers): string {
  const gone = item.change === "message removed";
  const page = item.message !== null && !gone ? helpers.messageUrl(item.message) : null;
  // A removed field has no row to point at.
  const anchor = page !== null && item.field !== null && item.change !== "field removed" ? helpers.fieldAnchor(item.field, item.message!) : null;
  const code = (p: Exclude<Part, string>) => {
    const href = p.link === "message" ? page : p.link === "field" && anchor !== null ? `${page}#${anchor}` : null;
    return href === null ? `<code>${esc(p.code)}</code>` : `<a href="${esc(href)}"><code>${esc(p.code)}</code></a>`;
  };
  const what = describe(item)
    .map((p) => (typeof p === "string" ? esc(p) : code(p)))
    .join("");
  // A field's change names its message first.
  const where =
    item.message !== null && item.pointer !== ""
      ? `${page === null ? `<code>${esc(item.message)}</code>` : `<a href="${esc(page)}"><code>${esc(item.message)}</code></a>`} · `
      : "";
  return `<li class="change" data-acceptance="${esc(item.acceptance)}" data-types="${esc(item.types)}">${where}${what} ${badges(item)}</li>`;
}

function entryHtml(entry: ChangelogEntry, helpers: ChangelogHelpers): string {
  const unreleased = entry.version === unreleasedLabel;
  const title = unreleased ? "Unreleased" : entry.version;
  const meta = unreleased
    ? `Changes since ${esc(entry.base)}, not released yet.`
    : [
        entry.date ? `<time datetime="${esc(entry.date)}">${esc(entry.date.slice(0, 10))}</time>` : "",
        entry.base === null ? "first release" : `since ${esc(entry.base)}`,
        entry.commit ? `<code title="${esc(entry.tag)}">${esc(entry.commit.slice(0, 12))}</code>` : "",
      ]
        .filter(Boolean)
        .join(" · ");
  const items = entry.changes.map((c) => itemHtml(c, helpers)).join("\n");
  return `<section class="release" id="release-${esc(entry.version)}">
<h2>${esc(title)}</h2>
<p class="release-meta">${meta} ${badges(entry)}</p>
<ul class="changes">
${items}
</ul>
</section>`;
}

/** The body of a provider's changelog page (below its heading): a section per release, newest first. */
export function changelogHtml(changelog: ProviderChangelog, helpers: ChangelogHelpers): string {
  const out: string[] = [];
  if (changelog.unavailable !== undefined) out.push(`<p class="changelog-unavailable">No change history: ${esc(changelog.unavailable)}.</p>`);
  else if (changelog.notReleased) out.push(`<p class="changelog-first">Not released yet: everything here will be in the first release.</p>`);
  else if (changelog.entries.length === 0) out.push(`<p class="changelog-empty">No release changed this provider.</p>`);
  out.push(...changelog.entries.map((e) => entryHtml(e, helpers)));
  return out.join("\n");
}
