import { Config, ConfigError, ConfigProvider, Duration, Effect, Either, Option } from "effect"
import { DefaultThreshold } from "../domain/AlertRule.js"
import { parseDuration, parseInteger } from "./Parse.js"

// The components' settings, read through Config inside each component's `make`: from the environment, or
// from the command line's flags, which the CLI lays over the environment (`withSettings`).

/** A setting read as text and parsed; the parser's message names the setting. */
export const parsed = <A>(name: string, parse: (s: string) => Either.Either<A, string>) =>
  Config.string(name).pipe(
    Config.mapOrFail((s) => Either.mapLeft(parse(s), (message) => ConfigError.InvalidData([], message)))
  )

const positiveDuration = (name: string) => (s: string) =>
  Either.flatMap(
    Either.mapLeft(parseDuration(s), (e) => `${name}: ${e}`),
    (d) =>
      Duration.toMillis(d) > 0
        ? Either.right(d)
        : Either.left(`${name}: expected a duration above 0, got ${JSON.stringify(s)}`)
  )

/** `PEACESCORE_THRESHOLD`: a citizen below it raises an alert; an integer in [0, 100], default 20. */
export const ThresholdConfig: Config.Config<number> = Config.withDefault(
  parsed("PEACESCORE_THRESHOLD", parseInteger("PEACESCORE_THRESHOLD", { min: 0, max: 100 })),
  DefaultThreshold
)

/**
 * The shard of a Kubernetes Indexed Job's pod: `JOB_COMPLETION_INDEX` (Kubernetes sets it) of `JOB_COMPLETIONS`
 * (the manifest sets it to the Job's `completions`; Kubernetes does not). Each is none when unset.
 */
export const JobShardConfig = Config.all({
  index: Config.option(parsed("JOB_COMPLETION_INDEX", parseInteger("JOB_COMPLETION_INDEX", { min: 0, max: 99_999 }))),
  count: Config.option(parsed("JOB_COMPLETIONS", parseInteger("JOB_COMPLETIONS", { min: 1, max: 100_000 })))
})

/** `IDLE_EXIT`: flush, commit and stop after this long without new records; never when unset. */
export const IdleExitConfig: Config.Config<Option.Option<Duration.Duration>> = Config.option(
  parsed("IDLE_EXIT", positiveDuration("IDLE_EXIT"))
)

/** `MAX_RECORDS_PER_FILE`: the archiver closes a file when it holds this many reports, default 100000. */
export const MaxRecordsPerFileConfig: Config.Config<number> = Config.withDefault(
  parsed("MAX_RECORDS_PER_FILE", parseInteger("MAX_RECORDS_PER_FILE", { min: 1, max: 10_000_000 })),
  100_000
)

/** `IDLE_FLUSH`: the archiver writes its open files after this long without new records, default 5 s. */
export const IdleFlushConfig: Config.Config<Duration.Duration> = Config.withDefault(
  parsed("IDLE_FLUSH", positiveDuration("IDLE_FLUSH")),
  Duration.seconds(5)
)

/** Run `self` with these settings laid over the current configuration (flags over the environment). */
export const withSettings =
  (settings: Readonly<Record<string, string | undefined>>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.configProviderWith((current) =>
      Effect.withConfigProvider(
        self,
        ConfigProvider.orElse(
          ConfigProvider.fromMap(
            new Map(Object.entries(settings).flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as const])))
          ),
          () => current
        )
      )
    )

/** A duration as a setting's text (what `parseDuration` reads back). */
export const durationText = (d: Duration.Duration): string => `${Duration.toMillis(d)}ms`

/** The settings `alert` and `archive` take from their common flags. */
export const consumerSettings = (o: {
  readonly idleExit: Option.Option<Duration.Duration>
  readonly metricsPort: Option.Option<number>
}): Readonly<Record<string, string | undefined>> => ({
  IDLE_EXIT: Option.getOrUndefined(Option.map(o.idleExit, durationText)),
  METRICS_PORT: Option.getOrUndefined(Option.map(o.metricsPort, String))
})
