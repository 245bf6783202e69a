import { HashMap, Option } from "effect"

// Login attempts, rate-limited: at most `maxFailures` failed attempts per account name and per client address
// within `window`; beyond that, attempts are refused until the oldest failure leaves the window. Pure: the
// state is a value; the HTTP layer keeps it in a Ref.

export interface LimitSettings {
  readonly maxFailures: number
  readonly windowMillis: number
}

export const DefaultLimit: LimitSettings = { maxFailures: 10, windowMillis: 10 * 60_000 }

/** Failure times (epoch millis, oldest first) per key: "user:<name>" and "ip:<address>". */
export type Failures = HashMap.HashMap<string, ReadonlyArray<number>>

export const empty: Failures = HashMap.empty()

export const keysOf = (username: string, address: string): ReadonlyArray<string> => [
  `user:${username.toLowerCase()}`,
  `ip:${address}`
]

const recent = (failures: Failures, key: string, now: number, s: LimitSettings) =>
  Option.getOrElse(HashMap.get(failures, key), () => [] as ReadonlyArray<number>).filter(
    (t) => t > now - s.windowMillis
  )

/** None when an attempt may go ahead now; else how many milliseconds until one may. */
export const retryAfter = (
  failures: Failures,
  keys: ReadonlyArray<string>,
  now: number,
  s: LimitSettings = DefaultLimit
): Option.Option<number> => {
  const waits = keys.flatMap((k) => {
    const times = recent(failures, k, now, s)
    return times.length >= s.maxFailures ? [(times[times.length - s.maxFailures] ?? now) + s.windowMillis - now] : []
  })
  return waits.length === 0 ? Option.none() : Option.some(Math.max(1, ...waits))
}

/** The state after an attempt: a failure is remembered under every key, a success forgets the account's. */
export const record = (
  failures: Failures,
  keys: ReadonlyArray<string>,
  now: number,
  succeeded: boolean,
  s: LimitSettings = DefaultLimit
): Failures =>
  keys.reduce(
    (acc, k) =>
      succeeded
        ? k.startsWith("user:")
          ? HashMap.remove(acc, k)
          : acc
        : HashMap.set(acc, k, [...recent(acc, k, now, s), now].slice(-s.maxFailures)),
    // Keys whose failures all left the window are dropped, so the state stays bounded by recent failures.
    HashMap.filter(failures, (times) => times.some((t) => t > now - s.windowMillis))
  )
