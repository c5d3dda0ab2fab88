/**
 * An InboxStore in memory, for the runtimes the core has no store for (Bun, Deno, a browser): one
 * process, no durability, kept simple; enough to drive the core through its adapters in
 * test/adapters.test.ts. Plain JavaScript, so that every runtime loads it as it is.
 */
export function memoryStore() {
  const rows = new Map();
  const byKey = new Map();
  let next = 1;
  const iso = (ms) => new Date(ms).toISOString();
  const copy = (d) => ({ ...d, body: new Uint8Array(d.body), headers: { ...d.headers }, warnings: [...d.warnings] });
  return {
    async init() {},
    // accept() honours NewDelivery.lease: the receiving process's worker takes the delivery from memory.
    leasesOnAccept: true,
    async accept(delivery) {
      const key = `${delivery.provider}\u0000${delivery.deliveryKey}`;
      const existing = byKey.get(key);
      if (existing) return { inserted: false, id: existing.id, status: existing.status, receivedAt: existing.receivedAt };
      const id = `mem_${next++}`;
      const row = {
        id,
        provider: delivery.provider,
        deliveryKey: delivery.deliveryKey,
        message: delivery.message,
        status: delivery.lease ? "processing" : delivery.status,
        reason: delivery.reason,
        warnings: delivery.warnings,
        headers: delivery.headers,
        body: new Uint8Array(delivery.body),
        receivedAt: iso(Date.now()),
        dueAt: delivery.lease ? iso(Date.now() + delivery.lease.ms) : delivery.status === "queued" ? iso(Date.now()) : null,
        attempts: delivery.lease ? 1 : 0,
        lastError: null,
        handledAt: null,
        owner: delivery.lease?.owner ?? null,
      };
      rows.set(id, row);
      byKey.set(key, row);
      return { inserted: true, id, status: row.status, receivedAt: row.receivedAt };
    },
    async claim(owner, limit, leaseMs) {
      const now = Date.now();
      const out = [];
      for (const row of rows.values()) {
        if (out.length >= limit) break;
        const due = row.dueAt !== null && Date.parse(row.dueAt) <= now;
        if ((row.status === "queued" || row.status === "processing") && due) {
          row.status = "processing";
          row.owner = owner;
          row.dueAt = iso(now + leaseMs);
          row.attempts += 1;
          out.push(copy(row));
        }
      }
      return out;
    },
    async finish(owner, outcomes) {
      const done = [];
      for (const { id, attempt, outcome } of outcomes) {
        const row = rows.get(id);
        if (!row || row.status !== "processing" || row.owner !== owner || row.attempts !== attempt) continue;
        row.owner = null;
        if (outcome.status === "handled") Object.assign(row, { status: "handled", dueAt: null, handledAt: iso(Date.now()) });
        else if (outcome.status === "retry") Object.assign(row, { status: "queued", dueAt: iso(Date.now() + outcome.delayMs), lastError: outcome.error });
        else Object.assign(row, { status: "quarantined", dueAt: null, reason: outcome.reason, lastError: outcome.error ?? null, handledAt: iso(Date.now()) });
        done.push({ id, attempt });
      }
      return done;
    },
    async release(owner, leases) {
      for (const row of rows.values()) {
        const listed = !leases || leases.some((l) => l.id === row.id && l.attempt === row.attempts);
        if (row.status === "processing" && row.owner === owner && listed)
          Object.assign(row, { status: "queued", owner: null, dueAt: iso(Date.now()), attempts: Math.max(row.attempts - 1, 0) });
      }
    },
    async requeue(id, from) {
      const row = rows.get(id);
      if (!row || !from.includes(row.status)) return false;
      Object.assign(row, { status: "queued", dueAt: iso(Date.now()), attempts: 0, reason: null, lastError: null, handledAt: null });
      return true;
    },
    async requarantine(id, reason, message) {
      const row = rows.get(id);
      if (row && (row.status === "quarantined" || row.status === "handled")) Object.assign(row, { status: "quarantined", reason, message });
    },
    async get(id) {
      const row = rows.get(id);
      return row ? copy(row) : undefined;
    },
    async list(filter = {}) {
      return [...rows.values()]
        .filter((r) => (!filter.status || r.status === filter.status) && (!filter.provider || r.provider === filter.provider))
        .slice(0, filter.limit ?? Infinity)
        .map(copy);
    },
    async stats() {
      const byStatus = { queued: 0, processing: 0, handled: 0, quarantined: 0, rejected: 0 };
      for (const row of rows.values()) byStatus[row.status] += 1;
      return { byStatus };
    },
    async ping() {},
    async close() {},
  };
}
