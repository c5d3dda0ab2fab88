/**
 * Standard Schema v1 (https://standardschema.dev): the interface every provider validator and every message
 * validator implements, so that they plug into the tools that accept any Standard Schema (tRPC, Hono's
 * `@hono/standard-validator`, TanStack Form, ...). The types are copied from `@standard-schema/spec` 1.1
 * (MIT), as the spec asks of implementers, so the package depends on nothing for them; the tests check them
 * against the spec's own package.
 */
import { type ValidationIssue, pointerSegments } from "./issues.js";

/** Our validation options (runtime.ts's `ValidateOptions`, restated so that this module imports no runtime). */
type OurOptions = { mode?: "strict" | "tolerant" } | undefined;

/** The Standard Schema interface. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown, options?: Options | undefined) => Result<Output> | Promise<Result<Output>>;
    /** Types only: never set at run time. */
    readonly types?: Types<Input, Output> | undefined;
  }
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  interface Options {
    /** Ours are `ValidateOptions`: `{ mode: "strict" }` makes what tolerant mode warns about an issue. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  interface PathSegment {
    readonly key: PropertyKey;
  }
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
}

/** Our Standard Schema properties: synchronous results, vendor "webhook-contracts". */
export interface StandardProps<Output> extends StandardSchemaV1.Props<unknown, Output> {
  readonly vendor: "webhook-contracts";
  readonly validate: (value: unknown, options?: StandardSchemaV1.Options | undefined) => StandardSchemaV1.Result<Output>;
}

/**
 * The `~standard` property over one of our validations: its value on success (tolerant mode's warnings do
 * not fail), else its errors as issues, each message prefixed by provider and message name and its JSON
 * Pointer turned into keys (array indices as numbers).
 */
export function standardProps<Output>(
  check: (value: unknown, options: OurOptions) => { ok: boolean; value?: unknown; errors?: ValidationIssue[] },
): StandardProps<Output> {
  return {
    version: 1,
    vendor: "webhook-contracts",
    validate(value, options) {
      // Our options are the library's options: `{ mode: "strict" }`, tolerant otherwise.
      const result = check(value, options?.libraryOptions as OurOptions);
      return result.ok
        ? { value: result.value as Output }
        : { issues: result.errors!.map((e) => ({ message: `${e.provider} ${e.messageName ?? "?"}: ${e.message}`, path: pathKeys(e.path) })) };
    },
  };
}

/**
 * A JSON Pointer as Standard Schema's path: its segments, unescaped, and one of digits (an array index) as
 * a number: for a property the number and its digits name the same key.
 */
export const pathKeys = (pointer: string): PropertyKey[] => pointerSegments(pointer).map((s) => (/^(?:0|[1-9]\d*)$/.test(s) ? +s : s));
