/**
 * What one stranger may hold of the gateway, and all strangers together: open connections per source
 * address, and bytes of bodies buffered before their signature can be checked (per address and in all).
 * Over a limit, the request or connection is answered 503 with Retry-After and closed, unread: the
 * memory an attacker can pin is bounded by the budget, not by maxConnections × maxBodyBytes, and a sender
 * from another address is still served. Header time is Node's headersTimeout per connection, so one
 * address holds at most maxConnectionsPerAddress × headersTimeoutMs of it.
 *
 * The source address is the connection's peer; behind a reverse proxy listed in `trustProxy`, the sender
 * X-Forwarded-For names (read with proxy-addr, as Express does: right to left, past trusted hops only).
 */
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import type { Answer, ConfigProblem } from "@webhook-contracts/receiver";
import type { BodyBudget } from "@webhook-contracts/receiver/node";
import ipaddr from "ipaddr.js";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import proxyAddr from "proxy-addr";

export const DEFAULT_MAX_CONNECTIONS = 1024;
export const DEFAULT_MAX_UNAUTHENTICATED_BYTES_PER_ADDRESS = 8 * 1024 * 1024;
export const DEFAULT_MAX_UNAUTHENTICATED_BYTES = 64 * 1024 * 1024;

export interface LimitSettings {
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  maxUnauthenticatedBytesPerAddress?: number;
  maxUnauthenticatedBytes?: number;
  trustProxy?: string[];
}

type Refusal = "connections_per_address" | "unauthenticated_bytes_per_address" | "unauthenticated_bytes";

const RETRY_AFTER_SECONDS = 5;
const messages: Record<Refusal, string> = {
  connections_per_address: "too many open connections from your address",
  unauthenticated_bytes_per_address: "too many bytes of unverified request bodies in hand from your address",
  unauthenticated_bytes: "too many bytes of unverified request bodies in hand",
};
const busy = (reason: Refusal): Answer => ({
  status: 503,
  headers: { "retry-after": String(RETRY_AFTER_SECONDS), connection: "close" },
  body: { error: "busy", message: `${messages[reason]}; retry later` },
});

/**
 * What the limits count an address as: IPv4 as it is (an IPv4-mapped IPv6 address too), IPv6 by its /64,
 * which one host usually has whole: counting each of its 2^64 addresses apart would bound nothing.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address);
  if (ip.kind() === "ipv4") return ip.toString();
  return `${new ipaddr.IPv6([...(ip as ipaddr.IPv6).parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Problems of the limits' settings, checked with the rest of the configuration (loadConfig's `check`),
 * before any store opens: a budget below the largest body allowed would refuse that body for ever, and a
 * `trustProxy` entry must be an address, a CIDR range or a proxy-addr name.
 */
export function limitProblems(settings: LimitSettings, maxBodyBytes: number): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const budgets = [
    ["maxUnauthenticatedBytesPerAddress", settings.maxUnauthenticatedBytesPerAddress ?? DEFAULT_MAX_UNAUTHENTICATED_BYTES_PER_ADDRESS],
    ["maxUnauthenticatedBytes", settings.maxUnauthenticatedBytes ?? DEFAULT_MAX_UNAUTHENTICATED_BYTES],
  ] as const;
  for (const [name, budget] of budgets)
    if (budget < maxBodyBytes)
      problems.push({
        path: `/server/${name}`,
        message: `${budget} is below maxBodyBytes (${maxBodyBytes}): a body that size could never be received; raise it or lower maxBodyBytes`,
      });
  (settings.trustProxy ?? []).forEach((entry, i) => {
    try {
      proxyAddr.compile(entry);
    } catch {
      problems.push({
        path: `/server/trustProxy/${i}`,
        message: `expected an IP address, a CIDR range or loopback, linklocal, uniquelocal; received "${entry}"`,
      });
    }
  });
  return problems;
}

export interface Limits {
  /** Counts and caps the connections of each source address on `server`. */
  guard(server: Server): void;
  /** The budget of a request's unverified body (createNodeMiddleware's bodyBudget). */
  bodyBudget(req: IncomingMessage): BodyBudget;
  /** The sender of a request: the peer, or behind a trusted proxy the address it forwarded for. */
  clientAddress(req: IncomingMessage): string;
  /** Logs what is still unreported and stops the report timer. */
  close(): void;
}

