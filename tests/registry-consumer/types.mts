// Another team's TypeScript (ES module), type-checked by tests/registry.test.ts against the packages
// installed from a registry, under node16, nodenext and bundler resolution (and by the repository's tsc).
import type { WebhookPayload } from "@webhook-contracts/types";
import type { IvyWebhook, OrderStatus } from "@webhook-contracts/types/ivy";
import { getFixture } from "@webhook-contracts/fixtures";
import { createReceiver, type InboxStore } from "@webhook-contracts/receiver";
import { validateWebhook } from "@webhook-contracts/validators";
import { type IvyEventApiPayloads, validateIvyWebhook } from "@webhook-contracts/validators/ivy/event-api";
import { isOrderCreated } from "@webhook-contracts/validators/scalapay";

export function depositRail(body: unknown): IvyEventApiPayloads["deposit.received"]["payload"] | undefined {
  const result = validateIvyWebhook(body);
  return result.ok && result.message === "deposit.received" ? result.value.payload : undefined;
}

export function ivyStatus(event: IvyWebhook): OrderStatus | undefined {
  return event.type === "order_updated" ? event.payload.status : undefined;
}

const charged: WebhookPayload<"scalapay", "charged"> = getFixture("scalapay", "charged");
export const isCreated: boolean = isOrderCreated(charged);

export function totalOf(body: unknown): string | undefined {
  const result = validateWebhook("scalapay", body);
  return result.ok && result.message === "created" ? String(result.value.totalAmount) : undefined;
}

// @ts-expect-error not a provider
validateWebhook("stripe", {});

export function receiverOn(store: InboxStore) {
  return createReceiver({ store, providers: { ivy: { secrets: [{ env: "IVY_SECRET" }] } } }).on("ivy", "order_updated", (event) => {
    const status: OrderStatus = event.payload.status;
    return status;
  });
}
