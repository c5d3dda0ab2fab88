/**
 * What every generated provider entry point is built from: pick the message by its discriminator, run the
 * validator Ajv compiled at build time, and sort what it found into errors and warnings by mode.
 * Nothing here compiles a schema; importing it does no work.
 */
import { type RawError, type ValidationIssue, collapseAlternatives, describe, pointerReader, preview, tolerableKeywords } from "./issues.js";
import { type StandardProps, standardProps } from "./standard-schema.js";

export type { ValidationIssue } from "./issues.js";
export type { StandardProps, StandardSchemaV1 } from "./standard-schema.js";

/**
 * - `tolerant` (default, for production): what the evidence does not settle is a warning: an unknown
 *   property, an unlisted value of an open list (a status, a code, a currency), a message whose
 *   discriminator we do not know (checked against what the provider's messages share), a constraint we
 *   only inferred (`x-inferred`), a transition the lifecycle does not list. A documented rule broken (a
 *   wrong type, a missing required field, a bad format, a transition the provider rules out) is an error.
 * - `strict` (for fixtures and CI): every one of those is an error.
 */
export type ValidationMode = "strict" | "tolerant";

export interface ValidateOptions {
  mode?: ValidationMode;
}

/** A validator as Ajv's standalone code exports it. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: RawError[] | null;
}

export type MessageNames<Payloads> = keyof Payloads & string;

export interface ValidPayload<P extends string, M extends string, T> {
  ok: true;
  provider: P;
  message: M;
  value: T;
  warnings: ValidationIssue[];
}

export interface InvalidPayload<P extends string, M extends string> {
  ok: false;
  provider: P;
  /** The message the payload was checked as; absent when its discriminator picked none. */
  message?: M;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/**
 * A payload whose discriminator names no message we know (a status or event type the provider added),
 * accepted in tolerant mode because it has what all of the provider's messages share. `message` is
 * undefined, so a `switch` over `result.message` must handle it.
 */
export interface UnknownMessagePayload<P extends string> {
  ok: true;
  provider: P;
  message: undefined;
  /** The discriminator's value: the name the provider gave the message. */
  unknownMessage: string;
  /** Checked against what the provider's messages share; typed loosely, as it is new to us. */
  value: Record<string, unknown>;
  warnings: ValidationIssue[];
}

/** The result of validating a payload: on success `value` is typed by the message that matched. */
export type ValidationResult<P extends string, Payloads> =
  | { [M in MessageNames<Payloads>]: ValidPayload<P, M, Payloads[M]> }[MessageNames<Payloads>]
  | UnknownMessagePayload<P>
  | InvalidPayload<P, MessageNames<Payloads>>;

/**
 * The legal status transitions of one kind of a provider's resources (generated from
 * schemas/<provider>/lifecycle.json, its orders, or lifecycle.<name>.json, e.g. Ivy's payouts).
 */
export interface Lifecycle {
  /** "" for the provider's orders (lifecycle.json); the `<name>` of lifecycle.<name>.json otherwise. */
  name: string;
  title: string;
  /** The messages that carry the status. */
  messages: readonly string[];
  /** JSON Pointers into those messages: the order's id, its status, the status before, when it happened. */
  subject: string;
  status: string;
  previousStatus?: string;
  timestamp?: string;
  /** Statuses an order starts in. */
  initial: readonly string[];
  /** Statuses nothing follows. */
  final: readonly string[];
  /** Status to the statuses that may follow it: every status the table places. */
  successors: Readonly<Record<string, readonly string[]>>;
  /**
   * Statuses the messages carry whose place in the lifecycle no source shows (a legacy value): no
   * transition to or from one is checked.
   */
  unplaced: readonly { status: string; source: string }[];
  /** The transitions listed, each with where it is known from ("docs: ..." or "inferred: ..."). */
  transitions: readonly { from: string | null; to: string; source: string }[];
  /**
   * Transitions the provider documents as impossible ("*" for any status): errors. One neither listed
   * nor ruled out is a warning in tolerant mode, as the table may lack a flow the provider added.
   */
  impossible: readonly { from: string | null; to: string; source: string }[];
}

