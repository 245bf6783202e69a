import { Effect, Option } from "effect"
import * as KafkaLog from "../adapters/KafkaLog.js"
import { MessageLog } from "../ports/MessageLog.js"
import { type Counters, makeCounters } from "../util/Counters.js"
import * as HealthServer from "../util/HealthServer.js"
import * as Metrics from "../util/Metrics.js"
import { shutdownDeadline } from "../util/Shutdown.js"

/**
 * What `alert` and `archive` share around their consumer: a bounded shutdown, the counters, the metrics
 * server (up before Kafka is reached, so /healthz answers while the consumer connects), the group's lag
 * sampled when metrics are on, and the Kafka message log observed by the probe.
 */
export const runConsumer = <E, R>(
  options: { readonly component: Metrics.Component; readonly topic: string; readonly group: string; readonly metricsPort: Option.Option<number> },
  run: (counters: Counters, probe: Metrics.Probe) => Effect.Effect<void, E, R>
) =>
  Effect.gen(function* () {
    yield* shutdownDeadline(options.component)
    const counters = yield* makeCounters
    const probe = yield* Metrics.makeProbe(options.component, counters)
    yield* HealthServer.serve(options.metricsPort, probe)
    yield* Effect.gen(function* () {
      if (Option.isSome(options.metricsPort)) yield* Metrics.trackLag(probe, options.topic, options.group)
      yield* run(counters, probe).pipe(Effect.updateService(MessageLog, Metrics.observeLog(probe)))
    }).pipe(Effect.scoped, Effect.provide(KafkaLog.layer))
  }).pipe(Effect.scoped)
