/**
 * The gateway's metrics in the Prometheus text format (prom-client), fed by the receiver's events:
 * deliveries by provider, message and outcome; duplicates; quarantines; handler latency; the backlog's
 * size and the age of its oldest delivery (read from the store at each scrape: one query for both).
 */
import type { InboxStore, ReceiverEvent, StoreStats } from "@webhook-contracts/receiver";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics(store: InboxStore) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "webhook_contracts_" });
  const requests = new Counter({
    name: "webhook_contracts_deliveries_total",
    help: "Requests to the webhook endpoints, by provider, message and outcome (accepted, duplicate, quarantined, rejected, unauthorized, ...).",
    labelNames: ["provider", "message", "outcome"] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: "webhook_contracts_duplicates_total",
    help: "Deliveries answered as duplicates of one already stored.",
    labelNames: ["provider"] as const,
    registers: [registry],
  });
  const quarantined = new Counter({
    name: "webhook_contracts_quarantined_total",
    help: "Deliveries quarantined: invalid on arrival, or their handlers failed every attempt.",
    labelNames: ["provider", "message", "cause"] as const,
    registers: [registry],
  });
  const attempts = new Histogram({
    name: "webhook_contracts_handler_duration_seconds",
    help: "Time of each handling attempt (handlers and forwarding), by outcome.",
    labelNames: ["provider", "message", "outcome"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const requestTime = new Histogram({
    name: "webhook_contracts_request_duration_seconds",
    help: "Time from a request's headers to its answer (the durable store included).",
    labelNames: ["provider", "outcome"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  // A scrape collects every metric at once: the two gauges share one read of the store.
  let reading: Promise<StoreStats> | undefined;
  const read = () => (reading ??= store.stats().finally(() => (reading = undefined)));
  new Gauge({
    name: "webhook_contracts_queue_depth",
    help: "The backlog: deliveries waiting for a worker (queued, retries included) or held by one (processing).",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const { byStatus } = await read();
      this.set({ status: "queued" }, byStatus.queued);
      this.set({ status: "processing" }, byStatus.processing);
    },
  });
  new Gauge({
    name: "webhook_contracts_queue_oldest_age_seconds",
    help: "Age of the oldest delivery in the backlog (queued or processing), from when it was received; 0 when the backlog is empty. Growing: the handling is behind, or its target is down.",
    registers: [registry],
    async collect() {
      const { oldestBacklogReceivedAt: oldest } = await read();
      // A store of your own that does not tell leaves the gauge out rather than report an empty backlog.
      if (oldest === undefined) return this.reset();
      this.set(oldest === null ? 0 : Math.max(0, (Date.now() - Date.parse(oldest)) / 1000));
    },
  });

  // A request's counter and histogram, by its labels: found with one string key, not by prom-client's
  // hash of a label object each time (every request reports one).
  const perRequest = new Map<string, { count: Counter.Internal; time: Histogram.Internal<"provider" | "outcome"> }>();
  const requestSeries = (provider: string, message: string, outcome: string) => {
    const key = `${provider}\u0000${message}\u0000${outcome}`;
    let series = perRequest.get(key);
    if (!series) perRequest.set(key, (series = { count: requests.labels({ provider, message, outcome }), time: requestTime.labels({ provider, outcome }) }));
    return series;
  };

  return {
    registry,
    onEvent(event: ReceiverEvent) {
      if (event.type === "request") {
        const provider = event.provider ?? "none";
        const series = requestSeries(provider, event.message ?? "none", event.outcome);
        series.count.inc();
        series.time.observe(event.ms / 1000);
        if (event.outcome === "duplicate") duplicates.inc({ provider });
        if (event.outcome === "quarantined") quarantined.inc({ provider, message: event.message ?? "none", cause: "invalid" });
      } else if (event.type === "attempt") {
        attempts.observe({ provider: event.provider, message: event.message ?? "none", outcome: event.outcome }, event.ms / 1000);
        if (event.outcome === "quarantined") quarantined.inc({ provider: event.provider, message: event.message ?? "none", cause: "handler" });
      }
    },
  };
}
