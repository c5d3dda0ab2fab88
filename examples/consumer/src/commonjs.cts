// A CommonJS consumer: require() resolves the package's "require" condition and the same types.
import validators = require("@webhook-contracts/validators/ivy");

function isPaid(body: unknown): boolean {
  const result = validators.validateIvyWebhook(body);
  return result.ok && result.message === "order_updated" && result.value.payload.status === "paid";
}

export = { isPaid };
