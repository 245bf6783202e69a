import { Duration, Either, Option } from "effect"

// Values given as text (flags, environment variables), parsed with messages that name where they came from.

/** Default start of simulated time. */
export const DefaultStart = "2026-11-02T00:00:00.000Z"

const DateOnly = /^\d{4}-\d{2}-\d{2}$/
const WithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i

/** An ISO-8601 instant with a zone (`Z` or an offset), or a bare date meaning its UTC midnight. */
export const parseInstant = (flag: string, s: string): Either.Either<number, string> => {
  const trimmed = s.trim()
  const ms = Date.parse(DateOnly.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed)
  return Number.isFinite(ms) && (DateOnly.test(trimmed) || WithZone.test(trimmed))
    ? Either.right(ms)
    : Either.left(
        `${flag}: expected an ISO-8601 instant with a zone (e.g. ${DefaultStart}) or a date (2026-11-02), got ${JSON.stringify(s)}`
      )
}

export interface Range {
  readonly min: number
  readonly max: number
}

const inRange =
  (flag: string, range: Range, what: string) =>
  (n: number): Either.Either<number, string> =>
    n >= range.min && n <= range.max
      ? Either.right(n)
      : Either.left(`${flag}: expected ${what} in [${range.min}, ${range.max}], got ${n}`)

const IntegerText = /^[+-]?\d+$/
const NumberText = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i

/** Parse a flag's text as an integer in a range; the message names the flag. */
export const parseInteger =
  (flag: string, range: Range) =>
  (s: string): Either.Either<number, string> =>
    IntegerText.test(s.trim()) && Number.isSafeInteger(Number(s.trim()))
      ? inRange(flag, range, "an integer")(Number(s.trim()))
      : Either.left(`${flag}: expected an integer in [${range.min}, ${range.max}], got ${JSON.stringify(s)}`)

/** Parse a flag's text as a finite number in a range; the message names the flag. */
export const parseNumber =
  (flag: string, range: Range) =>
  (s: string): Either.Either<number, string> =>
    NumberText.test(s.trim()) && Number.isFinite(Number(s.trim()))
      ? inRange(flag, range, "a number")(Number(s.trim()))
      : Either.left(`${flag}: expected a number in [${range.min}, ${range.max}], got ${JSON.stringify(s)}`)

const DurationPattern = /^(\d+(?:\.\d+)?)\s*(ms|millis|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hours?)?$/

const unitMs = (unit: string): number =>
  unit.startsWith("ms") || unit.startsWith("milli")
    ? 1
    : unit.startsWith("h")
      ? 3_600_000
      : unit === "m" || unit.startsWith("min")
        ? 60_000
        : 1000

/** Parse "500ms", "10s", "2m", "1h" or a bare number of seconds. */
export const parseDuration = (s: string): Either.Either<Duration.Duration, string> =>
  Option.match(Option.fromNullable(DurationPattern.exec(s.trim())), {
    onNone: () => Either.left(`expected a duration such as 500ms, 10s, 2m or 1h, got ${JSON.stringify(s)}`),
    onSome: (m) => Either.right(Duration.millis(Number(m[1]) * unitMs(m[2] ?? "s")))
  })
