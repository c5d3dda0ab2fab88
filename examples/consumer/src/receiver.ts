// The receiver as another team wires it: typed handlers per provider and message, from the package's
// emitted declarations (not its sources). Type-checked by the tests like the rest of this workspace.
import { createServer } from "node:http";
import { createReceiver } from "@webhook-contracts/receiver";
import { createNodeMiddleware } from "@webhook-contracts/receiver/node";
import { sqliteStore } from "@webhook-contracts/receiver/sqlite";

export async function startReceiver(port: number) {
  const receiver = createReceiver({
    store: sqliteStore("inbox.db"),
    providers: { ivy: { secrets: [{ env: "IVY_SECRET" }, { env: "IVY_PREVIOUS_SECRET", optional: true }] } },
    worker: { concurrency: 8, handlerTimeoutMs: 10_000 },
  });

  receiver.on("ivy", "order_updated", (event, { delivery, warnings, attempt, idempotencyKey, signal }) => {
    // @ts-expect-error the handler of order_updated only ever sees order_updated
    if (event.type === "refund_failed") return undefined;
    if (signal.aborted) return undefined;
    return { id: delivery.id, key: idempotencyKey, attempt, status: event.payload.status, warnings: warnings.length };
  });

  receiver.on("amplia-reg", "OrderStatusChanged", (event) => {
    const transition = event.orderStatusTransitionModel;
    // Only the known statuses reach this handler: comparing narrows.
    if (transition.status === "Issued") return transition.status satisfies "Issued";
    return transition.status;
  });

  // A status or event type the provider added since our schemas reaches only these handlers (without
  // one, the delivery stays quarantined, to be replayed once a handler or a schema exists).
  receiver.onUnknown("amplia-reg", (event, name, { warnings }) => `${name}: ${String(event.orderStatusTransitionModel)} (${warnings.length})`);

  // @ts-expect-error Ivy has no OrderStatusChanged message
  receiver.on("ivy", "OrderStatusChanged", () => {});

  receiver.onAny("scalapay", (event, message) => `${message}: ${event.orderToken}`);

  await receiver.start();
  return createServer(createNodeMiddleware(receiver)).listen(port);
}
