import { Data, Duration, Effect, Option, Predicate, Schedule } from "effect"
import { findErrorBy } from "@platformatic/kafka"
import { LogError } from "../../ports/MessageLog.js"

/** The library's error, its nested causes spelled out (it wraps the broker's answers in AggregateErrors and causes). */
export class ClientError extends Data.TaggedError("ClientError")<{ readonly error: unknown }> {
  override get message(): string {
    return describe(this.error)
  }
}

const nested = (e: Error): ReadonlyArray<Error> => [
  ...(e instanceof AggregateError ? e.errors.filter((x): x is Error => x instanceof Error) : []),
  ...(e.cause instanceof Error ? [e.cause] : [])
]

/** The error and everything it wraps, outermost first (bounded: the library's chains are a few levels deep). */
const chainOf = (e: unknown, depth = 0): ReadonlyArray<Error> =>
  e instanceof Error && depth < 8 ? [e, ...nested(e).flatMap((x) => chainOf(x, depth + 1))] : []

/** The outer message, then the distinct innermost ones: what actually went wrong (a refused password, a certificate). */
const describe = (error: unknown): string => {
  const chain = chainOf(error)
  const roots = Array.from(new Set(chain.filter((e) => nested(e).length === 0).map((e) => e.message)))
  return chain.length === 0
    ? String(error)
    : roots.length === 0 || (roots.length === 1 && roots[0] === chain[0]?.message)
      ? (chain[0]?.message ?? "")
      : `${chain[0]?.message ?? ""} (${roots.join("; ")})`
}

/** Retrying cannot help: the credentials or the certificate were refused. */
const fatal = (error: unknown): boolean =>
  chainOf(error).some(
    (e) =>
      (Predicate.hasProperty(e, "code") &&
        typeof e.code === "string" &&
        (e.code === "PLT_KFK_AUTHENTICATION" || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code))) ||
      (Predicate.hasProperty(e, "apiId") && e.apiId === "SASL_AUTHENTICATION_FAILED")
  )

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

const retriable = (e: LogError) => has(e, "canRetry", true) && !(e.cause instanceof ClientError && fatal(e.cause.error))

/** Admin calls through a moment of unavailability (a coordinator loading, leaders moving). */
export const attemptRetrying = <A>(operation: string, f: () => Promise<A>) =>
  Effect.retry(attempt(operation, f), {
    while: retriable,
    schedule: Schedule.intersect(Schedule.exponential(Duration.millis(100)), Schedule.recurs(8))
  })

/** Closing on release: a failure is worth a warning, not a failed release. */
export const close = (operation: string, f: () => Promise<void>) =>
  Effect.catchAll(attempt(operation, f), (e) => Effect.logWarning(e.message))
