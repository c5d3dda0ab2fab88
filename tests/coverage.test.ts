/** The README's coverage table is generated; this fails when it is stale (run `pnpm readme`). */
import { readFileSync } from "node:fs";
import { coverageTable, readmeFile, withCoverage } from "@webhook-contracts/contracts/coverage";
import { loadContracts } from "@webhook-contracts/contracts";
import { expect, it } from "vitest";

const readme = readFileSync(readmeFile, "utf8");
const table = await coverageTable();

it("is what `pnpm readme` would write", () => {
  expect(readme).toBe(withCoverage(readme, table));
});

it("lists every message of asyncapi.yaml, once", async () => {
  const providers = await loadContracts();
  for (const provider of providers) {
    for (const message of provider.messages) expect(table).toContain(`| ${provider.title} | \`${message.name}\` |`);
  }
  expect(table.split("\n").length).toBe(2 + providers.reduce((n, p) => n + p.messages.length, 0));
});

it("shows provenance kinds", () => {
  expect(table).toMatch(/\*\*unpublished\*\*/);
  expect(table).toMatch(/\| Ivy \| `data_session_completed` \| 1 \| \d+ \| \d+ \/ \d+ \/ \d+ \| \*\*unpublished\*\*/);
});

it("counts documented and inferred constraints: Retorna's one example and Amplia Reg's partly inferred table show", () => {
  const counts = (provider: string, message: string) => {
    const row = table.split("\n").find((r) => r.startsWith(`| ${provider} | \`${message}\` |`))!;
    const [documented, inferred, open] = row.split(" | ")[4]!.split(" / ").map(Number);
    return { documented: documented!, inferred: inferred!, open: open! };
  };
  expect(counts("Retorna", "payout_order_status").inferred).toBeGreaterThan(50); // the keys only its one example shows
  // Five inferred transitions, the order number's form, the agents' CPF form (two agents).
  expect(counts("Amplia Reg", "OrderStatusChanged").inferred).toBe(8);
  expect(counts("Scalapay", "charged")).toEqual({ documented: 17, inferred: 0, open: 0 }); // 11 of the schema, 6 documented transitions
});
