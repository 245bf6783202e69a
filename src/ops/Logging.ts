import { Config, Effect, Layer, Logger, LogLevel, Option } from "effect"
import { isTerminal } from "../terminal/Stderr.js"

const levels: Record<string, LogLevel.LogLevel> = {
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  warn: LogLevel.Warning,
  error: LogLevel.Error,
  none: LogLevel.None
}

/**
 * Logs go to stderr (stdout is for data: reports, JSON answers): readable on a terminal, one JSON
 * object per line otherwise. `LOG_LEVEL` (trace|debug|info|warning|error|none, default info).
 */
export const LoggingLive: Layer.Layer<never> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const name = yield* Effect.orElseSucceed(Config.option(Config.string("LOG_LEVEL")), () => Option.none<string>())
    const level = Option.getOrElse(
      Option.flatMap(name, (n) => Option.fromNullable(levels[n.toLowerCase()])),
      () => LogLevel.Info
    )
    const logger = isTerminal()
      ? Logger.prettyLogger({ stderr: true, colors: (process.env["NO_COLOR"] ?? "") === "" })
      : Logger.withConsoleError(Logger.jsonLogger)
    return Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(level))
  })
)