export interface ProviderDefinition<P extends string, Payloads> {
  provider: P;
  title: string;
  /** JSON Pointer of the field that picks the message; absent for a provider with one message. */
  discriminator?: string;
  /** Discriminator value to message name. */
  messagesByDiscriminator: Readonly<Record<string, MessageNames<Payloads>>>;
  /**
   * The same as a function: the message a discriminator value names, or undefined (the generator writes
   * it as a switch over the values, which V8 compiles to comparisons instead of a keyed lookup).
   */
  messageNamed?: (value: unknown) => MessageNames<Payloads> | undefined;
  /**
   * True when previousStatus -> status is a transition the lifecycle lists (previous null: a status an order
   * starts in); the generator writes it as a switch. Anything else goes to the full check, which says why.
   */
  listedTransition?: (previous: unknown, current: unknown) => boolean;
  /**
   * The common case in one generated function: the message a payload is when its discriminator names one
   * and it passes that message's compiled check whole (so nothing to warn about in either mode), reporting
   * a transition the lifecycle lists if it reports one. Otherwise the payload goes the general way, which
   * says what is wrong or what to warn about: null when the check ran and failed (its `errors` say why, so
   * it is not run twice), undefined when the discriminator names no message or the transition is unlisted.
   */
  validMessage?: (data: unknown) => MessageNames<Payloads> | null | undefined;
  /**
   * The message whose schema checks a payload with any other discriminator value, when the list is open
   * (Amplia Reg's status): such a payload is a message we do not know, checked as this one.
   */
  openMessage?: MessageNames<Payloads>;
  /** What all of the provider's messages share: a payload of a message we do not know is checked against it. */
  unknownMessage?: CompiledValidator;
  /**
   * For an entry point that holds one part of the provider's messages (`ivy/event-api`): the discriminator
   * values of its other messages, each with the entry point that has it. Such a payload is checked as an
   * unknown message is, and the issue says where its own check is.
   */
  elsewhere?: Readonly<Record<string, string>>;
  validators: { readonly [M in MessageNames<Payloads>]: CompiledValidator };
  /** JSON Pointers whose values together identify one delivery (the provider's event key). */
  deliveryKey: readonly string[];
  /** Messages whose delivery key differs from the provider's (`x-delivery-key` on the message); "" is the whole payload. */
  deliveryKeys?: Readonly<Record<string, readonly string[]>>;
  /** Compiled readers of the pointers above, by pointer (the generator writes them); others are walked. */
  readers?: Readonly<Record<string, (data: unknown) => unknown>>;
  /** The provider's lifecycles, its orders' (name "") first; a message is in one at most. */
  lifecycles?: readonly Lifecycle[];
}

/**
 * What a provider validator's Standard Schema output is: a payload of one of its messages, or, in tolerant
 * mode, a payload of a message we do not know (`Record<string, unknown>`, as `UnknownMessagePayload` types it).
 */
export type ProviderPayload<Payloads> = Payloads[MessageNames<Payloads>] | UnknownMessagePayload<string>["value"];

/**
 * One message's validator: the payload is checked as this message whatever its discriminator says. A
 * Standard Schema whose output is the message's payload type.
 */
export interface MessageValidator<P extends string, M extends string, T> {
  readonly provider: P;
  readonly name: M;
  /** As the provider's `validateMessage(name, body, options)`. */
  validate(body: unknown, options?: ValidateOptions): ValidPayload<P, M, T> | InvalidPayload<P, M>;
  /** As the provider's `is(name, body)`: its discriminator must name this message too. */
  is(body: unknown): body is T;
  /** Standard Schema v1: `{ value }`, or `{ issues }` with paths as keys; `libraryOptions: { mode: "strict" }`. */
  readonly "~standard": StandardProps<T>;
}

