/**
 * The compacted standalone code must do exactly what Ajv's own does: both are built from the real schemas,
 * loaded side by side, and given every fixture and thousands of broken variants of the valid ones; their
 * answers and error lists must be the same.
 */
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import standaloneModule from "ajv/dist/standalone/index.js";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import * as formatsModule from "../../src/formats.ts";
import { createAjvWithSchemas } from "../../build/ajv-keywords.ts";
import {
  compactStandalone,
  withCompactErrorReports,
  withEnumSets,
  withErrorTable,
  withLazyItemPaths,
  withOnlyUsedSchemaValues,
  withPathOnlyCalls,
  withSharedBodies,
  withoutSchemaPaths,
} from "../../build/compact-standalone.ts";
import { loadContracts } from "@webhook-contracts/contracts";
import { messageFixtures } from "@webhook-contracts/contracts/fixtures";

const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;
const require = createRequire(import.meta.url);

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

/** Loads standalone ESM code as a module, its requires answered as the validators package answers them. */
function load(code: string): Record<string, Validator> {
  const cjs = transformSync(code, { format: "cjs", loader: "js" }).code;
  const module = { exports: {} as Record<string, Validator> };
  const requireShim = (id: string) => (id === "../src/formats" || id === "../src/formats.js" ? formatsModule : require(id));
  new Function("require", "module", "exports", cjs)(requireShim, module, module.exports);
  return module.exports;
}

/** Broken variants of `value`: each field by turn made a number, a string, null, removed, or given a sibling. */
function variants(value: unknown, limit = 400): unknown[] {
  const out: unknown[] = [];
  const visit = (node: unknown, edit: (f: (n: unknown) => unknown) => unknown) => {
    if (out.length >= limit || node === null || typeof node !== "object") return;
    for (const key of Object.keys(node)) {
      const at = (f: (n: unknown) => unknown) =>
        edit((n) => (Array.isArray(n) ? n.map((x, i) => (String(i) === key ? f(x) : x)) : { ...(n as object), [key]: f((n as Record<string, unknown>)[key]) }));
      for (const replacement of [42, "x", null, true, [], {}]) out.push(at(() => replacement));
      if (!Array.isArray(node)) {
        out.push(edit((n) => Object.fromEntries(Object.entries(n as object).filter(([k]) => k !== key))));
        out.push(edit((n) => ({ ...(n as object), unexpected: 1 })));
      }
      visit((node as Record<string, unknown>)[key], (f) => at((child) => f(child)));
    }
  };
  visit(value, (f) => f(value));
  return out;
}

const contracts = await loadContracts();
const { ajv } = await createAjvWithSchemas({ standalone: true });

