/**
 * What turbo rebuilds: a package's build reads its own folder, the contract sources and the generator
 * files it runs, so an edit of the docs site's templates rebuilds the docs alone. Read from
 * `turbo run build --dry=json`, the hashes turbo itself would use.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
interface DryTask {
  taskId: string;
  /** The package's folder, relative to the root; inputs are relative to it. */
  directory: string;
  inputs: Record<string, string>;
}
const dry = JSON.parse(
  execFileSync(path.join(root, "node_modules/.bin/turbo"), ["run", "build", "--dry=json"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
    maxBuffer: 1 << 26,
  }),
) as { tasks: DryTask[] };
/** The build tasks whose hash a file is part of. */
const readers = (file: string) =>
  dry.tasks.filter((t) => Object.keys(t.inputs).some((input) => path.resolve(root, t.directory, input) === path.join(root, file))).map((t) => t.taskId);

it("reads a package's own build in that package's build alone", () => {
  expect(readers("packages/docs/build/html.ts")).toEqual(["@webhook-contracts/docs#build"]);
  expect(readers("packages/docs/build/diagram.ts")).toEqual(["@webhook-contracts/docs#build"]);
  expect(readers("packages/validators/build/ajv-keywords.ts")).toEqual(["@webhook-contracts/validators#build"]);
  expect(readers("packages/types/build/generate-types.ts")).toEqual(["@webhook-contracts/types#build"]);
});

it("reads the contract sources and the contract model in every generated package", () => {
  for (const file of ["asyncapi.yaml", "schemas/ivy/common/order.schema.json", "contracts/src/model.ts"]) {
    expect(readers(file), file).toEqual(
      expect.arrayContaining(["@webhook-contracts/types#build", "@webhook-contracts/validators#build", "@webhook-contracts/docs#build"]),
    );
  }
});

it("keeps the root free of workspace dependencies, whose files turbo would hash into every task", () => {
  const rootPackage = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: object; devDependencies?: object };
  const names = Object.keys({ ...rootPackage.dependencies, ...rootPackage.devDependencies });
  expect(names.filter((n) => n.startsWith("@webhook-contracts/"))).toEqual([]);
});
