/**
 * `webhook-contracts serve` and `worker`: a receiver (and its worker) from a configuration file, on Node's
 * http server with the limits a public endpoint needs (408 for slow headers and bodies, a connection cap),
 * forwarding each valid delivery to an internal URL signed with Standard Webhooks, one structured log line
 * per request (pino), /healthz, /readyz (the store answers) and /metrics (Prometheus), the last two on
 * an admin port or behind a token if asked (admin.ts), and per-address limits (limits.ts). SIGTERM drains:
 * no new connections, the requests in hand answered, the handling in hand finished, leases given back.
 */
import { type RequestListener, type Server, createServer } from "node:http";
import { type ConfigProblem, type Receiver, type ReceiverConfig, ReceiverConfigError, createReceiver, withoutUserinfo } from "@webhook-contracts/receiver";
import { readSecret, receiverSettings, storeFromConfig } from "@webhook-contracts/receiver/config";
import { createNodeMiddleware } from "@webhook-contracts/receiver/node";
import { type DestinationStream, pino } from "pino";
import { adminRoutes } from "./admin.js";
import { DEFAULT_MAX_CONNECTIONS, createLimits } from "./limits.js";
import { createMetrics } from "./metrics.js";

export interface GatewayOptions {
  config: ReceiverConfig;
  /** Serve HTTP (the webhook endpoints, health and metrics) on this port; none for a worker without one. */
  listen?: { port: number; host: string };
  /** Serve /readyz and /metrics (and /healthz) on this port instead (default: config.server.admin, if any). */
  admin?: { port: number; host: string };
  /** Run the worker in this process (default: when there is something to do, a forward target). */
  worker?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where the log lines go (default standard output). */
  log?: DestinationStream;
}

export interface Gateway {
  receiver: Receiver;
  /** The base URL it listens on, when it serves HTTP. */
  url?: string;
  /** The base URL of its admin port, when it has one. */
  adminUrl?: string;
  /** Drains and stops; resolves when everything in hand is finished or handed back. */
  close(): Promise<void>;
}