describe.each(contracts.map((p) => [p.name, p] as const))("%s", (_name, provider) => {
  const refs = Object.fromEntries(provider.messages.map((m) => [`v_${m.name.replace(/\W/g, "_")}`, m.schemaId]));
  const raw = standaloneCode(ajv, refs);
  const compact = compactStandalone(raw);

  it("is smaller: no schemaPath, one call per error reported, only the schema values read", () => {
    expect(compact.length).toBeLessThan(raw.length * 0.8);
    expect(compact).not.toMatch(/schemaPath:|vErrors\.push\(err|const schema\d+ = \{/);
    // The formats by an ES import, so bundles carry no CommonJS interop helpers for them.
    expect(compact).not.toContain('require("../src/formats")');
    // A referenced schema's validator gets the path alone: no options object allocated per call.
    expect(compact).not.toMatch(/parentData|rootData/);
  });

  it("answers every fixture and broken variant exactly as Ajv's own code", () => {
    const ours = load(compact);
    const theirs = load(withoutSchemaPaths(raw));
    let compared = 0;
    for (const message of provider.messages) {
      const name = `v_${message.name.replace(/\W/g, "_")}`;
      const inputs: unknown[] = [];
      for (const kind of ["valid", "invalid"] as const) {
        for (const { body } of messageFixtures(provider.name, message.name, kind)) inputs.push(body, ...(kind === "valid" ? variants(body) : []));
      }
      for (const input of inputs) {
        expect(ours[name]!(input)).toBe(theirs[name]!(input));
        expect(ours[name]!.errors).toEqual(theirs[name]!.errors);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(provider.messages.length * 50);
  });
});

describe("validators equal but for their constants share one body", () => {
  const envelope = (name: string, type: string, row: number, payload: string) =>
    `function ${name}(data, instancePath=""){/*# sourceURL="https://x/${name}.json" */;let vErrors = null;let errors = 0;` +
    `if(data.type !== ${JSON.stringify(type)}){vErrors = pushErrorAt(vErrors, instancePath+"/type", ${row});errors++;}` +
    `if(!(${payload}(data.payload, instancePath+"/payload"))){vErrors = vErrors === null ? ${payload}.errors : vErrors.concat(${payload}.errors);errors = vErrors.length;}` +
    `${name}.errors = vErrors;return errors === 0;}`;
  const code = `"use strict";${envelope("validate1", "a.created", 3, "validate9")}${envelope("validate2", 'say "validate5" or data', 4, "validate8")}function validate8(data, instancePath=""){return true;}`;

  it("writes the body once, with the strings, rows and validators that differ as parameters, and each validator as a call", () => {
    const out = withSharedBodies(code, 10);
    expect(out.match(/function shared\d+\(/g)).toEqual(["function shared0("]);
    expect(out).toContain(
      'function validate1(data, instancePath=""){return shared0(validate1, data, instancePath, "a.created", "/type", 3, validate9, "/payload");}',
    );
    // A name inside a string is text: the string is the parameter, whole.
    expect(out).toContain(
      'function validate2(data, instancePath=""){return shared0(validate2, data, instancePath, "say \\"validate5\\" or data", "/type", 4, validate8, "/payload");}',
    );
    expect(out).toContain("self.errors = vErrors;");
    expect(out).not.toContain("sourceURL");
    // A validator with no twin, and short ones, stay as they are.
    expect(out).toContain('function validate8(data, instancePath=""){return true;}');
    expect(withSharedBodies(code)).toBe(code);
  });

  it("returns and reports what the validators did", () => {
    const helpers = "function pushErrorAt(list, instancePath, row){(list ??= []).push({instancePath, row});return list;}";
    const run = (source: string) => {
      const exports = new Function(
        `${source.replace('"use strict";', `"use strict";${helpers}`)};function validate9(){validate9.errors = [{instancePath: "/payload", row: 9}];return false;}return {validate1, validate2};`,
      )() as Record<string, Validator>;
      return [
        exports.validate1!({ type: "a.created", payload: {} }),
        exports.validate1!.errors,
        exports.validate2!({ type: "x", payload: {} }),
        exports.validate2!.errors,
      ];
    };
    expect(run(withSharedBodies(code, 10))).toEqual(run(code));
  });
});

describe("the rewrites refuse code they do not recognise", () => {
  it("an error reported some other way fails the build", () => {
    expect(() => withCompactErrorReports('"use strict";const err0 = {keyword:"x"};errors++;')).toThrow(/not reported the way Ajv used to/);
  });
  it("a schema value read that does not exist fails the build", () => {
    expect(() => withOnlyUsedSchemaValues('"use strict";const schema1 = {"enum":[1]};f(schema1.type);')).toThrow(/reads nothing/);
  });
  it("a long enum's loop of deep-equality calls becomes a Set lookup only when every value is a primitive", () => {
    const loop = (schema: string) => `valid3 = false;for(const v0 of ${schema}){if(func0(data7, v0)){valid3 = true;break;}}`;
    const code = `"use strict";const schema4_0 = ["a","b\\"c",1,null];const schema4_1 = [{"a":1},"x"];const func0 = require("ajv/dist/runtime/equal").default;${loop("schema4_0")}${loop("schema4_1")}`;
    const out = withEnumSets(code);
    const declared = "let schema4_0_set;function schema4_0_has(x){return (schema4_0_set ??= new Set(schema4_0)).has(x);}";
    expect(out).toContain(declared);
    const has = new Function(`const schema4_0 = ["a","b\\"c",1,null];${declared}return schema4_0_has;`)() as (x: unknown) => boolean;
    expect(["a", 'b"c', 1, null, "b", 0, undefined, "1"].map(has)).toEqual([true, true, true, true, false, false, false, false]);
    expect(out).toContain("valid3 = schema4_0_has(data7);");
    expect(out).toContain(loop("schema4_1"));
    expect(out).toContain("const func0 = require");
    // With no loop left, Ajv's deep equality goes too.
    expect(withEnumSets(code.replace(loop("schema4_1"), ""))).not.toContain("func0");
  });
  it.each([
    [
      'function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){f(instancePath);}',
      'function validate12(data, instancePath=""){f(instancePath);}',
    ],
    [
      'if(!(validate12(data.a, {instancePath:instancePath+"/a",parentData:data,parentDataProperty:"a",rootData})))',
      'if(!(validate12(data.a, instancePath+"/a")))',
    ],
    [
      'validate30(data46[i1], {instancePath:instancePath+"/list/" + i1,parentData:data46,parentDataProperty:i1,rootData})',
      'validate30(data46[i1], instancePath+"/list/" + i1)',
    ],
    [
      'validate7(data["a{b"], {instancePath:instancePath+"/a{b",parentData:data,parentDataProperty:"a{b",rootData})',
      'validate7(data["a{b"], instancePath+"/a{b")',
    ],
  ])("a referenced schema's validator is called with the path alone: %s", (code, expected) => {
    expect(withPathOnlyCalls(code)).toBe(expected);
  });
  it("error reports with constant params name a row of one table; an unknown key is reported by a helper", () => {
    const code =
      '"use strict";const schema3_0 = ["a","b"];' +
      'vErrors = pushError(vErrors, {instancePath:instancePath+"/id",keyword:"type",params:{type: "string"}});errors++;' +
      'vErrors = pushError(vErrors, {instancePath,keyword:"type",params:{type: "string"}});errors++;' +
      'vErrors = pushError(vErrors, {instancePath:instancePath+"/s",keyword:"x-known-values",params:{knownValues: schema3_0}});errors++;' +
      'vErrors = pushError(vErrors, {instancePath:instancePath+"/n",keyword:"minimum",params:{comparison: ">=", limit: -1.5}});errors++;' +
      'vErrors = pushError(vErrors, {instancePath,keyword:"additionalProperties",params:{additionalProperty: key0}});errors++;';
    const out = withErrorTable(code);
    expect(out).toContain('vErrors = pushErrorAt(vErrors, instancePath+"/id", 0);errors++;');
    expect(out).toContain("vErrors = pushErrorAt(vErrors, instancePath, 0);errors++;");
    expect(out).toContain('vErrors = pushErrorAt(vErrors, instancePath+"/s", 1);errors++;');
    expect(out).toContain('vErrors = pushErrorAt(vErrors, instancePath+"/n", 2);errors++;');
    expect(out).toContain("vErrors = pushErrorUnknownKey(vErrors, instancePath, key0);errors++;");
    expect(
      out.endsWith('const errorTable = [["type",{type: "string"}],["x-known-values",{knownValues: schema3_0}],["minimum",{comparison: ">=", limit: -1.5}]];'),
    ).toBe(true);
  });
  it("an array item's validator gets its index apart, and joins it to the path only where it reads the path", () => {
    const code =
      '"use strict";function validate3(data, instancePath=""){const err0 = {instancePath,keyword:"type",params:{}};' +
      'const err1 = {instancePath:instancePath+"/a",keyword:"type",params:{}};f("instancePath", validate4(data.a, instancePath+"/a"));}' +
      'for(let i1=0;i1<n;i1++){validate3(data2[i1], instancePath+"/items/" + i1);}';
    expect(withLazyItemPaths(code)).toBe(
      '"use strict";function pathAt(path, index){return index === undefined ? path : path + index;}' +
        'function validate3(data, instancePath="", pathIndex){const err0 = {instancePath:pathAt(instancePath, pathIndex),keyword:"type",params:{}};' +
        'const err1 = {instancePath:pathAt(instancePath, pathIndex)+"/a",keyword:"type",params:{}};f("instancePath", validate4(data.a, pathAt(instancePath, pathIndex)+"/a"));}' +
        'for(let i1=0;i1<n;i1++){validate3(data2[i1], instancePath+"/items/", i1);}',
    );
  });
  it("a validator that still reads parentData or rootData fails the build", () => {
    expect(() => withPathOnlyCalls("function validate3(data, {instancePath, rootData}){return rootData;}")).toThrow(/still reads rootData/);
  });
  it("reads through strings and comments without touching them", () => {
    const code =
      '"use strict";const schema1 = {"enum":["a"],"p":{"type":"string"}};/* schema1.enum */f("schema1.enum", schema1.enum, schema1.p.type, schema1.enum);';
    expect(withOnlyUsedSchemaValues(code)).toBe(
      '"use strict";const schema1_0 = ["a"];const schema1_1 = "string";/* schema1.enum */f("schema1.enum", schema1_0, schema1_1, schema1_0);',
    );
  });
});
