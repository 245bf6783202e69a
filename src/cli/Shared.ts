import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Config, ConfigError, Duration, Effect, Either, Option } from "effect"
import { DefaultThreshold } from "../domain/AlertRule.js"

/** Validate a parsed option value: Right keeps it, Left is the message shown to the user. */
export const validate = <A, B>(f: (a: A) => Either.Either<B, string>) =>
  Options.mapEffect((a: A) =>
    Either.match(f(a), {
      onLeft: (message) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message))),
      onRight: (b) => Effect.succeed(b)
    })
  )

/** Default start of simulated time. */
export const DefaultStart = "2026-11-02T00:00:00.000Z"

const parseInstant = (s: string): Either.Either<number, string> => {
  const ms = Date.parse(s)
  return Number.isFinite(ms) && /Z$|[+-]\d{2}:?\d{2}$/.test(s)
    ? Either.right(ms)
    : Either.left(`--start: expected an ISO-8601 instant with a zone (e.g. ${DefaultStart}), got ${JSON.stringify(s)}`)
}

export const seed = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("Seed of the simulation: the same seed and arguments give byte-identical reports")
)

export const count = (fallback: number) =>
  Options.integer("count").pipe(
    Options.withDefault(fallback),
    Options.withDescription("Number of reports to produce"),
    validate((n: number) => (n >= 0 ? Either.right(n) : Either.left(`--count: expected a number >= 0, got ${n}`)))
  )

export const drones = (fallback: number) =>
  Options.integer("drones").pipe(
    Options.withDefault(fallback),
    Options.withDescription("Number of drones; each sends one report per simulated minute"),
    validate((n: number) => (n >= 1 ? Either.right(n) : Either.left(`--drones: expected a number >= 1, got ${n}`)))
  )

export const start = Options.text("start").pipe(
  Options.withDefault(DefaultStart),
  Options.withDescription("Instant of the first simulated minute, ISO-8601 (UTC)"),
  validate(parseInstant)
)

export const alertRatio = Options.float("alert-ratio").pipe(
  Options.withDefault(0.01),
  Options.withDescription("Target share of reports holding at least one alert"),
  validate((r: number) => (r >= 0 && r <= 1 ? Either.right(r) : Either.left(`--alert-ratio: expected a number in [0, 1], got ${r}`)))
)

export const rate = Options.float("rate").pipe(
  Options.optional,
  Options.withDescription("Reports per second (default: as fast as possible)"),
  Options.map(Option.getOrUndefined)
)

export const threshold = Options.integer("threshold").pipe(
  Options.withFallbackConfig(Config.integer("PEACESCORE_THRESHOLD")),
  Options.withDefault(DefaultThreshold),
  Options.withDescription("A citizen with peacescore below this raises an alert (env PEACESCORE_THRESHOLD)")
)

export const json = Options.boolean("json").pipe(Options.withDescription("Print the result as one JSON object on the last line of stdout"))

export const dataDir = Options.directory("data-dir").pipe(
  Options.withDefault("./data"),
  Options.withDescription("Folder of the embedded archive")
)

export const workers = Options.integer("workers").pipe(
  Options.optional,
  Options.withDescription("Analyzer: at most this many worker threads (default: the number of cores; 0 = in this thread). Archives under ~256 MB are folded in this thread, where starting workers costs more than it saves")
)

export const maxRecordsPerFile = Options.integer("max-records-per-file").pipe(
  Options.withDefault(100_000),
  Options.withDescription("Archiver: close a Parquet file when it holds this many reports (it also closes on every new hour)")
)

const DurationPattern = /^(\d+(?:\.\d+)?)\s*(ms|millis|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hours?)?$/

const unitMs = (unit: string): number =>
  unit.startsWith("ms") || unit.startsWith("milli") ? 1 : unit.startsWith("h") ? 3_600_000 : unit === "m" || unit.startsWith("min") ? 60_000 : 1000

/** Parse "500ms", "10s", "2m", "1h" or a bare number of seconds. */
export const parseDuration = (s: string): Either.Either<Duration.Duration, string> => {
  const m = DurationPattern.exec(s.trim())
  return m === undefined || !m
    ? Either.left(`expected a duration such as 500ms, 10s, 2m or 1h, got ${JSON.stringify(s)}`)
    : Either.right(Duration.millis(Number(m[1]) * unitMs(m[2] ?? "s")))
}

export const idleExit = Options.text("idle-exit").pipe(
  Options.optional,
  Options.withDescription("Flush, commit and exit 0 after this long without new records (e.g. 10s, 2m)"),
  validate((o: Option.Option<string>) =>
    Option.match(o, {
      onNone: () => Either.right(Option.none<Duration.Duration>()),
      onSome: (s) => Either.map(Either.mapLeft(parseDuration(s), (e) => `--idle-exit: ${e}`), Option.some)
    })
  )
)

// An empty METRICS_PORT is unset, as in a compose file's `METRICS_PORT: ""`.
const metricsPortEnv = Config.string("METRICS_PORT").pipe(
  Config.mapOrFail((s) =>
    s.trim() === ""
      ? Either.left(ConfigError.MissingData([], "METRICS_PORT is empty"))
      : /^\d+$/.test(s.trim())
        ? Either.right(Number(s.trim()))
        : Either.left(ConfigError.InvalidData([], `METRICS_PORT: expected a port number, got ${JSON.stringify(s)}`))
  )
)

export const metricsPort = Options.integer("metrics-port").pipe(
  Options.withFallbackConfig(metricsPortEnv),
  Options.optional,
  Options.withDescription("Serve /metrics (Prometheus), /healthz and /readyz on this port, on METRICS_HOST (default 127.0.0.1); off when unset (env METRICS_PORT)"),
  validate((o: Option.Option<number>) =>
    Option.match(o, {
      onNone: () => Either.right(o),
      onSome: (p) => (Number.isInteger(p) && p >= 0 && p <= 65535 ? Either.right(o) : Either.left(`--metrics-port: expected a port in [0, 65535], got ${p}`))
    })
  )
)
