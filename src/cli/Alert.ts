import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import * as AlertSinks from "../adapters/AlertSinks.js"
import * as KafkaLog from "../adapters/KafkaLog.js"
import { runAlerter } from "../alerter/Alerter.js"
import { NamesConfig } from "../config/Names.js"
import { MessageLog } from "../ports/MessageLog.js"
import { makeCounters, snapshot } from "../util/Counters.js"
import * as HealthServer from "../util/HealthServer.js"
import * as Metrics from "../util/Metrics.js"
import { shutdownDeadline } from "../util/Shutdown.js"
import * as Shared from "./Shared.js"

const consoleAlerts = Options.boolean("console").pipe(Options.withDescription("Also print one readable line per alert on stderr"))

export const alertCommand = Command.make(
  "alert",
  { threshold: Shared.threshold, idleExit: Shared.idleExit, console: consoleAlerts, metricsPort: Shared.metricsPort },
  (o) =>
    Effect.gen(function* () {
      const names = yield* NamesConfig
      yield* shutdownDeadline("alerter")
      const counters = yield* makeCounters
      const probe = yield* Metrics.makeProbe("alerter", counters)
      // Up before Kafka is reached, so /healthz answers while the consumer connects.
      yield* HealthServer.serve(o.metricsPort, probe)
      const sink = o.console ? AlertSinks.both(AlertSinks.streamSink(names.alertsTopic), AlertSinks.consoleSink) : AlertSinks.streamSink(names.alertsTopic)
      yield* Effect.gen(function* () {
        yield* Effect.logInfo(`alerter: ${names.reportsTopic} → ${names.alertsTopic} (group ${names.alerterGroup}, threshold ${o.threshold})`)
        if (Option.isSome(o.metricsPort)) yield* Metrics.trackLag(probe, names.reportsTopic, names.alerterGroup)
        yield* runAlerter({ names, threshold: o.threshold, idleExit: o.idleExit, counters }).pipe(
          Effect.provide(sink),
          Effect.updateService(MessageLog, Metrics.observeLog(probe)),
          Effect.ensuring(Effect.flatMap(snapshot(counters), (c) => Effect.logInfo(`alerter: stopped after ${c.recordsIn} reports, ${c.alerts} alerts, ${c.rejected} dead-lettered`)))
        )
      }).pipe(Effect.scoped, Effect.provide(KafkaLog.layer))
    }).pipe(Effect.scoped)
).pipe(Command.withDescription("Long-running alerter on Kafka: reports → alert rule → alerts topic (bad input → dead-letter topic)"))