export interface ProviderValidator<P extends string, Payloads> {
  /**
   * Standard Schema v1: the payload checked as `validate(body)` does (tolerant unless
   * `libraryOptions: { mode: "strict" }`): `{ value }`, or `{ issues }` with paths as arrays of keys.
   */
  readonly "~standard": StandardProps<ProviderPayload<Payloads>>;
  /** Each message's validator (a Standard Schema too), by message name. */
  readonly messages: { readonly [M in MessageNames<Payloads>]: MessageValidator<P, M, Payloads[M]> };
  readonly provider: P;
  readonly title: string;
  readonly discriminator: string | undefined;
  readonly messageNames: readonly MessageNames<Payloads>[];
  readonly deliveryKey: readonly string[];
  /** The lifecycle of the provider's orders (schemas/<provider>/lifecycle.json), if it has one. */
  readonly lifecycle: Lifecycle | undefined;
  /** Every lifecycle of the provider: its orders' first, then those of its other resources (Ivy's payouts, returns, ...). */
  readonly lifecycles: readonly Lifecycle[];
  /** The lifecycle whose status a message carries, if any. */
  lifecycleOf(message: string): Lifecycle | undefined;
  /**
   * The pointers that identify one delivery of `message` (the provider's own event key): the provider's
   * `deliveryKey`, unless the message has its own. "" stands for the whole payload (a message that carries
   * no id of its own: equal payloads are one delivery sent again).
   */
  deliveryKeyPointers(message: string | undefined): readonly string[];
  /** The message a payload's discriminator names, or undefined when it names none we know. */
  messageOf(body: unknown): MessageNames<Payloads> | undefined;
  /**
   * The delivery's identity: the JSON of the values at its message's key pointers, or undefined when the
   * payload lacks one of them. Equal keys are one delivery sent again.
   */
  deliveryKeyOf(body: unknown): string | undefined;
  /** Picks the message by the discriminator, then validates the payload against it alone. */
  validate(body: unknown, options?: ValidateOptions): ValidationResult<P, Payloads>;
  /** Validates the payload as the named message, whatever its discriminator says. */
  validateMessage<M extends MessageNames<Payloads>>(
    message: M,
    body: unknown,
    options?: ValidateOptions,
  ): ValidPayload<P, M, Payloads[M]> | InvalidPayload<P, M>;
  /** Type guard: true when `body` is a valid payload of the named message (tolerant mode). */
  is<M extends MessageNames<Payloads>>(message: M, body: unknown): body is Payloads[M];
}

/** A discriminator value not read yet (undefined is a value: the field is absent). */
const NOT_READ: unique symbol = Symbol("not read");

