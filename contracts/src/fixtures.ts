/**
 * The one walk over fixtures/<provider>/<message>/{valid,invalid,template}/: every generator, test and
 * the bench reads fixtures through it. Files are in name order (the first valid one is a message's
 * default fixture); each invalid fixture has its expectation beside it (`<name>.expected.json`), and a
 * missing one is an error that names the file.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fixturesDir } from "./paths.ts";

/** What an invalid fixture must fail with. */
export interface Expectation {
  /** JSON Pointer of the error. */
  path: string;
  keyword: string;
  /** "strict": the problem is a warning in tolerant mode and an error only in strict mode. */
  mode?: "strict";
}

export type FixtureKind = "valid" | "invalid" | "template";

export interface Fixture {
  provider: string;
  message: string;
  kind: FixtureKind;
  /** The file's name without `.json`. */
  name: string;
  /** Absolute path. */
  file: string;
  /** The exact bytes, as UTF-8 text. */
  text: string;
  body: unknown;
  /** Invalid fixtures only. */
  expected?: Expectation;
}

const kinds: readonly FixtureKind[] = ["valid", "invalid", "template"];
const sortedDirs = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

function readFixture(root: string, provider: string, message: string, kind: FixtureKind, dir: string, fileName: string): Fixture {
  const file = path.join(dir, fileName);
  const name = fileName.slice(0, -".json".length);
  const text = readFileSync(file, "utf8");
  const fixture: Fixture = { provider, message, kind, name, file, text, body: JSON.parse(text) };
  if (kind === "invalid") {
    const expectedFile = path.join(dir, `${name}.expected.json`);
    if (!existsSync(expectedFile)) throw new Error(`${path.relative(path.dirname(root), file)}: no ${name}.expected.json beside it`);
    fixture.expected = JSON.parse(readFileSync(expectedFile, "utf8")) as Expectation;
  }
  return fixture;
}

/** The fixtures of one message of one kind, in name order ([] when the folder does not exist). */
export function messageFixtures(provider: string, message: string, kind: FixtureKind, root = fixturesDir): Fixture[] {
  const dir = path.join(root, provider, message, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"))
    .sort()
    .map((f) => readFixture(root, provider, message, kind, dir, f));
}

/** Every fixture under fixtures/, by provider, message, kind and name. */
export function listFixtures(root = fixturesDir): Fixture[] {
  const out: Fixture[] = [];
  for (const provider of sortedDirs(root)) {
    for (const message of sortedDirs(path.join(root, provider))) {
      for (const kind of kinds) out.push(...messageFixtures(provider, message, kind, root));
    }
  }
  return out;
}
