import { Duration, Effect, Predicate, Schedule } from "effect"
import { LogError } from "../../ports/MessageLog.js"

export const fail = (operation: string) => (cause: unknown) => new LogError({ operation, cause })

/** One client call, its rejection a LogError naming the operation. */
export const attempt = <A>(operation: string, f: () => Promise<A>) =>
  Effect.tryPromise({ try: f, catch: fail(operation) })

const retriable = (e: LogError) => Predicate.hasProperty(e.cause, "retriable") && e.cause.retriable === true

/** Admin calls that kafkajs does not retry itself (e.g. offset fetches while the coordinator is loading). */
export const attemptRetrying = <A>(operation: string, f: () => Promise<A>) =>
  Effect.retry(attempt(operation, f), {
    while: retriable,
    schedule: Schedule.intersect(Schedule.exponential(Duration.millis(100)), Schedule.recurs(8))
  })

/** Disconnecting on release: a failure is worth a warning, not a failed release. */
export const disconnect = (operation: string, f: () => Promise<void>) =>
  Effect.catchAll(attempt(operation, f), (e) => Effect.logWarning(e.message))
