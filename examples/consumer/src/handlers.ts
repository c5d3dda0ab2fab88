// How another team uses the generated packages. The tests type-check this workspace: every narrowing below
// must compile, and every @ts-expect-error must still be an error (an unused one fails the check).
import type { ProviderWebhooks, WebhookPayload } from "@webhook-contracts/types";
import type { AmpliaRegWebhook } from "@webhook-contracts/types/amplia-reg";
import type { IvyMessageName, IvyWebhook, OrderStatus } from "@webhook-contracts/types/ivy";
import type { ScalapayWebhook } from "@webhook-contracts/types/scalapay";
import { validateWebhook } from "@webhook-contracts/validators";
import { isOrderCreated, validateScalapayWebhook } from "@webhook-contracts/validators/scalapay";

/** Ivy: narrowing on `type` picks the event. */
export function ivyStatus(event: IvyWebhook): OrderStatus | undefined {
  switch (event.type) {
    case "order_created":
      return event.payload.status;
    case "order_updated":
      return event.payload.statusHistoryList?.at(-1)?.currentStatus ?? event.payload.status;
    case "user_payout.failed":
      // @ts-expect-error a user payout carries no status history
      return event.payload.statusHistoryList;
    default:
      return undefined;
  }
}

/** A handler table must name every Ivy event: leaving one out does not compile. */
export const ivyHandlers: Record<IvyMessageName, (event: IvyWebhook) => void> = {
  test: () => {},
  order_created: () => {},
  order_updated: () => {},
  merchant_updated: () => {},
  refund_succeeded: () => {},
  refund_failed: () => {},
  "user_payout.initiated": () => {},
  "user_payout.paid": () => {},
  "user_payout.failed": () => {},
  payout_report_requested: () => {},
  data_session_completed: () => {},
  checkout_session_created: () => {},
  checkout_session_updated: () => {},
  checkout_session_expired: () => {},
  checkout_session_completed: () => {},
  payout_created: () => {},
  payout_updated: () => {},
  mandate_setup_started: () => {},
  mandate_setup_succeeded: () => {},
  mandate_setup_failed: () => {},
  mandate_revoked: () => {},
  "payout.created": () => {},
  "payout.initiated": () => {},
  "payout.paid": () => {},
  "payout.failed": () => {},
  "return.initiated": () => {},
  "return.paid": () => {},
  "return.failed": () => {},
  "return.returned": () => {},
  "deposit.received": () => {},
  "conversion.created": () => {},
  "conversion.completed": () => {},
  "conversion.failed": () => {},
  "ping.test": () => {},
  merchant_app_updated: () => {},
  "refund.initiated": () => {},
  "refund.succeeded": () => {},
  "refund.failed": () => {},
  "return.succeeded": () => {},
  "fx.initiated": () => {},
  "fx.succeeded": () => {},
  "fx.failed": () => {},
};

/** Ivy's newer events: a payout's failure is there only when it failed, and its amount is a decimal string. */
export function ivyPayoutFailure(event: IvyWebhook): string | undefined {
  if (event.type === "payout.failed") return event.payload.failure?.code;
  if (event.type === "payout.paid") {
    const amount: string = event.payload.amount;
    return amount;
  }
  return undefined;
}

/** Scalapay: only `created` carries orderDetails. */
export function scalapayShopper(event: ScalapayWebhook): string | undefined {
  if (event.status === "created") return event.orderDetails.consumer.givenNames;
  // @ts-expect-error orderDetails exists on the created message only
  return event.orderDetails;
}

/** Amplia Reg: the transition's status narrows the transition. */
export function ampliaIssued(event: AmpliaRegWebhook): "Issued" | undefined {
  const transition = event.orderStatusTransitionModel;
  if (transition.status === "Issued") {
    const issued: "Issued" = transition.status;
    // The status before is any status, known or new: the lifecycle table is partly inferred.
    const from: OrderStatusBefore = transition.previousStatus;
    return from === null ? undefined : issued;
  }
  // @ts-expect-error after the check the status cannot be Issued
  const notIssued: "Issued" = transition.status;
  return notIssued;
}
type OrderStatusBefore = AmpliaRegWebhook["orderStatusTransitionModel"]["previousStatus"];

