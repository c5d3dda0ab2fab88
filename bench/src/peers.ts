/**
 * What our validators are compared with, in the same process: Ajv compiled at run time from the same
 * schema files (its defaults and ajv-formats' full formats, as a team would set it up), a zod v4 schema
 * written by hand for the Ivy order, and a check of the Amplia Reg message written by hand (the floor);
 * only as peers: our contracts never come from them.
 */
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { loadSchemaFiles } from "@webhook-contracts/contracts";
import { lifecycles } from "@webhook-contracts/validators";
import { dateTime as isDateTime, localDateTime, uuid } from "@webhook-contracts/validators/formats";
import { z } from "zod";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** A validator per schema $id, compiled now: Ajv's defaults, strict off so that our x- keywords pass. */
export async function runtimeAjv(): Promise<(schemaId: string) => (data: unknown) => boolean> {
  const ajv = new Ajv({ strict: false, allowUnionTypes: true });
  addFormats(ajv);
  // ajv-formats has no local-date-time (our format for Amplia Reg's birth dates): give it ours.
  ajv.addFormat("local-date-time", localDateTime);
  for (const schema of (await loadSchemaFiles()).values()) ajv.addSchema(schema as object);
  return (schemaId) => {
    const validate = ajv.getSchema(schemaId);
    if (!validate) throw new Error(`no schema ${schemaId}`);
    return (data) => validate(data) as boolean;
  };
}

const currency = z.string().regex(/^[A-Z]{3}$/);
const account = (bic: boolean) => z.object({ accountHolderName: z.string(), iban: z.string(), ...(bic ? { bic: z.string().optional() } : {}) });
const financialAddress = z.object({
  type: z.enum(["iban", "sort_code", "bank_code", "bban"]),
  iban: account(true).optional(),
  sortCode: z.object({ accountHolderName: z.string(), sortCode: z.string(), accountNumber: z.string() }).optional(),
  bankCode: z.object({ accountHolderName: z.string(), code: z.string(), accountNumber: z.string() }).optional(),
  bban: z.object({ accountHolderName: z.string(), bban: z.string(), bic: z.string().optional() }).optional(),
  paymentReference: z.string().optional(),
});
const address = z.object({
  firstName: z.string(),
  lastName: z.string(),
  line1: z.string(),
  line2: z.string(),
  region: z.string(),
  city: z.string(),
  zipCode: z.string(),
  country: z.string().length(2),
});
const orderStatus = z.enum([
  "failed",
  "canceled",
  "processing",
  "waiting_for_payment",
  "paid",
  "in_refund",
  "refunded",
  "refund_failed",
  "partially_refunded",
  "in_dispute",
  "disputed",
  "refused",
  "finalizing",
]);
const dateTime = z.iso.datetime({ offset: true });

/** The Ivy order_updated event in zod v4 (object schemas strip unknown keys, like our tolerant mode). */
export const zodIvyOrderUpdated = z.object({
  id: z.string().min(1),
  type: z.literal("order_updated"),
  date: dateTime,
  payload: z.object({
    id: z.string(),
    merchantId: z.string(),
    appId: z.string(),
    merchantAppId: z.string(),
    shopName: z.string(),
    referenceId: z.string(),
    displayId: z.string().optional(),
    transactionId: z.string().optional(),
    customerId: z.string().optional(),
    bankId: z.string().optional(),
    payerFinancialAddress: financialAddress.optional(),
    merchantFinancialAddress: financialAddress.optional(),
    destination: z.object({ bankAccount: financialAddress, bankStatementReference: z.string() }).optional(),
    bankStatementReference: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    category: z.string().optional(),
    co2Grams: z.number().optional(),
    trees: z.number().optional(),
    applicationFeeAmount: z.number(),
    price: z.object({
      total: z.number(),
      currency,
      subTotal: z.number().optional(),
      shipping: z.number().optional(),
      totalNet: z.number().optional(),
      vat: z.number().optional(),
    }),
    lineItems: z
      .array(
        z.object({
          name: z.string(),
          amount: z.number(),
          singleNet: z.number(),
          singleVat: z.number(),
          quantity: z.number().optional(),
          referenceId: z.string().optional(),
          image: z.string().optional(),
          category: z.string().optional(),
          EAN: z.string().optional(),
          co2Grams: z.number().optional(),
        }),
      )
      .optional(),
    guest: z.boolean().optional(),
    climateActionMode: z.object({ type: z.enum(["transaction", "amount"]), amount: z.number() }).optional(),
    impactOffsetProjects: z.array(z.unknown()).optional(),
    billingAddress: address.optional(),
    shippingAddress: address.optional(),
    status: orderStatus,
    paymentStatus: z
      .enum([
        "not_settled",
        "failed",
        "canceled",
        "processing",
        "requires_action",
        "succeeded",
        "in_refund",
        "refunded",
        "refund_failed",
        "partially_refunded",
        "disputed",
      ])
      .optional(),
    refunds: z
      .array(
        z.object({
          id: z.string(),
          amount: z.number(),
          referenceId: z.string(),
          status: z.enum(["pending", "succeeded", "failed", "requires_action", "partially_refunded"]),
          createdAt: dateTime,
          updatedAt: dateTime,
        }),
      )
      .optional(),
    refundAmount: z.number().optional(),
    createdAt: dateTime,
    updatedAt: dateTime,
    shopperEmail: z.email().optional(),
    shopper: z.object({ email: z.email().optional(), phoneNumber: z.string().optional() }).optional(),
    paymentMethodType: z.enum(["sepa_debit", "customer_balance", "manual_bank_transfer"]).optional(),
    paymentMode: z.enum(["direct", "settlement"]).optional(),
    setupPaymentMandate: z.boolean().optional(),
    statusHistoryList: z
      .array(
        z.object({
          previousStatus: orderStatus.nullable().optional(),
          currentStatus: orderStatus,
          reason: z.string(),
          createdAt: dateTime,
          updatedAt: dateTime,
        }),
      )
      .optional(),
    instantPaymentScheme: z.boolean(),
  }),
});

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
