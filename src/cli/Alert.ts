import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { NamesConfig } from "../config/Names.js"
import * as Shared from "./Shared.js"

const consoleAlerts = Options.boolean("console").pipe(Options.withDescription("Also print one line per alert on stderr (readable on a terminal, a JSON line otherwise). Default: off."))

// The implementation (Kafka client, metrics server) loads when the command runs, not for --help or other commands.
const implementation = Effect.promise(() =>
  Promise.all([import("../adapters/AlertSinks.js"), import("../alerter/Alerter.js"), import("../util/Counters.js"), import("./Component.js")])
)

export const alertCommand = Command.make(
  "alert",
  { threshold: Shared.threshold, idleExit: Shared.idleExit, console: consoleAlerts, metricsPort: Shared.metricsPort },
  (o) =>
    Effect.gen(function* () {
      const [AlertSinks, { runAlerter }, { snapshot }, { runConsumer }] = yield* implementation
      const names = yield* NamesConfig
      const sink = o.console ? AlertSinks.both(AlertSinks.streamSink(names.alertsTopic), AlertSinks.consoleSink) : AlertSinks.streamSink(names.alertsTopic)
      yield* runConsumer({ component: "alerter", topic: names.reportsTopic, group: names.alerterGroup, metricsPort: o.metricsPort }, (counters) =>
        Effect.zipRight(
          Effect.logInfo(`alerter: ${names.reportsTopic} → ${names.alertsTopic} (group ${names.alerterGroup}, threshold ${o.threshold})`),
          runAlerter({ names, threshold: o.threshold, idleExit: o.idleExit, counters }).pipe(
            Effect.provide(sink),
            Effect.ensuring(Effect.flatMap(snapshot(counters), (c) => Effect.logInfo(`alerter: stopped after ${c.recordsIn} reports, ${c.alerts} alerts, ${c.rejected} dead-lettered`)))
          )
        )
      )
    })
).pipe(Command.withDescription("Long-running alerter on Kafka: reports → alert rule → alerts topic (bad input → dead-letter topic)"))
