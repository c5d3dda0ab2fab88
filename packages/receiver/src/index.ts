export { type AmpliaRegAuth, type IvyAuth, type ProvidersConfig, type RetornaAuth, type ScalapayAuth, authenticate, safeEqual, signedHeaders } from "./auth.js";
export { type JsonParseResult, type JsonSyntaxError, parseJson } from "./json.js";
export { type Answer, type HandlerContext, type RawRequest, type Receiver, type ReceiverOptions, DEFAULT_MAX_BODY_BYTES, createReceiver } from "./receiver.js";
export type { Delivery, DeliveryStatus, InboxStore, NewDelivery } from "./store.js";
export { sqliteStore } from "./sqlite-store.js";
export { postgresStore } from "./postgres-store.js";
export { type ReceiverConfig, loadConfig, storeFromConfig } from "./config.js";
