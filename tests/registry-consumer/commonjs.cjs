// Another team's CommonJS module, run by tests/registry.test.ts in a plain npm project that installed the
// packages from a registry: require() gets the packages' CommonJS builds.
const assert = require("node:assert/strict");
const { getFixture, fixtures } = require("@webhook-contracts/fixtures");
const { validateWebhook, providerNames } = require("@webhook-contracts/validators");
const { validateIvyWebhook, isOrderUpdatedEvent } = require("@webhook-contracts/validators/ivy");

assert.match(require.resolve("@webhook-contracts/validators/ivy"), /\.cjs$/);
const eventApi = require("@webhook-contracts/validators/ivy/event-api");
assert.match(require.resolve("@webhook-contracts/validators/ivy/event-api"), /ivy[\\/]event-api\.cjs$/);
assert.equal(eventApi.validateIvyWebhook(getFixture("ivy", "deposit.received")).message, "deposit.received");
assert.match(require.resolve("@webhook-contracts/fixtures"), /\.cjs$/);
for (const provider of providerNames) {
  for (const [message, payload] of Object.entries(fixtures[provider])) {
    const result = validateWebhook(provider, payload);
    assert.equal(result.ok, true, `${provider} ${message}: ${JSON.stringify(result.errors)}`);
  }
}
const paid = getFixture("ivy", "order_updated", "paid");
assert.equal(isOrderUpdatedEvent(paid), true);
paid.payload.status = 42;
const result = validateIvyWebhook(paid);
assert.equal(result.ok, false);
assert.deepEqual(
  result.errors.map((e) => `${e.path} ${e.keyword}`),
  ["/payload/status type"],
);
// The receiver is ES modules only; Node 20.19 and later (the packages' engines) require() it all the same.
const { createReceiver } = require("@webhook-contracts/receiver");
assert.equal(typeof createReceiver, "function");
console.log(`commonjs: ${providerNames.length} providers' fixtures valid, validators and receiver ok`);
