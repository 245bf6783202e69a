import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Config, Duration, Effect, Either, Option } from "effect"
import { DefaultThreshold } from "../domain/AlertRule.js"
import { DefaultStart, parseDuration, parseInstant, parseInteger, parseNumber, type Range } from "../config/Parse.js"

export { DefaultStart, parseDuration, parseInstant, parseInteger, parseNumber }

/** Validate a parsed option value: Right keeps it, Left is the message shown to the user. */
export const validate = <A, B>(f: (a: A) => Either.Either<B, string>) =>
  Options.mapEffect((a: A) =>
    Either.match(f(a), {
      onLeft: (message) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message))),
      onRight: (b) => Effect.succeed(b)
    })
  )

/** A description that says the default and the environment variable, so `--help` shows both. */
export const describe = (text: string, more: { readonly fallback?: string; readonly env?: string } = {}): string =>
  [
    text,
    ...(more.fallback === undefined ? [] : [`Default: ${more.fallback}.`]),
    ...(more.env === undefined ? [] : [`Env: ${more.env}.`])
  ].join(" ")

// Numbers are read as text and parsed here, so a bad value is refused with the flag's name and its range
// (@effect/cli's own integer option says only "'abc' is not a integer").
const integerOption = (name: string, range: Range, pseudo = "N") =>
  Options.text(name).pipe(Options.withPseudoName(pseudo), validate(parseInteger(`--${name}`, range)))

const numberOption = (name: string, range: Range, pseudo = "X") =>
  Options.text(name).pipe(Options.withPseudoName(pseudo), validate(parseNumber(`--${name}`, range)))

const withDefault =
  <A>(fallback: A) =>
  (self: Options.Options<A>): Options.Options<A> =>
    Options.withDefault(self, fallback)

const MaxSafe = Number.MAX_SAFE_INTEGER

export const seed = Options.text("seed").pipe(
  Options.withPseudoName("S"),
  Options.withDefault("1"),
  validate(parseInteger("--seed", { min: -MaxSafe, max: MaxSafe })),
  Options.withDescription(
    describe("Seed of the simulation: the same seed and arguments give byte-identical reports.", { fallback: "1" })
  )
)

export const count = (fallback: number) =>
  Options.text("count").pipe(
    Options.withPseudoName("N"),
    Options.withDefault(String(fallback)),
    validate(parseInteger("--count", { min: 0, max: 1_000_000_000_000 })),
    Options.withDescription(describe("Number of reports to produce.", { fallback: String(fallback) }))
  )

export const drones = (fallback: number) =>
  Options.text("drones").pipe(
    Options.withPseudoName("D"),
    Options.withDefault(String(fallback)),
    validate(parseInteger("--drones", { min: 1, max: 10_000_000 })),
    Options.withDescription(
      describe("Number of drones; each sends one report per simulated minute.", { fallback: String(fallback) })
    )
  )

export const start = Options.text("start").pipe(
  Options.withPseudoName("ISO"),
  Options.withDefault(DefaultStart),
  validate((s: string) => parseInstant("--start", s)),
  Options.withDescription(
    describe("Instant of the first simulated minute, ISO-8601 with a zone.", { fallback: DefaultStart })
  )
)

export const alertRatio = numberOption("alert-ratio", { min: 0, max: 1 }, "F").pipe(
  withDefault(0.01),
  Options.withDescription(
    describe("Target share of reports holding at least one alert, in [0, 1].", { fallback: "0.01" })
  )
)

export const rate = numberOption("rate", { min: 0.001, max: 10_000_000 }, "R").pipe(
  Options.optional,
  Options.withDescription(describe("Reports per second, in [0.001, 10000000].", { fallback: "as fast as possible" })),
  Options.map(Option.getOrUndefined)
)

export const threshold = Options.text("threshold").pipe(
  Options.withPseudoName("T"),
  Options.withFallbackConfig(Config.string("PEACESCORE_THRESHOLD")),
  Options.withDefault(String(DefaultThreshold)),
  validate(parseInteger("--threshold (or PEACESCORE_THRESHOLD)", { min: 0, max: 100 })),
  Options.withDescription(
    describe("A citizen with peacescore below this raises an alert; an integer in [0, 100].", {
      fallback: String(DefaultThreshold),
      env: "PEACESCORE_THRESHOLD"
    })
  )
)

export const json = Options.boolean("json").pipe(
  Options.withDescription("Print the result as one JSON object on the last line of stdout.")
)

export const dataDir = Options.directory("data-dir").pipe(
  Options.withPseudoName("DIR"),
  Options.withDefault("./data"),
  Options.withDescription(describe("Folder of the embedded archive (its reports/ folder).", { fallback: "./data" }))
)

export const workers = integerOption("workers", { min: 0, max: 1024 }).pipe(
  Options.optional,
  Options.withDescription(
    describe(
      "Analyzer: at most this many worker threads, in [0, 1024]; 0 folds in this thread. Fewer are started when the archive is small (see ANALYZER_MIN_BYTES_PER_WORKER in the README).",
      { fallback: "the number of cores" }
    )
  )
)

export const maxRecordsPerFile = integerOption("max-records-per-file", { min: 1, max: 10_000_000 }).pipe(
  withDefault(100_000),
  Options.withDescription(
    describe(
      "Archiver: close a Parquet file when it holds this many reports (it also closes on every new hour), in [1, 10000000].",
      { fallback: "100000" }
    )
  )
)

export const idleExit = Options.text("idle-exit").pipe(
  Options.withPseudoName("DURATION"),
  Options.optional,
  Options.withDescription(
    describe("Flush, commit and exit 0 after this long without new records (e.g. 10s, 2m).", { fallback: "never" })
  ),
  validate((o: Option.Option<string>) =>
    Option.match(o, {
      onNone: () => Either.right(Option.none<Duration.Duration>()),
      onSome: (s) =>
        Either.flatMap(
          Either.mapLeft(parseDuration(s), (e) => `--idle-exit: ${e}`),
          (d) =>
            Duration.toMillis(d) > 0
              ? Either.right(Option.some(d))
              : Either.left(`--idle-exit: expected a duration above 0, got ${JSON.stringify(s)}`)
        )
    })
  )
)

// An empty METRICS_PORT is unset, as in a compose file's `METRICS_PORT: ""`.
const metricsPortEnv = Config.string("METRICS_PORT").pipe(Config.map((s) => s.trim()))

export const metricsPort = Options.text("metrics-port").pipe(
  Options.withPseudoName("PORT"),
  Options.withFallbackConfig(metricsPortEnv),
  Options.optional,
  Options.withDescription(
    describe("Serve /metrics (Prometheus), /healthz and /readyz on this port, on METRICS_HOST (default 127.0.0.1).", {
      fallback: "off",
      env: "METRICS_PORT"
    })
  ),
  validate((o: Option.Option<string>) =>
    Option.match(
      Option.filter(o, (s) => s.trim() !== ""),
      {
        onNone: () => Either.right(Option.none<number>()),
        onSome: (s) =>
          Either.map(parseInteger("--metrics-port (or METRICS_PORT)", { min: 0, max: 65535 })(s), Option.some)
      }
    )
  )
)
