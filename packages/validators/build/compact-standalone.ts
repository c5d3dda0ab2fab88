/**
 * Ajv's standalone code, made smaller without changing what it does. Half of it reports errors (an object
 * literal and four statements per place a check can fail), and it embeds whole schemas to read a value or
 * two from them. A fresh process parses all of it before validating anything, so for Ivy (21 events) this
 * is most of the cold start. Each rewrite is anchored on the exact text Ajv emits and fails the build if
 * that text ever changes shape; the fixture tests check that every error still comes out the same.
 */

import * as formatFunctions from "../src/formats.ts";
import { formats } from "../src/formats.ts";

/** Index just past the string literal that starts at `from` ("..." with escapes). */
function endOfString(code: string, from: number): number {
  for (let i = from + 1; i < code.length; i++) {
    if (code[i] === "\\") i++;
    else if (code[i] === '"') return i + 1;
  }
  throw new Error(`unterminated string at ${from}`);
}

/** Index just past the bracketed value ({...} or [...]) that starts at `from`, strings skipped. */
function endOfBracketed(code: string, from: number): number {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (c === '"') i = endOfString(code, i) - 1;
    else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
  }
  throw new Error(`unterminated value at ${from}`);
}

/**
 * Ajv writes `schemaPath:"..."` in every error object; the runtime never reads it (errors are told by
 * instancePath, keyword and params).
 */
export function withoutSchemaPaths(code: string): string {
  return code.replace(/schemaPath:"(?:[^"\\]|\\.)*",/g, "");
}

const PUSH_ERROR = "pushError";

/**
 * Every error Ajv reports is `const errN = {...};if(vErrors === null){vErrors = [errN];}else
 * {vErrors.push(errN);}errors++;`. One helper call does the same: `vErrors = pushError(vErrors, {...});
 * errors++;`, about half as long.
 */
export function withCompactErrorReports(code: string): string {
  const site = /const (err\d+) = \{/g;
  let out = "";
  let last = 0;
  let count = 0;
  for (let m: RegExpExecArray | null; (m = site.exec(code));) {
    const objectStart = m.index + m[0].length - 1;
    const objectEnd = endOfBracketed(code, objectStart);
    const name = m[1]!;
    const tail = `;if(vErrors === null){vErrors = [${name}];}else {vErrors.push(${name});}errors++;`;
    if (!code.startsWith(tail, objectEnd)) throw new Error(`${name} is not reported the way Ajv used to: ${code.slice(objectEnd, objectEnd + 80)}`);
    out += `${code.slice(last, m.index)}vErrors = ${PUSH_ERROR}(vErrors, ${code.slice(objectStart, objectEnd)});errors++;`;
    last = site.lastIndex = objectEnd + tail.length;
    count++;
  }
  if (count === 0) return code;
  out += code.slice(last);
  return withDeclarations(out, `function ${PUSH_ERROR}(list, error){if(list === null)return [error];list.push(error);return list;}`);
}

/** JSON that is also a safe JavaScript literal (U+2028 and U+2029 escaped, as Ajv does). */
const jsLiteral = (value: unknown) =>
  JSON.stringify(value)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

/**
 * Ajv embeds every schema it reads a value from whole (`const schema12 = {...}`), though it reads only a
 * few values (an enum's values, for an error's params): each value read becomes a constant, one per
 * distinct value, and the schemas go.
 */
export function withOnlyUsedSchemaValues(code: string): string {
  const schemas = new Map<string, unknown>();
  let stripped = "";
  let last = 0;
  const definition = /const (schema\d+) = (?=[{[])/g;
  for (let m: RegExpExecArray | null; (m = definition.exec(code));) {
    const end = endOfBracketed(code, definition.lastIndex);
    if (code[end] !== ";") throw new Error(`unexpected code after ${m[1]}: ${code.slice(end, end + 40)}`);
    schemas.set(m[1]!, JSON.parse(code.slice(definition.lastIndex, end)));
    stripped += code.slice(last, m.index);
    last = definition.lastIndex = end + 1;
  }
  stripped += code.slice(last);
  // Outside strings and comments: schemaN, then .name, ["name"] or [0] steps.
  const token = /"(?:[^"\\]|\\.)*"|\/\*[\s\S]*?\*\/|\b(schema\d+)((?:\.[A-Za-z_$][\w$]*|\["(?:[^"\\]|\\.)*"\]|\[\d+\])*)/g;
  const constants = new Map<string, { name: string; value: unknown }>();
  const byLiteral = new Map<string, { name: string; value: unknown }>();
  const rewritten = stripped.replace(token, (match, schema: string | undefined, steps: string) => {
    if (schema === undefined || !schemas.has(schema)) return match;
    const key = schema + steps;
    let entry = constants.get(key);
    if (!entry) {
      let value = schemas.get(schema);
      for (const [, name, quoted, index] of steps.matchAll(/\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]/g)) {
        const step = name ?? (quoted !== undefined ? (JSON.parse(quoted) as string) : Number(index));
        value = (value as Record<string | number, unknown>)[step];
        if (value === undefined) throw new Error(`${key} reads nothing`);
      }
      // Equal values share one constant (every nullable string's type list is ["string","null"]).
      const literal = jsLiteral(value);
      entry = byLiteral.get(literal) ?? { name: `${schema}_${byLiteral.size}`, value };
      byLiteral.set(literal, entry);
      constants.set(key, entry);
    }
    return entry.name;
  });
  return withDeclarations(rewritten, [...byLiteral].map(([literal, { name }]) => `const ${name} = ${literal};`).join(""));
}

