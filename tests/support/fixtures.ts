/** Reads fixtures/<provider>/<message>/{valid,invalid,template}/ for the tests. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(fileURLToPath(new URL("../../", import.meta.url)));
export const fixturesRoot = path.join(repoRoot, "fixtures");

export interface Expectation {
  path: string;
  keyword: string;
  /** "strict": the problem is a warning in tolerant mode and an error only in strict mode. */
  mode?: "strict";
}

export interface FixtureFile {
  provider: string;
  message: string;
  kind: "valid" | "invalid" | "template";
  name: string;
  file: string;
  body: unknown;
  expected?: Expectation;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));

export function listFixtures(): FixtureFile[] {
  const out: FixtureFile[] = [];
  for (const provider of readdirSync(fixturesRoot).sort()) {
    for (const message of readdirSync(path.join(fixturesRoot, provider)).sort()) {
      for (const kind of ["valid", "invalid", "template"] as const) {
        const dir = path.join(fixturesRoot, provider, message, kind);
        if (!existsSync(dir)) continue;
        for (const f of readdirSync(dir).sort()) {
          if (!f.endsWith(".json") || f.endsWith(".expected.json")) continue;
          const file = path.join(dir, f);
          const name = f.replace(/\.json$/, "");
          const expectedFile = path.join(dir, `${name}.expected.json`);
          out.push({
            provider,
            message,
            kind,
            name,
            file,
            body: readJson(file),
            ...(kind === "invalid" ? { expected: readJson(expectedFile) as Expectation } : {}),
          });
        }
      }
    }
  }
  return out;
}
