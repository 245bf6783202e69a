import { Command, Options } from "@effect/cli"
import { Effect, Layer } from "effect"
import { consumerSettings, withSettings } from "../config/Settings.js"
import * as Flags from "./Flags.js"

const consoleAlerts = Options.boolean("console").pipe(
  Options.withDescription(
    "Also print one line per alert on stderr (readable on a terminal, a JSON line otherwise). Default: off."
  )
)

// The implementation (Kafka client, metrics server) loads when the command runs, not for --help or other commands.
const implementation = Effect.promise(() =>
  Promise.all([import("../adapters/AlertSinks.js"), import("../alerter/Alerter.js"), import("./OnKafka.js")])
)

export const alertCommand = Command.make(
  "alert",
  { threshold: Flags.threshold, idleExit: Flags.idleExit, console: consoleAlerts, metricsPort: Flags.metricsPort },
  (o) =>
    Effect.gen(function* () {
      const [AlertSinks, { Alerter, AlerterLive }, { launchOnKafka }] = yield* implementation
      const sink = o.console
        ? AlertSinks.both(AlertSinks.streamSinkLive, AlertSinks.consoleSink)
        : AlertSinks.streamSinkLive
      yield* launchOnKafka("alerter", Alerter, AlerterLive.pipe(Layer.provide(sink)))
    }).pipe(withSettings({ PEACESCORE_THRESHOLD: String(o.threshold), ...consumerSettings(o) }))
).pipe(
  Command.withDescription(
    "Long-running alerter on Kafka: reports → alert rule → alerts topic (bad input → dead-letter topic)"
  )
)