/** `declarations` put after the "use strict" directive Ajv's modules start with, before all that uses them. */
function withDeclarations(code: string, declarations: string): string {
  const directive = '"use strict";';
  if (!code.startsWith(directive)) throw new Error("standalone code without its directive");
  return directive + declarations + code.slice(directive.length);
}

/**
 * Ajv's ESM output still reaches the formats with `require("../src/formats").formats`: an import of the
 * functions it uses instead, so a bundler links the module as ES modules do, without CommonJS interop
 * helpers, and leaves out the checks a provider never runs (the uri parser, 1 KB gzip, where no uri is
 * checked). Ajv's own runtime helpers (ucs2length) are CommonJS: left as they are.
 */
export function withFormatsImport(code: string): string {
  const required = 'require("../src/formats").formats';
  if (!code.includes(required)) return code;
  const directive = '"use strict";';
  if (!code.startsWith(directive)) throw new Error("standalone code without its directive");
  // Each format the code reads (formats$.uuid, formats$["date-time"]) by the name formats.ts exports it
  // under, so that a bundle keeps only the checks its provider uses (no uri parser where no uri is checked).
  const used = new Map<string, string>();
  const body = code
    .slice(directive.length)
    .replaceAll(required, "formats$")
    .replace(/formats\$(?:\.([A-Za-z_$][\w$]*)|\["((?:[^"\\]|\\.)*)"\])/g, (_m, dotted: string | undefined, quoted: string | undefined) => {
      const name = dotted ?? (JSON.parse(`"${quoted!}"`) as string);
      const exported = formatExports.get(name);
      if (!exported) throw new Error(`format "${name}" is not one formats.ts exports`);
      used.set(exported, `format$${exported}`);
      return `format$${exported}`;
    });
  if (body.includes("formats$")) throw new Error('the formats are read some other way than formats$.name or formats$["name"]');
  const imports = [...used].map(([exported, local]) => `${exported} as ${local}`).join(", ");
  return `${directive}import { ${imports} } from "../src/formats.js";${body}`;
}