export function createProviderValidator<P extends string, Payloads>(definition: ProviderDefinition<P, Payloads>): ProviderValidator<P, Payloads> {
  const {
    provider,
    title,
    discriminator,
    messagesByDiscriminator,
    openMessage,
    unknownMessage,
    elsewhere = {},
    validators,
    deliveryKey,
    deliveryKeys = {},
    lifecycles = [],
    readers,
    listedTransition,
    validMessage,
  } = definition;
  const reader = (pointer: string) => (readers && Object.hasOwn(readers, pointer) ? readers[pointer]! : pointerReader(pointer));
  const messageNames = Object.keys(validators) as MessageNames<Payloads>[];
  const discriminatorValues = Object.keys(messagesByDiscriminator);

  function failure<M extends string>(message: M | undefined, errors: ValidationIssue[], warnings: ValidationIssue[] = []): InvalidPayload<P, M> {
    return message === undefined ? { ok: false, provider, errors, warnings } : { ok: false, provider, message, errors, warnings };
  }

  const readDiscriminator = discriminator === undefined ? undefined : reader(discriminator);
  const keyReaders = deliveryKey.map(reader);
  const messageKeyReaders = new Map(Object.entries(deliveryKeys).map(([m, pointers]) => [m, pointers.map(reader)]));
  const lifecycle = lifecycles.find((l) => l.name === "");
  // Deliveries that name the transition they report (previousStatus -> status) are checked against it
  // (the one lifecycle of a provider that has a previousStatus): per message, its compiled check and
  // whether it reports a transition, found with one lookup.
  const reporting = lifecycles.find((l) => l.previousStatus !== undefined);
  const transitionMessages = new Set<string>(reporting?.messages ?? []);
  const checksOf = {} as Record<string, { check: CompiledValidator; transition: boolean }>;
  for (const name of Object.keys(validators)) checksOf[name] = { check: validators[name as MessageNames<Payloads>], transition: transitionMessages.has(name) };
  const readTransition = reporting?.previousStatus ? { previous: reader(reporting.previousStatus), current: reader(reporting.status) } : undefined;
  // When the status is the discriminator (Amplia Reg), the value read to pick the message is the status.
  const statusIsDiscriminator = discriminator !== undefined && reporting?.status === discriminator;

  /** The status a delivery reports: the discriminator's value already read, when the two are one field. */
  const currentStatus = (body: unknown, discriminatorValue: unknown): unknown =>
    statusIsDiscriminator && discriminatorValue !== NOT_READ ? discriminatorValue : readTransition!.current(body);

  function validateMessage<M extends MessageNames<Payloads>>(
    message: M,
    body: unknown,
    options?: ValidateOptions,
    discriminatorValue: unknown = NOT_READ,
    checkFailed = false,
  ): ValidPayload<P, M, Payloads[M]> | InvalidPayload<P, M> {
    try {
      return checkMessage(message, body, options, discriminatorValue, checkFailed);
    } catch (error) {
      // A value JSON cannot hold (a getter that throws, a Proxy) may make the generated code throw: the
      // caller still gets a result it can store and show, never an exception.
      return failure(message, [unreadable(error, message)]);
    }
  }

  function checkMessage<M extends MessageNames<Payloads>>(
    message: M,
    body: unknown,
    options: ValidateOptions | undefined,
    discriminatorValue: unknown,
    checkFailed: boolean,
  ): ValidPayload<P, M, Payloads[M]> | InvalidPayload<P, M> {
    const { check, transition } = checksOf[message]!;
    // A payload the compiled check passes has nothing to warn about in either mode; if it reports no
    // transition, or one the lifecycle lists, it is done here, without building any issue list.
    const passed = !checkFailed && check(body);
    if (passed && (!transition || readTransition === undefined || listedTransition?.(readTransition.previous(body), currentStatus(body, discriminatorValue))))
      return { ok: true as const, provider, message, value: body as Payloads[M], warnings: [] };
    const warnings: ValidationIssue[] = [];
    if (!passed) {
      const errors: ValidationIssue[] = [];
      sortIssues(check.errors ?? [], body, message, options, errors, warnings);
      if (errors.length > 0) return failure(message, errors, warnings);
    }
    if (transition && readTransition !== undefined) {
      const previous = readTransition.previous(body);
      const current = currentStatus(body, discriminatorValue);
      // No status where the lifecycle reads it (a shape of the message without one): nothing to check.
      const issue =
        current === undefined || listedTransition?.(previous, current) ? undefined : checkTransition(reporting!, previous, current, provider, message);
      if (issue) {
        if (!issue.inferred || options?.mode === "strict") return failure(message, [issue], warnings);
        // An unknown status is warned about once: by its open list, when the schema already did.
        const warned = warnings.some((w) => w.keyword === "x-known-values" && (w.path === reporting!.status || w.path === reporting!.previousStatus));
        if (!warned) warnings.push(issue);
      }
    }
    return { ok: true as const, provider, message, value: body as Payloads[M], warnings };
  }

  /** Ajv's errors as issues, into errors or warnings by mode and evidence. */
  function sortIssues(
    raws: RawError[],
    body: unknown,
    message: string | undefined,
    options: ValidateOptions | undefined,
    errors: ValidationIssue[],
    warnings: ValidationIssue[],
  ): void {
    const strict = options?.mode === "strict";
    for (const raw of collapseAlternatives(raws)) {
      const into = !strict && (raw.inferred === true || tolerableKeywords.has(raw.keyword)) ? warnings : errors;
      // Bounded: a payload with a hundred thousand unknown fields gets a hundred warnings and a count.
      if (into.length < MAX_ISSUES) into.push(describe(raw, body, provider, message));
      else if (into.length === MAX_ISSUES) into.push(omitted(message ?? "(unknown message)", raw.keyword));
    }
  }

  /** A payload whose discriminator value (a string) names no message: checked against the shared shape. */
  function checkUnknownMessage(name: string, body: unknown, options: ValidateOptions | undefined): ValidationResult<P, Payloads> {
    const known = discriminatorValues.map((v) => JSON.stringify(v)).join(", ");
    const received = JSON.stringify(name);
    const home = Object.hasOwn(elsewhere, name) ? elsewhere[name] : undefined;
    const issue: ValidationIssue = {
      provider,
      path: discriminator!,
      keyword: "discriminator",
      message:
        home === undefined
          ? `an unknown ${title} message (${discriminator} ${received}), checked only against what all ${title} messages share: expected one of ${known}, received ${received}`
          : `this entry point does not hold the ${title} message ${received} (${discriminator}), so it is checked only against what all ${title} messages share: validate it with @webhook-contracts/validators/${home} or /${provider}, which hold it; here expected one of ${known}, received ${received}`,
      expected: `one of ${known}`,
      received,
      inferred: true,
    };
    const errors: ValidationIssue[] = [];
    const warnings: ValidationIssue[] = [];
    if (!unknownMessage!(body)) sortIssues(unknownMessage!.errors ?? [], body, undefined, options, errors, warnings);
    if (options?.mode === "strict") errors.unshift(issue);
    else warnings.unshift(issue);
    if (errors.length > 0) return failure(undefined, errors, warnings) as ValidationResult<P, Payloads>;
    return { ok: true, provider, message: undefined, unknownMessage: name, value: body as Record<string, unknown>, warnings };
  }

  function unreadable(error: unknown, message?: string): ValidationIssue {
    const received = preview(error instanceof Error ? `${error.name}: ${error.message}` : error);
    return {
      provider,
      ...(message === undefined ? {} : { messageName: message }),
      path: "",
      keyword: "unreadable",
      message: `the payload could not be read as JSON data: expected plain JSON values, received ${received}`,
      expected: "plain JSON values",
      received,
    };
  }

  function omitted(message: string, keyword: string): ValidationIssue {
    return {
      provider,
      messageName: message,
      path: "",
      keyword: "limit",
      message: `more than ${MAX_ISSUES} problems (the last seen: ${keyword}); the rest are not listed`,
      expected: `at most ${MAX_ISSUES} problems listed`,
      received: `more than ${MAX_ISSUES}`,
    };
  }

  /** The message a discriminator value names, or undefined for one we know no message for. */
  const messageNamed =
    definition.messageNamed ??
    ((value: unknown): MessageNames<Payloads> | undefined =>
      typeof value === "string" && Object.hasOwn(messagesByDiscriminator, value) ? messagesByDiscriminator[value] : undefined);

  function messageOf(body: unknown): MessageNames<Payloads> | undefined {
    return readDiscriminator === undefined ? messageNames[0] : messageNamed(readDiscriminator(body));
  }

  function validate(body: unknown, options?: ValidateOptions): ValidationResult<P, Payloads> {
    try {
      let valid: MessageNames<Payloads> | null | undefined;
      try {
        valid = validMessage?.(body);
      } catch {
        // A value JSON cannot hold: the general path reads it again and names the message it failed in.
        valid = undefined;
      }
      if (typeof valid === "string") return { ok: true, provider, message: valid, value: body, warnings: [] } as unknown as ValidationResult<P, Payloads>;
      return pickAndValidate(body, options, valid === null);
    } catch (error) {
      return failure(undefined, [unreadable(error)]) as ValidationResult<P, Payloads>;
    }
  }

  /** `checkFailed`: the compiled check of the message the discriminator names already ran and failed. */
  function pickAndValidate(body: unknown, options: ValidateOptions | undefined, checkFailed: boolean): ValidationResult<P, Payloads> {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      const received = preview(body);
      return failure(undefined, [
        {
          provider,
          path: "",
          keyword: "type",
          message: `a ${title} payload must be a JSON object: expected type object, received ${received}`,
          expected: "type object",
          received,
        },
      ]) as ValidationResult<P, Payloads>;
    }
    let message: MessageNames<Payloads> | undefined;
    // Read once: it picks the message, and is the status the lifecycle checks when the two are one field.
    let discriminatorValue: unknown = NOT_READ;
    if (readDiscriminator === undefined) {
      message = messageNames[0];
    } else {
      const value = readDiscriminator(body);
      discriminatorValue = value;
      message = messageNamed(value);
      if (message === undefined && typeof value === "string") {
        if (openMessage !== undefined) {
          // Its schema warns about the value (an open list); the result says the message is not one we know.
          const result = validateMessage(openMessage, body, options, value);
          return (
            result.ok ? { ok: true, provider, message: undefined, unknownMessage: value, value: body, warnings: result.warnings } : result
          ) as ValidationResult<P, Payloads>;
        }
        if (unknownMessage) return checkUnknownMessage(value, body, options);
      }
      if (message === undefined) {
        const expected = `one of ${discriminatorValues.map((v) => JSON.stringify(v)).join(", ")}`;
        const received = preview(value);
        const what = value === undefined ? `no ${discriminator}` : `unknown ${discriminator} ${received}`;
        return failure(undefined, [
          {
            provider,
            path: discriminator!,
            keyword: value === undefined ? "required" : "discriminator",
            message: `cannot tell which ${title} message this is (${what}): expected ${expected}, received ${received}`,
            expected,
            received,
          },
        ]) as ValidationResult<P, Payloads>;
      }
    }
    return validateMessage(message!, body, options, discriminatorValue, checkFailed) as ValidationResult<P, Payloads>;
  }

  const is = <M extends MessageNames<Payloads>>(message: M, body: unknown): body is Payloads[M] => {
    // Its discriminator must name the message too: a status Amplia Reg added validates as its one message
    // but is none of the known-status variants the type guard narrows to.
    try {
      if (readDiscriminator !== undefined && messageOf(body) !== message) return false;
    } catch {
      return false;
    }
    return validateMessage(message, body).ok;
  };
  // Small objects only: nothing is checked or compiled until a payload comes.
  const messages = {} as { [M in MessageNames<Payloads>]: MessageValidator<P, M, Payloads[M]> };
  for (const name of messageNames) {
    messages[name] = {
      provider,
      name,
      validate: (body, options) => validateMessage(name, body, options),
      is: (body): body is Payloads[typeof name] => is(name, body),
      "~standard": standardProps((value, options) => validateMessage(name, value, options)),
    } as (typeof messages)[typeof name];
  }

  return {
    "~standard": standardProps(validate),
    messages,
    provider,
    title,
    discriminator,
    messageNames,
    deliveryKey,
    lifecycle,
    lifecycles,
    lifecycleOf: (message) => lifecycles.find((l) => l.messages.includes(message)),
    deliveryKeyPointers: (message) => (message !== undefined && Object.hasOwn(deliveryKeys, message) ? deliveryKeys[message]! : deliveryKey),
    messageOf(body) {
      try {
        return messageOf(body);
      } catch {
        return undefined;
      }
    },
    deliveryKeyOf(body: unknown): string | undefined {
      try {
        const message = messageKeyReaders.size === 0 ? undefined : messageOf(body);
        const readers = (message !== undefined && messageKeyReaders.get(message)) || keyReaders;
        const parts = readers.map((read) => read(body));
        return parts.every((p) => p !== undefined && p !== null) ? JSON.stringify(parts) : undefined;
      } catch {
        return undefined; // no readable key: nothing to tell a retry by
      }
    },
    validate,
    validateMessage,
    is,
  };
}

