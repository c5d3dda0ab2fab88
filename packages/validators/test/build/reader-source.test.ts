/** The generated pointer readers must read exactly what the runtime's pointer walk reads. */
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { pointerReader } from "../../src/issues.ts";
import { readerSource } from "../../build/generate-validators.ts";

const compile = (pointer: string) => {
  const { code } = transformSync(`export default ${readerSource(pointer)};`, { loader: "ts", format: "cjs" });
  const module = { exports: {} as { default: (data: unknown) => unknown } };
  new Function("module", "exports", code)(module, module.exports);
  return module.exports.default;
};

describe("readerSource", () => {
  const pointers = ["", "/type", "/orderStatusTransitionModel/status", "/items/0/id", "/a~1b/~0c", "/length"];
  const data: unknown[] = [
    null,
    "text",
    42,
    [],
    { type: "order_updated" },
    { orderStatusTransitionModel: { status: "Issued" } },
    { orderStatusTransitionModel: null },
    { orderStatusTransitionModel: "Issued" },
    { items: [{ id: "x" }] },
    { items: "ab" },
    { "a/b": { "~c": 1 } },
    { length: 3 },
  ];

  it.each(pointers)("%s reads what pointerReader reads", (pointer) => {
    const generated = compile(pointer);
    const walked = pointerReader(pointer);
    for (const d of data) expect(generated(d)).toBe(walked(d));
  });
});
