import { Config, type ConfigError, Duration, Effect, Layer } from "effect"
import { writeStderr } from "../terminal/Stderr.js"

const DefaultDeadline = Duration.seconds(9)

/**
 * On SIGTERM/SIGINT, exit 1 if the component has not flushed and committed within `SHUTDOWN_TIMEOUT` (default 9 s):
 * a SIGKILL as far as the data goes, which the archive survives (uncommitted records are read again).
 */
export const shutdownDeadline = (component: string) =>
  Effect.gen(function* () {
    const deadline = yield* Config.withDefault(Config.duration("SHUTDOWN_TIMEOUT"), DefaultDeadline)
    const ms = Duration.toMillis(deadline)
    const onSignal = (signal: NodeJS.Signals) => {
      // unref: a stop that finishes in time ends the process as usual.
      setTimeout(() => {
        writeStderr(
          "ERROR",
          `peacestate: ${component} could not flush and commit within ${Duration.format(deadline)} of ${signal}; exiting: what it had not committed will be read again`
        )
        process.exit(1)
      }, ms).unref()
    }
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        process.once("SIGTERM", onSignal)
        process.once("SIGINT", onSignal)
      }),
      () =>
        Effect.sync(() => {
          process.off("SIGTERM", onSignal)
          process.off("SIGINT", onSignal)
        })
    )
  })

/** The deadline as a layer, for the life of whatever it is built with. */
export const ShutdownDeadlineLive = (component: string): Layer.Layer<never, ConfigError.ConfigError> =>
  Layer.scopedDiscard(shutdownDeadline(component))