/** Issues listed per result, errors and warnings each; more are counted in one last issue. */
export const MAX_ISSUES = 100;

const quote = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");

/** The statuses the lifecycle lists after `status` (none for one it does not know, whatever its name). */
export function successorsOf(lifecycle: Lifecycle, status: string): readonly string[] {
  return Object.hasOwn(lifecycle.successors, status) ? lifecycle.successors[status]! : [];
}

/**
 * Why `statuses` (those the lifecycle has no successors for) are not checked: statuses the table does
 * not place on purpose (no source shows their transitions), or statuses it does not know (new?).
 */
export function notCheckedReason(lifecycle: Lifecycle, statuses: readonly string[]): string {
  const unplaced = statuses.every((s) => lifecycle.unplaced.some((u) => u.status === s));
  const subject = statuses.length === 1 ? "is a status" : "are statuses";
  return unplaced
    ? `${quote(statuses)} ${subject} the ${lifecycle.title} lifecycle knows but does not place (no source shows its transitions)`
    : `${quote(statuses)} ${subject} the ${lifecycle.title} lifecycle does not know (new at the provider?)`;
}

/** The `impossible` entry that rules `from -> to` out ("*" matching any status), if any. */
export function impossibleTransition(lifecycle: Lifecycle, from: string | null, to: string): Lifecycle["impossible"][number] | undefined {
  return lifecycle.impossible.find((t) => (t.from === "*" || t.from === from) && (t.to === "*" || t.to === to));
}