/** Format name to the name of the function formats.ts exports for it (`date-time` to `dateTime`). */
const formatExports = new Map(
  Object.entries(formats).map(([name, check]) => {
    const exported = Object.entries(formatFunctions).find(([key, value]) => key !== "formats" && value === check)?.[0];
    if (!exported) throw new Error(`formats.ts has no export of its own for the format "${name}"`);
    return [name, exported] as const;
  }),
);

/**
 * A long enum (Ivy's country codes) is checked by a loop that calls a deep-equality function once per value
 * (`for(const v0 of schemaN_k){if(func0(data, v0)){validN = true;break;}}`): when every value is a string,
 * number, boolean or null, one function per list asks a Set made from the same constant (SameValueZero is
 * deep equality for those), made on first use; each loop becomes a call of it, so a list checked in
 * several places is asked in one place. The constant stays: error params read it. A Set rather than a
 * switch over the values: three times as fast on strings parsed from a body (a switch compares them one by
 * one), and the values are not written twice (Ivy's 249 country codes as cases were 0.7 KB gzipped).
 */
export function withEnumSets(code: string): string {
  const values = new Map<string, unknown>();
  for (const m of code.matchAll(/const (schema\d+_\d+) = (?=\[)/g)) {
    const start = m.index + m[0].length;
    values.set(m[1]!, JSON.parse(code.slice(start, endOfBracketed(code, start))));
  }
  const primitive = (v: unknown) => v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
  const functions = new Map<string, string>();
  const rewritten = code.replace(
    /(valid\d+) = false;for\(const (v\d+) of (schema\d+_\d+)\)\{if\(func\d+\(([\w$]+), \2\)\)\{\1 = true;break;\}\}/g,
    (match, valid: string, _v: string, schema: string, data: string) => {
      const list = values.get(schema);
      if (!Array.isArray(list) || list.length === 0 || !list.every(primitive)) return match;
      const name = `${schema}_has`;
      functions.set(name, `let ${schema}_set;function ${name}(x){return (${schema}_set ??= new Set(${schema})).has(x);}`);
      return `${valid} = ${name}(${data});`;
    },
  );
  if (functions.size === 0) return code;
  // Ajv's deep equality, when no loop is left to call it (its require would pull it into every bundle).
  const equal = /const (func\d+) = require\("ajv\/dist\/runtime\/equal"\)\.default;/.exec(rewritten);
  const out = equal && !rewritten.includes(`${equal[1]}(`) ? rewritten.replace(equal[0], "") : rewritten;
  return withDeclarations(out, [...functions.values()].join(""));
}

/**
 * Ajv calls the validator of a referenced schema with an options object (`{instancePath, parentData,
 * parentDataProperty, rootData}`), which the callee destructures: an allocation per call on every valid
 * payload, for values that only `$data` and dynamic references read, and our schemas use neither. The path
 * alone is passed instead; the build fails if any of the other three is still read.
 */
export function withPathOnlyCalls(code: string): string {
  const signature = /function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)/g;
  const call =
    /(validate\d+\((?:[^(){}"]|"(?:[^"\\]|\\.)*")*?), \{instancePath:((?:"(?:[^"\\]|\\.)*"|[^"{}])*?),parentData:[\w$]+,parentDataProperty:(?:"(?:[^"\\]|\\.)*"|[\w$]+),rootData\}\)/g;
  const out = code.replace(signature, 'function $1(data, instancePath="")').replace(call, "$1, $2)");
  const left = /\b(parentData|parentDataProperty|rootData)\b/.exec(out);
  if (left) throw new Error(`a validator still reads ${left[1]}: ${out.slice(Math.max(0, left.index - 80), left.index + 40)}`);
  return out;
}

/**
 * An array's items are checked by calling their schema's validator with the item's path, `instancePath+
 * "/items/" + i1`: a number turned into a string and two strings joined for every item of every valid
 * payload (a quarter of Scalapay's validation time), for a path only an error report reads. The index is
 * passed on its own instead, and the callee joins it to the path where it reads the path.
 */
export function withLazyItemPaths(code: string): string {
  const call = /(validate\d+)\(((?:[^(){}"]|"(?:[^"\\]|\\.)*")*?), (instancePath\+"(?:[^"\\]|\\.)*") \+ (i\d+)\)/g;
  const callees = new Set<string>();
  let out = code.replace(call, (_m, fn: string, data: string, path: string, index: string) => {
    callees.add(fn);
    return `${fn}(${data}, ${path}, ${index})`;
  });
  for (const fn of callees) {
    const signature = `function ${fn}(data, instancePath=""){`;
    const start = out.indexOf(signature);
    if (start < 0) throw new Error(`${fn} is not declared the way withPathOnlyCalls leaves it`);
    const bodyStart = start + signature.length;
    const bodyEnd = endOfBracketed(out, bodyStart - 1);
    const full = "pathAt(instancePath, pathIndex)";
    // Outside strings, and not as a property's key: the shorthand {instancePath, ...} and every other read.
    const body = out
      .slice(bodyStart, bodyEnd)
      .replace(/"(?:[^"\\]|\\.)*"|\{instancePath,|[{,]instancePath:|\binstancePath\b/g, (t) =>
        t.startsWith('"') || t.endsWith(":") ? t : t === "{instancePath," ? `{instancePath:${full},` : full,
      );
    out = `${out.slice(0, start)}function ${fn}(data, instancePath="", pathIndex){${body}${out.slice(bodyEnd)}`;
  }
  return callees.size === 0 ? out : withDeclarations(out, "function pathAt(path, index){return index === undefined ? path : path + index;}");
}

/**
 * Nine error reports in ten have only constants for keyword and params (`{keyword:"type",params:{type:
 * "string"}}`): each such pair is written once, in a table at the end of the module, and the report names
 * its row: `vErrors = pushErrorAt(vErrors, instancePath+"/id", 3);`; an unknown property, the one report
 * with a value read at run time, is `pushErrorUnknownKey(vErrors, instancePath, key0)`. Half of a provider's validator code is
 * these literals, and every byte of it is parsed at start-up. The error objects come out the same (a
 * row's params object is shared between reports, as Ajv already shares the schema values they hold).
 */
export function withErrorTable(code: string): string {
  const site =
    /vErrors = pushError\(vErrors, \{instancePath((?::(?:pathAt\(instancePath, pathIndex\)|[^,"{}()]|"(?:[^"\\]|\\.)*")*)?),keyword:("(?:[^"\\]|\\.)*"),params:(\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\})\}\);/g;
  // Params made of literals and the module's schema constants only: the same at every report.
  const constant = /^\{(?:\s*[A-Za-z_$][\w$]*: (?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null|schema\d+_\d+)(?:,|(?=\s*\})))*\s*\}$/;
  const rows = new Map<string, number>();
  let unknownKeys = 0;
  const out = code.replace(site, (match, path: string, keyword: string, params: string) => {
    // An unknown property names itself: the one report whose params hold a value read at run time.
    const unknownKey = keyword === '"additionalProperties"' ? /^\{additionalProperty: (key\d+)\}$/.exec(params) : null;
    if (unknownKey) {
      unknownKeys++;
      return `vErrors = ${PUSH_ERROR}UnknownKey(vErrors, ${path ? path.slice(1) : "instancePath"}, ${unknownKey[1]});`;
    }
    if (!constant.test(params)) return match;
    const row = `[${keyword},${params}]`;
    let index = rows.get(row);
    if (index === undefined) rows.set(row, (index = rows.size));
    return `vErrors = ${PUSH_ERROR}At(vErrors, ${path ? path.slice(1) : "instancePath"}, ${index});`;
  });
  if (rows.size === 0 && unknownKeys === 0) return code;
  const helpers =
    `function ${PUSH_ERROR}At(list, instancePath, row){const [keyword, params] = errorTable[row];return ${PUSH_ERROR}(list, {instancePath,keyword,params});}` +
    `function ${PUSH_ERROR}UnknownKey(list, instancePath, additionalProperty){return ${PUSH_ERROR}(list, {instancePath,keyword:"additionalProperties",params:{additionalProperty}});}`;
  return `${withDeclarations(out, helpers)}const errorTable = [${[...rows.keys()].join(",")}];`;
}

/** A module-scope name a validator may use that differs between otherwise equal validators. */
const MODULE_NAME = /^(?:validate|func|formats|pattern|schema)\d+(?:_\d+(?:_has)?)?$/;

/**
 * Validators written twice, but for their constants: Ivy's 40-odd events are each the same envelope
 * around a different `type` and payload, 2.5 KB of code apiece. Ajv compiles each schema on its own, so it
 * writes the envelope once per event. Each such group becomes one function taking those constants (strings,
 * error-table rows, the module's other validators, patterns and schema values) as parameters, and each
 * validator a one-line call of it with its own; what each returns and reports is unchanged.
 * `self` is the validator itself, where Ajv's code sets `.errors` on it or recurses.
 */
export function withSharedBodies(code: string, minimumLength = 300): string {
  const head = /function (validate\d+)\(data, instancePath=""\)\{/g;
  const found: { name: string; start: number; end: number; shape: string; args: string[] }[] = [];
  for (let m: RegExpExecArray | null; (m = head.exec(code));) {
    const open = m.index + m[0].length - 1;
    const end = endOfBracketed(code, open);
    const name = m[1]!;
    // The schema's URL (a comment for stack traces) differs per validator and says nothing the code needs.
    const body = code.slice(open + 1, end - 1).replace(/^\/\*# sourceURL="(?:[^"\\]|\\.)*" \*\/;/, "");
    const args: string[] = [];
    const parameter = (value: string) => {
      let i = args.indexOf(value);
      if (i < 0) i = args.push(value) - 1;
      return `$${i}`;
    };
    // Strings first: what looks like a name or a number inside one is text, not code.
    const shape = body.replace(/"(?:[^"\\]|\\.)*"|\b[A-Za-z_$][\w$]*\b|, \d+\)/g, (token) => {
      if (token.startsWith('"')) return parameter(token);
      if (token.startsWith(",")) return `, ${parameter(token.slice(2, -1))})`;
      if (token === name) return "self";
      return MODULE_NAME.test(token) ? parameter(token) : token;
    });
    found.push({ name, start: m.index, end, shape, args });
    head.lastIndex = end;
  }
  const groups = new Map<string, typeof found>();
  for (const f of found) if (f.shape.length >= minimumLength) groups.set(f.shape, [...(groups.get(f.shape) ?? []), f]);
  const shared: string[] = [];
  const replacement = new Map<string, string>();
  for (const [shape, members] of groups) {
    if (members.length < 2) continue;
    const id = `shared${shared.length}`;
    const parameters = members[0]!.args.map((_, i) => `, $${i}`).join("");
    shared.push(`function ${id}(self, data, instancePath${parameters}){${shape}}`);
    for (const f of members)
      replacement.set(f.name, `function ${f.name}(data, instancePath=""){return ${id}(${f.name}, data, instancePath${f.args.map((a) => `, ${a}`).join("")});}`);
  }
  if (shared.length === 0) return code;
  let out = "";
  let last = 0;
  for (const f of found) {
    const short = replacement.get(f.name);
    if (!short) continue;
    out += code.slice(last, f.start) + short;
    last = f.end;
  }
  return withDeclarations(out + code.slice(last), shared.join(""));
}

/** All of the above, in order. */
export function compactStandalone(code: string): string {
  return withSharedBodies(
    withErrorTable(
      withEnumSets(withFormatsImport(withOnlyUsedSchemaValues(withCompactErrorReports(withLazyItemPaths(withPathOnlyCalls(withoutSchemaPaths(code))))))),
    ),
  );
}