function closingOnThrow<A, T>(store: { close(): Promise<void> }, make: (options: A) => T, options: A): T {
  try {
    return make(options);
  } catch (error) {
    void store.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Standard output, written once per turn of the event loop: the lines of the requests answered in a turn
 * go out together at its end (none waits longer), or sooner when 8 KiB gather. One write per line, even
 * an asynchronous one (a thread-pool job each), cost serve about 8% of its time under load.
 */
function linesPerTurn(): DestinationStream & { flush(cb?: (error?: Error) => void): void } {
  // sonic-boom's own buffering would fsync the file at each flush: the lines are gathered here instead.
  const out = pino.destination({ dest: 1, sync: true });
  let pending = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const lines = pending;
    pending = "";
    if (lines) out.write(lines);
  };
  return {
    write(line: string) {
      pending += line;
      if (pending.length >= 8192) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush(cb) {
      flush();
      cb?.();
    },
  };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, env = process.env } = options;
  const logger = pino({ level: config.log?.level ?? "info", base: { service: "webhook-contracts" } }, options.log ?? linesPerTurn());
  const problems: ConfigProblem[] = [];
  const adminToken = config.server?.adminToken ? readSecret(config.server.adminToken, "/server/adminToken", env, problems) : undefined;
  const store = await storeFromConfig(config, env);
  const metrics = createMetrics(store);
  const limits = createLimits(config.server ?? {}, metrics.registry, logger);
  if (problems.length > 0) {
    await store.close().catch(() => undefined);
    throw new ReceiverConfigError(problems);
  }
  const runWorker = options.worker ?? Boolean(config.forward);
  // A receiver that cannot be made must not leave the store open (its thread kept the process alive).
  const receiver = closingOnThrow(store, createReceiver, {
    ...receiverSettings(config, env),
    store,
    worker: runWorker ? (typeof config.worker === "object" ? config.worker : {}) : false,
    onEvent(event) {
      metrics.onEvent(event);
      if (event.type === "request") {
        const { type: _type, ...fields } = event;
        logger[event.status >= 500 ? "error" : event.status >= 400 ? "warn" : "info"](fields, "request");
      } else if (event.type === "attempt") {
        const { type: _type, ...fields } = event;
        logger[event.outcome === "handled" ? "info" : "warn"](fields, "attempt");
      } else logger.error({ where: event.where, err: event.message }, "error");
    },
  });
  try {
    await receiver.start();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new ReceiverConfigError([{ path: "/store", message: `the store cannot be opened: ${(error as Error).message}` }]);
  }
  if (!runWorker)
    logger.warn(
      config.forward
        ? `no worker in this process (--no-worker): deliveries are stored as queued, and a worker elsewhere forwards them (webhook-contracts worker --config FILE); this process does not forward to ${config.forward.url}`
        : "no forward target and no worker: deliveries are stored as queued for a worker elsewhere (webhook-contracts worker --forward-to URL)",
    );

  const servers: Server[] = [];
  let draining = false;
  const headersTimeout = config.server?.headersTimeoutMs ?? 10_000;
  const serverOptions = {
    headersTimeout,
    // Node's own cap on a whole request; the receiver's body timer answers 408 first.
    requestTimeout: headersTimeout + receiver.bodyTimeoutMs + 1000,
    keepAliveTimeout: config.server?.keepAliveTimeoutMs ?? 5000,
    // How often Node looks for connections past their time (its default, 30 s, would let them linger).
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  };
  /** Listens (the base URL), or stops everything and says why not. */
  const serve = async (where: { port: number; host: string }, handler: RequestListener): Promise<{ server: Server; url: string }> => {
    const server = createServer(serverOptions, handler);
    server.maxConnections = config.server?.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    limits.guard(server);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(where.port, where.host, () => {
        server.off("error", reject);
        resolve();
      });
    }).catch(async (error: NodeJS.ErrnoException) => {
      for (const s of servers) s.close();
      limits.close();
      await receiver.stop(0);
      await store.close();
      const at = `${where.host}:${where.port}`;
      throw new ReceiverConfigError([{ path: "", message: error.code === "EADDRINUSE" ? `port ${at} is in use` : `cannot listen on ${at}: ${error.message}` }]);
    });
    const address = server.address();
    return { server, url: `http://${where.host}:${typeof address === "object" && address ? address.port : where.port}` };
  };

  const admin = options.admin ?? (config.server?.admin ? { host: "127.0.0.1", ...config.server.admin } : undefined);
  const routes = (operations: boolean) =>
    adminRoutes({ store, registry: metrics.registry, draining: () => draining, operations, ...(adminToken ? { token: adminToken } : {}) });
  let url: string | undefined;
  let adminUrl: string | undefined;
  if (options.listen) {
    const middleware = createNodeMiddleware(receiver, { bodyBudget: limits.bodyBudget });
    const ops = routes(!admin);
    url = (await serve(options.listen, (req, res) => ops(req, res) || middleware(req, res))).url;
  }
  if (admin) {
    const ops = routes(true);
    adminUrl = (
      await serve(admin, (req, res) => {
        if (!ops(req, res))
          res
            .writeHead(404, { "content-type": "application/json" })
            .end('{"error":"not_found","message":"the admin port serves /healthz, /readyz and /metrics"}');
      })
    ).url;
  }
  // The forward target is named only where this process forwards to it.
  const where = {
    ...(adminUrl ? { admin: adminUrl } : {}),
    forward: runWorker && config.forward ? withoutUserinfo(config.forward.url) : null,
    worker: runWorker,
  };
  if (url) logger.info({ url, providers: receiver.providers, ...where }, "listening");
  else logger.info({ ...where, owner: receiver.worker.owner }, "working");

  let closing: Promise<void> | undefined;
  return {
    receiver,
    ...(url ? { url } : {}),
    ...(adminUrl ? { adminUrl } : {}),
    close() {
      closing ??= (async () => {
        draining = true;
        logger.info({ inFlight: receiver.worker.inFlight }, "draining");
        await Promise.all(
          servers.map((server) => {
            const closed = new Promise<void>((resolve) => server.close(() => resolve()));
            server.closeIdleConnections();
            return closed;
          }),
        );
        limits.close();
        await receiver.stop();
        await store.close();
        logger.info("stopped");
        logger.flush();
      })();
      return closing;
    },
  };
}