/**
 * What a delivery's previousStatus -> status says against the lifecycle: nothing when the table lists
 * it; an error when the provider documents it as impossible; otherwise a warning-grade issue (`inferred`),
 * since the table may lack a flow the provider added, or a status may be new to us.
 */
function checkTransition(
  lifecycle: Lifecycle,
  previousValue: unknown,
  currentValue: unknown,
  provider: string,
  messageName: string,
): ValidationIssue | undefined {
  if (typeof currentValue !== "string" || (previousValue !== null && typeof previousValue !== "string")) return undefined; // the schema reports it
  const previous = previousValue as string | null;
  const current = currentValue;
  const legal = previous === null ? lifecycle.initial : successorsOf(lifecycle, previous);
  if (legal.includes(current)) return undefined;
  const from = previous === null ? "a new order" : JSON.stringify(previous);
  const received = JSON.stringify(current);
  const issue = { provider, messageName, path: lifecycle.status, keyword: "transition", received };
  const ruledOut = impossibleTransition(lifecycle, previous, current);
  if (ruledOut) {
    const expected = `not ${from} -> ${received} (${ruledOut.source})`;
    return { ...issue, message: `${from} -> ${received} cannot happen in the ${lifecycle.title} lifecycle (${ruledOut.source})`, expected };
  }
  const unknown = [previous, current].filter((s): s is string => s !== null && !Object.hasOwn(lifecycle.successors, s));
  if (unknown.length > 0) {
    const expected = `statuses the ${lifecycle.title} lifecycle knows: ${quote(Object.keys(lifecycle.successors))}`;
    return {
      ...issue,
      message: `${from} -> ${received} not checked: ${notCheckedReason(lifecycle, unknown)}`,
      expected,
      inferred: true,
    };
  }
  const expected =
    previous === null
      ? `a status a new order starts in: ${quote(legal)}`
      : legal.length === 0
        ? `no further status: ${from} is final in the table`
        : `a status that can follow ${from}: ${quote(legal)}`;
  return {
    ...issue,
    message: `${from} -> ${received} is not a transition the ${lifecycle.title} lifecycle lists (the table may lack a flow): expected ${expected}`,
    expected,
    inferred: true,
  };
}