/** The limits of checked settings (limitProblems found none). */
export function createLimits(settings: LimitSettings, registry: Registry, logger: Logger): Limits {
  // One address may hold a quarter of all connections (256 of the default 1024): room for a provider's
  // burst from one address, while a single host cannot take the rest.
  const maxConnections = settings.maxConnectionsPerAddress ?? Math.max(1, Math.floor((settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS) / 4));
  const maxPerAddress = settings.maxUnauthenticatedBytesPerAddress ?? DEFAULT_MAX_UNAUTHENTICATED_BYTES_PER_ADDRESS;
  const maxTotal = settings.maxUnauthenticatedBytes ?? DEFAULT_MAX_UNAUTHENTICATED_BYTES;
  const trusted: (address: string, hop: number) => boolean = settings.trustProxy ? proxyAddr.compile(settings.trustProxy) : () => false;

  const connections = new Map<string, number>();
  const held = new Map<string, number>();
  let heldInAll = 0;
  // Each request's budget is counted by its address's key: parsed once per address, not per request (a
  // parse is about 2% of a request's CPU under load). Bounded: a flood of addresses empties it.
  const keys = new Map<string, string>();
  const keyOf = (address: string) => {
    let key = keys.get(address);
    if (key === undefined) {
      if (keys.size >= 4096) keys.clear();
      keys.set(address, (key = addressKey(address)));
    }
    return key;
  };

  const refusedTotal = new Counter({
    name: "webhook_contracts_refused_total",
    help: "Connections and requests refused by the per-address and total limits (answered 503 with Retry-After, closed), by limit.",
    labelNames: ["limit"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "webhook_contracts_unauthenticated_bytes",
    help: "Bytes of request bodies held before their signature is checked (what strangers can make the gateway buffer).",
    registers: [registry],
    collect() {
      this.set(heldInAll);
    },
  });

  // One log line when refusals start, then at most one summary every 10 s while they go on: an attack
  // must not turn into a flood of log lines. The counter above has every one.
  const unreported = new Map<Refusal, { count: number; addresses: Set<string> }>();
  let reportTimer: NodeJS.Timeout | undefined;
  const report = () => {
    if (unreported.size === 0) {
      reportTimer = undefined;
      return;
    }
    const refused = Object.fromEntries([...unreported].map(([limit, { count, addresses }]) => [limit, { count, addresses: [...addresses].slice(0, 10) }]));
    unreported.clear();
    logger.warn({ refused }, "refused by the limits (503, closed)");
    reportTimer = setTimeout(report, 10_000).unref();
  };
  function refuse(limit: Refusal, address: string): Answer {
    refusedTotal.inc({ limit });
    const entry = unreported.get(limit) ?? { count: 0, addresses: new Set<string>() };
    entry.count++;
    if (entry.addresses.size < 10) entry.addresses.add(address);
    unreported.set(limit, entry);
    if (!reportTimer) report();
    return busy(limit);
  }

  const clientAddress = (req: IncomingMessage) => (settings.trustProxy ? proxyAddr(req, trusted) : (req.socket.remoteAddress ?? "unknown"));

  const refusedConnections = new WeakSet<Socket>();
  const closing = (answer: Answer) =>
    `HTTP/1.1 ${answer.status} Service Unavailable\r\ncontent-type: application/json\r\nretry-after: ${answer.headers!["retry-after"]}\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(JSON.stringify(answer.body))}\r\n\r\n${JSON.stringify(answer.body)}`;

  const limits: Limits = {
    guard(server) {
      server.on("connection", (socket: Socket) => {
        const peer = socket.remoteAddress;
        // A trusted proxy carries many senders' connections: they are counted by request, behind it.
        if (!peer || trusted(peer, 0)) return;
        const key = keyOf(peer);
        const open = (connections.get(key) ?? 0) + 1;
        if (open > maxConnections) {
          refusedConnections.add(socket);
          // Answered before its request is read, then closed once the answer is out: it holds nothing.
          socket.end(closing(refuse("connections_per_address", key)), () => socket.destroy());
          return;
        }
        connections.set(key, open);
        socket.once("close", () => {
          const left = (connections.get(key) ?? 1) - 1;
          if (left > 0) connections.set(key, left);
          else connections.delete(key);
        });
      });
      // A request that came on a refused connection before it closed is not served.
      server.prependListener("request", (req: IncomingMessage) => {
        if (refusedConnections.has(req.socket)) req.socket.destroy();
      });
    },
    bodyBudget(req) {
      const key = keyOf(clientAddress(req));
      let taken = 0;
      return {
        take(bytes) {
          const mine = held.get(key) ?? 0;
          if (mine + bytes > maxPerAddress) return refuse("unauthenticated_bytes_per_address", key);
          if (heldInAll + bytes > maxTotal) return refuse("unauthenticated_bytes", key);
          held.set(key, mine + bytes);
          heldInAll += bytes;
          taken += bytes;
          return undefined;
        },
        release() {
          if (taken === 0) return;
          const left = (held.get(key) ?? taken) - taken;
          if (left > 0) held.set(key, left);
          else held.delete(key);
          heldInAll -= taken;
          taken = 0;
        },
      };
    },
    clientAddress,
    close() {
      clearTimeout(reportTimer);
      if (unreported.size > 0) report();
      clearTimeout(reportTimer);
    },
  };
  return limits;
}
