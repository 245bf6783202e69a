import { Data, Duration, Effect, Option, Predicate, Schedule } from "effect"
import { findErrorBy, MultipleErrors } from "@platformatic/kafka"
import { LogError } from "../../ports/MessageLog.js"

/** The library's error, its nested causes spelled out (it wraps the broker's answers in AggregateErrors). */
export class ClientError extends Data.TaggedError("ClientError")<{ readonly error: unknown }> {
  override get message(): string {
    return describe(this.error)
  }
}

const describe = (error: unknown): string =>
  error instanceof Error
    ? MultipleErrors.isMultipleErrors(error) && error.errors.length > 0
      ? `${error.message} (${Array.from(new Set(error.errors.map(describe))).join("; ")})`
      : error.message
    : String(error)

export const fail = (operation: string) => (error: unknown) =>
  new LogError({ operation, cause: new ClientError({ error }) })

/** One client call, its rejection a LogError naming the operation. */
export const attempt = <A>(operation: string, f: () => Promise<A>) =>
  Effect.tryPromise({ try: f, catch: fail(operation) })

/** The library's error, or one of its nested ones, has this property. */
const has = (e: LogError, property: string, value: unknown): boolean =>
  e.cause instanceof ClientError &&
  e.cause.error instanceof Error &&
  (Option.isSome(Option.fromNullable(findErrorBy(e.cause.error, property, value))) ||
    (Predicate.hasProperty(e.cause.error, property) && e.cause.error[property] === value))

/** The broker answered with this error (e.g. TOPIC_ALREADY_EXISTS). */
export const answered = (e: LogError, apiId: string): boolean => has(e, "apiId", apiId)

const retriable = (e: LogError) => has(e, "canRetry", true)

/** Admin calls through a moment of unavailability (a coordinator loading, leaders moving). */
export const attemptRetrying = <A>(operation: string, f: () => Promise<A>) =>
  Effect.retry(attempt(operation, f), {
    while: retriable,
    schedule: Schedule.intersect(Schedule.exponential(Duration.millis(100)), Schedule.recurs(8))
  })

/** Closing on release: a failure is worth a warning, not a failed release. */
export const close = (operation: string, f: () => Promise<void>) =>
  Effect.catchAll(attempt(operation, f), (e) => Effect.logWarning(e.message))
