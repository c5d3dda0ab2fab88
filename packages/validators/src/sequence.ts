/**
 * checkSequence: do the deliveries of one order, in the order they arrived, make sense? Providers retry
 * and deliver out of order, so this reports duplicates, deliveries that arrived after a newer one (by the
 * payload's own timestamp), illegal jumps between statuses, and deliveries that must be missing.
 */
import { type ValidationIssue, valueAt } from "./issues.js";
import { type Lifecycle, type ProviderValidator, impossibleTransition, notCheckedReason, successorsOf } from "./runtime.js";

/**
 * - `illegal-transition`: a transition the provider documents as impossible;
 * - `unlisted-transition`: one the lifecycle table does not list (the table may lack a flow the provider
 *   added, or a status may be new), which tolerant mode accepts with a warning: worth a look, not proof.
 */
export type SequenceFindingKind = "invalid" | "duplicate" | "out-of-order" | "illegal-transition" | "unlisted-transition" | "missing-delivery";

export interface SequenceFinding {
  kind: SequenceFindingKind;
  /** Position of the delivery in the input (0-based). */
  index: number;
  /** The earlier delivery it is compared with (the original of a duplicate, the newer one it arrived after). */
  otherIndex?: number;
  /** The order it is about (the lifecycle's subject), when known. */
  subject?: string;
  message: string;
  /** For `invalid`: the validation errors. */
  errors?: ValidationIssue[];
}

export interface SequenceReport {
  ok: boolean;
  provider: string;
  deliveries: number;
  /** The orders the deliveries are about, in order of first arrival. */
  subjects: string[];
  findings: SequenceFinding[];
}

interface Step {
  index: number;
  /** The lifecycle the delivery's message is in. */
  lifecycle: Lifecycle;
  subject: string;
  status: string;
  previous?: string | null;
  time?: number;
}

const q = (value: unknown) => JSON.stringify(value);

// Structural: the report never depends on the provider's payload types.
type AnyProviderValidator = Pick<
  ProviderValidator<string, Record<string, unknown>>,
  "provider" | "title" | "discriminator" | "lifecycles" | "deliveryKey" | "deliveryKeyOf" | "validate"
>;

export function checkDeliverySequence(validator: AnyProviderValidator, deliveries: readonly unknown[]): SequenceReport {
  const { provider, lifecycles } = validator;
  const findings: SequenceFinding[] = [];
  const firstByKey = new Map<string, number>();
  const steps: Step[] = [];
  deliveries.forEach((body, index) => {
    const result = validator.validate(body);
    // An illegal previousStatus -> status is a finding about the sequence; the delivery still takes part.
    const errors = result.ok ? [] : result.errors;
    const transitionOnly = errors.length > 0 && errors.every((e) => e.keyword === "transition");
    const unlisted = result.warnings.find((w) => w.keyword === "transition");
    if (!result.ok && !transitionOnly) {
      findings.push({
        kind: "invalid",
        index,
        message: `not a valid ${validator.title} payload: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}`,
        errors,
      });
      return;
    }
    const key = validator.deliveryKeyOf(body) ?? `#${index}`;
    const original = firstByKey.get(key);
    if (original !== undefined) {
      findings.push({
        kind: "duplicate",
        index,
        otherIndex: original,
        message: `a duplicate of delivery #${original + 1} (same ${validator.deliveryKey.join(" + ")}): handle it once`,
      });
      return;
    }
    firstByKey.set(key, index);
    // A status the provider added (Amplia Reg, Scalapay: the status names the message) is a step too, so
    // that the delivery after it is not taken for one that follows a missing delivery. Each delivery is
    // a step of the lifecycle its message is in (Ivy's orders, payouts, returns, ... each have their own).
    const byStatus = result.ok && result.message === undefined ? lifecycles.find((l) => validator.discriminator === l.status) : undefined;
    const unknownStatus = byStatus !== undefined;
    const lifecycle = byStatus ?? (result.message === undefined ? undefined : lifecycles.find((l) => l.messages.includes(result.message!)));
    if (!lifecycle) return;
    // A payload with no status (or no subject) where the lifecycle reads it is not a step of it: a message
    // may have shapes without one (Ivy's older service API payloads: if/then/else on api_version).
    const rawSubject = valueAt(body, lifecycle.subject);
    const rawStatus = valueAt(body, lifecycle.status);
    if (rawSubject === undefined || rawSubject === null || rawStatus === undefined || rawStatus === null) return;
    const subject = String(rawSubject);
    const step: Step = { index, lifecycle, subject, status: String(rawStatus) };
    if (lifecycle.previousStatus) step.previous = valueAt(body, lifecycle.previousStatus) as string | null;
    if (lifecycle.timestamp) {
      // Nor is a payload without the timestamp out of order: it is placed by arrival.
      const time = Date.parse(String(valueAt(body, lifecycle.timestamp)));
      if (!Number.isNaN(time)) step.time = time;
    }
    if (transitionOnly) findings.push({ kind: "illegal-transition", index, subject, message: errors[0]!.message });
    else if (unlisted) findings.push({ kind: "unlisted-transition", index, subject, message: unlisted.message });
    else if (unknownStatus && step.previous !== undefined) {
      findings.push({
        kind: "unlisted-transition",
        index,
        subject,
        message: `${q(step.previous)} -> ${q(step.status)} not checked: ${notChecked(lifecycle, [step.status])}`,
      });
    }
    steps.push(step);
  });

  const subjects = [...new Set(steps.map((s) => s.subject))];
  // One order (payout, return, ...) at a time: the same id in two lifecycles is two things.
  for (const lifecycle of lifecycles)
    for (const subject of subjects) {
      const mine = steps.filter((s) => s.lifecycle === lifecycle && s.subject === subject);
      if (mine.length > 0) checkOrder(lifecycle, mine, findings);
    }
  findings.sort((a, b) => a.index - b.index);
  return { ok: findings.length === 0, provider, deliveries: deliveries.length, subjects, findings };
}

