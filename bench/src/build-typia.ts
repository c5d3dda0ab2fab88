/**
 * Builds the typia peer before the bench runs (`pnpm bench` runs this first): typia checks TypeScript
 * types, so each benchmarked message's strict reading (@webhook-contracts/schemas) becomes a type through
 * json-schema-to-typescript, its string and number constraints as typia tags (its own `tags.Format` where
 * typia has the format, our format functions as custom tags where it has none; patterns, lengths, integers
 * and bounds as typia's own),
 * and typia's transformer (`TypiaGenerator`, the `typia generate` CLI's) writes `createEquals<T>()` out
 * as plain code into bench/generated/typia/. if/then/else have no TypeScript type: left out, and the
 * broken payloads show it.
 *   tsx bench/src/build-typia.ts
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";
import { TypiaGenerator } from "@typia/transform";
import { benchCases } from "./cases.ts";
import { foldAllOf, strictSchema, typiaHas, typiaModule } from "./schema-peers.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const typiaDir = path.join(here, "../generated/typia");

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
const lit = (s: string) => JSON.stringify(s);

/** The typia tags of a string or number node, or undefined when json-schema-to-typescript's type is enough. */
function tsTypeOf(s: Schema): string | undefined {
  if (s.enum !== undefined || s.const !== undefined) return undefined;
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const nullable = types.includes("null") ? " | null" : "";
  const rest = types.filter((t) => t !== "null");
  if (rest.length !== 1) return undefined;
  const tags: string[] = [];
  if (rest[0] === "string") {
    if (typeof s.format === "string") tags.push(typiaHas(s.format) ? `tags.Format<${lit(s.format)}>` : `WcFormat<${lit(s.format)}>`);
    else if (typeof s.pattern === "string") tags.push(`tags.Pattern<${lit(s.pattern)}>`);
    if (typeof s.minLength === "number") tags.push(`tags.MinLength<${s.minLength}>`);
    if (typeof s.maxLength === "number") tags.push(`tags.MaxLength<${s.maxLength}>`);
    return tags.length ? `(string & ${tags.join(" & ")})${nullable}` : undefined;
  }
  if (rest[0] === "number" || rest[0] === "integer") {
    if (rest[0] === "integer") tags.push(`tags.Type<"int64">`);
    if (typeof s.minimum === "number") tags.push(`tags.Minimum<${s.minimum}>`);
    if (typeof s.maximum === "number") tags.push(`tags.Maximum<${s.maximum}>`);
    if (typeof s.exclusiveMinimum === "number") tags.push(`tags.ExclusiveMinimum<${s.exclusiveMinimum}>`);
    if (typeof s.exclusiveMaximum === "number") tags.push(`tags.ExclusiveMaximum<${s.exclusiveMaximum}>`);
    return tags.length ? `(number & ${tags.join(" & ")})${nullable}` : undefined;
  }
  return undefined;
}

/** The schema with tsType on constrained leaves, if/then/else left out, and no annotations that would name types twice. */
function forTypia(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forTypia);
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "if" || k === "then" || k === "else" || k === "title" || k === "description" || k.startsWith("x-") || k === "$id") continue;
    // A map of property (or definition) names to schemas: its keys are names, whatever they are.
    out[k] =
      (k === "properties" || k === "definitions" || k === "patternProperties") && isObject(v)
        ? Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, forTypia(sub)]))
        : forTypia(v);
  }
  // The enum, format or inferred required list in allOf is the node's own: folded in (conditions are gone).
  const folded = foldAllOf(out);
  const tsType = tsTypeOf(folded);
  if (tsType !== undefined) folded.tsType = tsType;
  return folded;
}

const prelude = `import typia, { tags } from "typia";
import { formats } from "@webhook-contracts/validators/formats";
// Our format functions, as a typia custom tag for the formats typia has none for: typia calls the
// expression with the string as $input.
(globalThis as { __wcFormats?: unknown }).__wcFormats = formats;
type WcFormat<F extends string> = tags.TagBase<{
  target: "string";
  kind: "format";
  value: F;
  validate: \`(globalThis as any).__wcFormats["\${F}"]($input)\`;
  exclusive: ["format", "pattern"];
}>;
`;

export async function buildTypia(): Promise<void> {
  const input = path.join(typiaDir, "input");
  rmSync(typiaDir, { recursive: true, force: true });
  mkdirSync(input, { recursive: true });
  const seen = new Set<string>();
  for (const c of await benchCases()) {
    const name = typiaModule(c.provider, c.message);
    if (seen.has(name)) continue;
    seen.add(name);
    const schema = { ...(forTypia(strictSchema(c)) as Schema), title: "Payload" };
    const types = await compile(schema as never, "Payload", {
      bannerComment: "",
      additionalProperties: false,
      format: false,
      unknownAny: true,
      strictIndexSignatures: true,
    });
    writeFileSync(path.join(input, `${name}.ts`), `${prelude}\n${types}\nexport const equals = typia.createEquals<Payload>();\n`);
  }
  writeFileSync(
    path.join(typiaDir, "tsconfig.json"),
    JSON.stringify({
      extends: "../../../tsconfig.base.json",
      compilerOptions: { noEmit: true, strict: true, allowImportingTsExtensions: true },
      include: ["input"],
    }),
  );
  await TypiaGenerator.build({ input, output: path.join(typiaDir, "output"), project: path.join(typiaDir, "tsconfig.json") });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildTypia();
  process.stderr.write(`typia peer written to ${path.relative(process.cwd(), typiaDir)}/output\n`);
}
