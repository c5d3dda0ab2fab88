/**
 * The thread the SQLite inbox runs on in sqliteStore(file, { thread: true }) (started by sqlite.ts). It
 * takes every request waiting on its port at once and runs them as one batch (sqlite-batch.ts); replies
 * go back in one message per turn (or per finished sync), rows in them packed to be transferred.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { type EngineOp, openEngine } from "./sqlite-engine.js";
import type { DeliveryRow } from "../core/store.js";
import { batchRunner } from "./sqlite-batch.js";
import { type Reply, type Request as AnyRequest, packRows, transferred } from "./sqlite-protocol.js";

type Request = AnyRequest<EngineOp>;

const port = parentPort!;
const engine = openEngine((workerData as { file: string }).file);

let outbox: Reply[] = [];
const runBatch = batchRunner(
  engine,
  {
    one(r) {
      if (outbox.push(r) === 1)
        setImmediate(() => {
          const sent = outbox;
          outbox = [];
          port.postMessage(sent, transferred(sent));
        });
    },
    all: (replies) => port.postMessage(replies),
    closed(r) {
      port.postMessage([r]);
      port.close();
    },
  },
  (op, value) => (op === "claim" || op === "list" ? packRows(value as DeliveryRow[]) : op === "get" ? packRows(value ? [value as DeliveryRow] : []) : value),
);

port.on("message", (first: Request[]) => {
  const requests = [...first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) requests.push(...(next.message as Request[]));
  runBatch(requests);
});