/**
 * A validated Amplia Reg delivery: a status Amplia Reg added since our schemas comes out as an unknown
 * message (`message` undefined), so the switch over the known statuses stays exact, and forgetting the
 * unknown case does not compile.
 */
export function ampliaValidated(body: unknown): string {
  const result = validateWebhook("amplia-reg", body);
  if (!result.ok) return "invalid";
  if (result.message === undefined) return `a new status: ${result.unknownMessage}`;
  const transition = result.value.orderStatusTransitionModel;
  switch (transition.status) {
    case "WaitingValidation":
    case "InValidation":
    case "WaitingConfirmation":
    case "InConfirmation":
    case "WaitingIssue":
    case "Issued":
    case "Revoked":
    case "Declined":
    case "Canceled":
      return transition.status;
    default: {
      const exhaustive: never = transition;
      return exhaustive;
    }
  }
}

/** Open status lists: a switch over the known ones must still say what to do with a new one. */
export function ivyOrderStatus(status: OrderStatus): "done" | "pending" | "unknown" {
  switch (status) {
    case "paid":
    case "refunded":
      return "done";
    case "waiting_for_payment":
    case "waiting_for_bank_confirmation":
      return "pending";
    default:
      // @ts-expect-error an open list is never exhausted: a status Ivy adds lands here
      return ((s: never) => s)(status);
  }
}

/** Open code lists: known values are typed, other strings still fit. */
export function reasons(event: WebhookPayload<"ivy", "order_updated">): string[] {
  const known: NonNullable<typeof event.payload.statusHistoryList>[number]["reason"] = "ORDER_CREATED";
  const unlisted: NonNullable<typeof event.payload.statusHistoryList>[number]["reason"] = "A_REASON_IVY_ADDS_LATER";
  // @ts-expect-error a code list is still a list of strings
  const wrong: NonNullable<typeof event.payload.statusHistoryList>[number]["reason"] = 42;
  return [known, unlisted, String(wrong)];
}

/** Validation results narrow by message; `value` is typed. */
export function handle(body: unknown): string {
  const result = validateWebhook("scalapay", body);
  if (!result.ok) return result.errors.map((e) => `${e.path}: ${e.message}`).join("\n");
  // A status Scalapay added since: it has the four keys every Scalapay message has, and a warning.
  if (result.message === undefined) return `${result.unknownMessage}: ${String(result.value.orderToken)}`;
  if (result.message === "created") return result.value.orderDetails.totalAmount.amount;
  // @ts-expect-error wrong field access: totalAmount is a number at the top level
  return result.value.totalAmount.amount;
}

export function guards(body: unknown): number {
  if (isOrderCreated(body)) return body.totalAmount;
  const direct = validateScalapayWebhook(body);
  if (!direct.ok) return -1;
  // @ts-expect-error an unknown message's value is not typed as a known one
  const unchecked: number = direct.value.totalAmount;
  return direct.message === undefined ? unchecked : direct.value.totalAmount;
}

// @ts-expect-error stripe is not a provider
validateWebhook("stripe", {});

// The provider map: one union per provider.
export type AllScalapay = ProviderWebhooks["scalapay"];
export const charged: WebhookPayload<"scalapay", "charged"> = {
  status: "charged",
  orderToken: "E1KLSVMATB",
  merchantReference: "merchantOrder-1234",
  totalAmount: 100,
};
export const notCharged: WebhookPayload<"scalapay", "charged"> = {
  // @ts-expect-error a charged payload has status "charged"
  status: "created",
  orderToken: "E1KLSVMATB",
  merchantReference: "merchantOrder-1234",
  totalAmount: 100,
};