function checkOrder(lifecycle: Lifecycle, arrived: Step[], findings: SequenceFinding[]): void {
  // Out of order: a delivery whose timestamp is older than one that arrived before it.
  let newest: Step | undefined;
  for (const step of arrived) {
    if (step.time === undefined) continue;
    if (newest?.time !== undefined && step.time < newest.time) {
      findings.push({
        kind: "out-of-order",
        index: step.index,
        otherIndex: newest.index,
        subject: step.subject,
        message: `${q(step.status)} happened before ${q(newest.status)} (delivery #${newest.index + 1}) but arrived after it`,
      });
    } else newest = step;
  }
  // Transitions in the order things happened: by timestamp where the payload has one, else by arrival.
  const happened =
    lifecycle.timestamp && arrived.every((s) => s.time !== undefined) ? [...arrived].sort((a, b) => a.time! - b.time! || a.index - b.index) : arrived;
  for (let i = 1; i < happened.length; i++) {
    const before = happened[i - 1]!;
    const after = happened[i]!;
    if (after.previous !== undefined) {
      // The delivery names the status it left: anything else in between was never delivered.
      if (after.previous !== before.status) {
        findings.push({
          kind: "missing-delivery",
          index: after.index,
          otherIndex: before.index,
          subject: after.subject,
          message: `${q(after.previous)} -> ${q(after.status)} follows ${q(before.status)} (delivery #${before.index + 1}): the delivery of ${q(before.status)} -> ${q(after.previous)} is missing`,
        });
      }
      continue;
    }
    if (after.status === before.status) continue;
    const legal = successorsOf(lifecycle, before.status);
    if (!legal.includes(after.status)) {
      const hint = lifecycle.timestamp ? "" : " (these payloads carry no timestamp: a delivery that arrived out of order looks like this)";
      const ruledOut = impossibleTransition(lifecycle, before.status, after.status);
      const known = Object.hasOwn(lifecycle.successors, before.status) && Object.hasOwn(lifecycle.successors, after.status);
      const jump = `${q(before.status)} (delivery #${before.index + 1}) -> ${q(after.status)}`;
      findings.push({
        kind: ruledOut ? "illegal-transition" : "unlisted-transition",
        index: after.index,
        otherIndex: before.index,
        subject: after.subject,
        message: ruledOut
          ? `${jump} cannot happen in the ${lifecycle.title} lifecycle (${ruledOut.source})${hint}`
          : !known
            ? `${jump} not checked: ${notChecked(
                lifecycle,
                [before.status, after.status].filter((s) => !Object.hasOwn(lifecycle.successors, s)),
              )}`
            : `${jump} is not a transition the ${lifecycle.title} lifecycle lists; after ${q(before.status)} it lists ${legal.length ? legal.map(q).join(", ") : "nothing (final in the table)"}${hint}`,
      });
    }
  }
}

/** "a status the … lifecycle does not know", or, for one it lists as unplaced, that no source places it. */
function notChecked(lifecycle: Lifecycle, statuses: readonly string[]): string {
  const unplaced = statuses.length > 0 && statuses.every((s) => lifecycle.unplaced.some((u) => u.status === s));
  return unplaced ? notCheckedReason(lifecycle, statuses) : `a status the ${lifecycle.title} lifecycle does not know`;
}
