// Another team's TypeScript (CommonJS), type-checked by tests/registry.test.ts against the packages
// installed from a registry, under node16 and nodenext resolution: the packages' .d.cts declarations.
import type { WebhookPayload } from "@webhook-contracts/types";
import type { IvyWebhook, OrderStatus } from "@webhook-contracts/types/ivy";
import fixtures = require("@webhook-contracts/fixtures");
import validators = require("@webhook-contracts/validators");
import ivy = require("@webhook-contracts/validators/ivy");
import ivyEventApi = require("@webhook-contracts/validators/ivy/event-api");

function ivyStatus(event: IvyWebhook): OrderStatus | undefined {
  return event.type === "order_updated" ? event.payload.status : undefined;
}

const paid: WebhookPayload<"ivy", "order_updated"> = fixtures.getFixture("ivy", "order_updated", "paid");

function isPaid(body: unknown): boolean {
  const result = ivy.validateIvyWebhook(body);
  return result.ok && result.message === "order_updated" && result.value.payload.status === "paid";
}

// @ts-expect-error not a provider
validators.validateWebhook("stripe", {});

// One API's entry point narrows to its own messages.
function payoutAmount(body: unknown): string | undefined {
  const result = ivyEventApi.validateIvyWebhook(body);
  // @ts-expect-error order_updated is the merchant API's, not this entry point's
  if (result.ok && result.message === "order_updated") return undefined;
  return result.ok && result.message === "payout.paid" ? result.value.payload.amount : undefined;
}

export = { ivyStatus, isPaid, paid, payoutAmount };
