/**
 * `webhook-contracts serve` and `worker`: a receiver (and its worker) from a configuration file, on Node's
 * http server with the limits a public endpoint needs (408 for slow headers and bodies, a connection cap),
 * forwarding each valid delivery to an internal URL signed with Standard Webhooks, one structured log line
 * per request (pino), /healthz, /readyz (the store answers) and /metrics (Prometheus). SIGTERM drains:
 * no new connections, the requests in hand answered, the handling in hand finished, leases given back.
 */
import { type Server, createServer } from "node:http";
import { type Receiver, type ReceiverConfig, ReceiverConfigError, createReceiver } from "@webhook-contracts/receiver";
import { receiverSettings, storeFromConfig } from "@webhook-contracts/receiver/config";
import { createNodeMiddleware } from "@webhook-contracts/receiver/node";
import { type DestinationStream, pino } from "pino";
import { createMetrics } from "./metrics.js";

export interface GatewayOptions {
  config: ReceiverConfig;
  /** Serve HTTP (the webhook endpoints, health and metrics) on this port; none for a worker without one. */
  listen?: { port: number; host: string };
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
  /** Drains and stops; resolves when everything in hand is finished or handed back. */
  close(): Promise<void>;
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
  const store = await storeFromConfig(config, env);
  const metrics = createMetrics(store);
  const runWorker = options.worker ?? Boolean(config.forward);
  const receiver = createReceiver({
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
    logger.warn("no forward target and no worker: deliveries are stored as queued for a worker elsewhere (webhook-contracts worker --forward-to URL)");

  let server: Server | undefined;
  let url: string | undefined;
  let draining = false;
  if (options.listen) {
    const headersTimeout = config.server?.headersTimeoutMs ?? 10_000;
    const middleware = createNodeMiddleware(receiver);
    server = createServer(
      {
        headersTimeout,
        // Node's own cap on a whole request; the receiver's body timer answers 408 first.
        requestTimeout: headersTimeout + receiver.bodyTimeoutMs + 1000,
        keepAliveTimeout: config.server?.keepAliveTimeoutMs ?? 5000,
        // How often Node looks for connections past their time (its default, 30 s, would let them linger).
        connectionsCheckingInterval: Math.min(1000, headersTimeout),
      },
      (req, res) => {
        const path = (req.url ?? "/").split("?")[0];
        if (req.method === "GET" && path === "/healthz") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
        if (req.method === "GET" && path === "/readyz") {
          if (draining) return void res.writeHead(503, { "content-type": "application/json" }).end('{"status":"draining"}');
          store.ping().then(
            () => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ready"}'),
            (error: unknown) =>
              res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: "unavailable", message: (error as Error).message })),
          );
          return;
        }
        if (req.method === "GET" && path === "/metrics") {
          metrics.registry.metrics().then((text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text));
          return;
        }
        middleware(req, res);
      },
    );
    server.maxConnections = config.server?.maxConnections ?? 1024;
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(options.listen!.port, options.listen!.host, () => {
        listening.off("error", reject);
        resolve();
      });
    }).catch(async (error: NodeJS.ErrnoException) => {
      await receiver.stop(0);
      await store.close();
      const where = `${options.listen!.host}:${options.listen!.port}`;
      throw new ReceiverConfigError([
        { path: "", message: error.code === "EADDRINUSE" ? `port ${where} is in use` : `cannot listen on ${where}: ${error.message}` },
      ]);
    });
    const address = server.address();
    url = `http://${options.listen.host}:${typeof address === "object" && address ? address.port : options.listen.port}`;
    logger.info({ url, providers: receiver.providers, forward: config.forward?.url ?? null, worker: runWorker }, "listening");
  } else {
    logger.info({ forward: config.forward?.url ?? null, owner: receiver.worker.owner }, "working");
  }

  let closing: Promise<void> | undefined;
  return {
    receiver,
    ...(url ? { url } : {}),
    close() {
      closing ??= (async () => {
        draining = true;
        logger.info({ inFlight: receiver.worker.inFlight }, "draining");
        if (server) {
          const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          await closed;
        }
        await receiver.stop();
        await store.close();
        logger.info("stopped");
        logger.flush();
      })();
      return closing;
    },
  };
}
