import { type Context, Duration, Effect, Layer, Option } from "effect"
import * as KafkaLog from "../adapters/KafkaLog.js"
import { HealthServerLive, MetricsPortConfig } from "../ops/HealthServer.js"
import { MessageLogMetrics } from "../ops/Instrument.js"
import { launch, type Running } from "../ops/Running.js"
import { ShutdownDeadlineLive } from "../ops/Shutdown.js"
import type { MessageLog } from "../ports/MessageLog.js"

/**
 * A component as `alert` and `archive` deploy it: on the Kafka message log, instrumented (lag sampled every
 * 5 s when metrics are served), beside a bounded shutdown and the health server — both up before Kafka is
 * reached, so /healthz answers while the consumer connects.
 */
export const launchOnKafka = <I, S extends Running<unknown>, LE, LR>(
  component: string,
  tag: Context.Tag<I, S>,
  layer: Layer.Layer<I, LE, LR | MessageLog>
) =>
  Effect.gen(function* () {
    const metricsPort = yield* MetricsPortConfig
    const log = MessageLogMetrics(Option.as(metricsPort, Duration.seconds(5))).pipe(Layer.provide(KafkaLog.layer))
    const beside = Layer.merge(ShutdownDeadlineLive(component), HealthServerLive)
    yield* launch(tag, layer.pipe(Layer.provide(log), Layer.provide(beside)))
  })
