// Another team's ES module, run by tests/registry.test.ts in a plain npm project that installed the
// packages from a registry: the validators on the fixtures, and a receiver taking a signed delivery.
import assert from "node:assert/strict";
import { fixtureNames, getFixture } from "@webhook-contracts/fixtures";
import { createReceiver, signedHeaders } from "@webhook-contracts/receiver";
import { validateWebhook } from "@webhook-contracts/validators";
import { checkSequence } from "@webhook-contracts/validators/lifecycles";
import { validateIvyWebhook as validateIvyEventApiWebhook } from "@webhook-contracts/validators/ivy/event-api";
import { isOrderCreated, validateScalapayWebhook } from "@webhook-contracts/validators/scalapay";
// The receiver ships no in-memory store: the test copies the one its own tests use beside this script.
import { memoryStore } from "./memory-store.mjs";

const created = getFixture("scalapay", "created");
const valid = validateScalapayWebhook(created);
assert.equal(valid.ok, true);
assert.equal(valid.ok && valid.message, "created");
assert.equal(isOrderCreated(created), true);
const invalid = validateWebhook("scalapay", { ...created, totalAmount: "40.70" });
assert.equal(invalid.ok, false);
assert.deepEqual(
  invalid.errors.map((e) => `${e.path} ${e.keyword}`),
  ["/totalAmount type"],
);
assert.ok(fixtureNames("ivy", "order_updated").includes("paid"));
// One of Ivy's two APIs alone: its messages checked whole, the other API's named as held elsewhere.
const payout = validateIvyEventApiWebhook(getFixture("ivy", "payout.paid"));
assert.equal(payout.ok && payout.message, "payout.paid");
assert.match(validateIvyEventApiWebhook(getFixture("ivy", "order_updated", "paid")).warnings[0].message, /validators\/ivy\/merchant-api/);
assert.deepEqual(checkSequence("ivy", [getFixture("ivy", "order_updated", "paid")]).findings, []);

const receiver = createReceiver({
  store: memoryStore(),
  providers: { ivy: { secrets: [{ env: "IVY_SECRET" }] } },
  env: { IVY_SECRET: "whsec_registry_test" },
  worker: false,
});
const handled = [];
receiver.on("ivy", "order_updated", (event, { attempt }) => {
  handled.push(`${event.payload.status} #${attempt}`);
});
const body = JSON.stringify(getFixture("ivy", "order_updated", "paid"));
const post = async (secret) =>
  receiver.fetch(
    new Request("http://localhost/webhooks/ivy", {
      method: "POST",
      headers: { "content-type": "application/json", ...(await signedHeaders("ivy", body, secret)) },
      body,
    }),
  );
assert.equal((await post("whsec_wrong")).status, 401);
const accepted = await post("whsec_registry_test");
assert.equal(accepted.status, 200);
assert.equal((await accepted.json()).status, "accepted");
assert.equal((await (await post("whsec_registry_test")).json()).status, "duplicate");
await receiver.runDue();
assert.deepEqual(handled, ["paid #1"]);
console.log("esm: validators, fixtures, lifecycles and receiver ok");
