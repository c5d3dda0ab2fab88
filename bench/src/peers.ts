/**
 * The floor our validators are compared with: the Amplia Reg message checked by hand. The peers made from
 * the schemas (Ajv, schemasafe, typebox, zod, typia) are in schema-peers.ts; our contracts never come
 * from either.
 */
import { lifecycles } from "@webhook-contracts/validators";
import { dateTime as isDateTime, localDateTime, uuid } from "@webhook-contracts/validators/formats";

// The statuses come from the lifecycle generated from the schemas; only the check itself is by hand.
const ampliaLifecycle = lifecycles["amplia-reg"]!;
const AMPLIA_STATUSES = new Set(Object.keys(ampliaLifecycle.successors));
const digitsAt = (s: string, from: number, to: number) => {
  for (let i = from; i < to; i++) if ((s.charCodeAt(i) - 48) >>> 0 > 9) return false;
  return true;
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const keyCount = (o: object) => {
  let n = 0;
  for (const _ in o) n++;
  return n;
};
function ampliaAgent(a: unknown): boolean {
  if (a === null) return true;
  if (!isObject(a) || keyCount(a) !== 4) return false;
  const { id, name, identifier, birthDate } = a;
  return (
    typeof id === "string" &&
    uuid(id) &&
    typeof name === "string" &&
    name.length >= 1 &&
    typeof identifier === "string" &&
    identifier.length === 11 &&
    digitsAt(identifier, 0, 11) &&
    typeof birthDate === "string" &&
    localDateTime(birthDate)
  );
}

/**
 * The floor for Amplia Reg: its one message checked by hand, field by field, with the same format checks,
 * closed objects and lifecycle as our strict validator, and none of the work of reporting errors. No
 * generated validator can beat this; `pnpm bench` shows how close ours comes and what the floor is.
 */
export function handWrittenAmpliaOrderStatusChanged(body: unknown): boolean {
  if (!isObject(body) || keyCount(body) !== 2 || body.type !== "OrderStatusChanged") return false;
  const t = body.orderStatusTransitionModel;
  if (!isObject(t) || keyCount(t) !== 8) return false;
  const { orderId, orderNumber, orderSaleNumber, previousStatus, status, date } = t;
  if (typeof orderId !== "string" || !uuid(orderId)) return false;
  if (
    typeof orderNumber !== "string" ||
    orderNumber.length !== 11 ||
    !digitsAt(orderNumber, 0, 3) ||
    orderNumber.charCodeAt(3) !== 45 ||
    !digitsAt(orderNumber, 4, 7) ||
    orderNumber.charCodeAt(7) !== 45 ||
    !digitsAt(orderNumber, 8, 11)
  )
    return false;
  if (orderSaleNumber !== null && typeof orderSaleNumber !== "string") return false;
  if (typeof status !== "string" || !AMPLIA_STATUSES.has(status)) return false;
  if (previousStatus !== null && (typeof previousStatus !== "string" || !AMPLIA_STATUSES.has(previousStatus))) return false;
  if (typeof date !== "string" || !isDateTime(date)) return false;
  if (!ampliaAgent(t.validationAgent) || !ampliaAgent(t.confirmationAgent)) return false;
  const legal = previousStatus === null ? ampliaLifecycle.initial : ampliaLifecycle.successors[previousStatus as string];
  return legal !== undefined && legal.includes(status);
}
