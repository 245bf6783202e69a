import { type ConfigError, Effect, Layer } from "effect"
import { NamesConfig } from "../config/Names.js"
import type { Alert } from "../domain/Alert.js"
import { encodeAlert } from "../domain/Codec.js"
import { AlertSink } from "../ports/AlertSink.js"
import { MessageLog } from "../ports/MessageLog.js"
import { printable, stderrLine } from "../terminal/Stderr.js"

/** Alerts to the alerts topic, keyed by droneId. */
export const streamSink = (topic: string): Layer.Layer<AlertSink, never, MessageLog> =>
  Layer.effect(
    AlertSink,
    Effect.map(MessageLog, (log) =>
      AlertSink.of({
        publish: (alerts) =>
          alerts.length === 0
            ? Effect.void
            : log.publish(
                topic,
                alerts.map((a) => ({ key: a.droneId, value: encodeAlert(a) }))
              )
      })
    )
  )

/** Alerts to the alerts topic of the configuration (`ALERTS_TOPIC`). */
export const streamSinkLive: Layer.Layer<AlertSink, ConfigError.ConfigError, MessageLog> = Layer.unwrapEffect(
  Effect.map(NamesConfig, (names) => streamSink(names.alertsTopic))
)

/** One readable line per alert. */
export const formatAlert = (a: Alert): string =>
  `ALERT ${printable(a.timestamp)} ${printable(a.droneId)} ${printable(a.citizen)} peacescore=${a.peacescore} at ${a.location.latitude},${a.location.longitude} (${a.alertId})`

/** Alerts as lines on stderr (stdout stays for machine output): readable on a terminal, JSON lines otherwise. */
export const consoleSink: Layer.Layer<AlertSink> = Layer.succeed(
  AlertSink,
  AlertSink.of({
    publish: (alerts) =>
      alerts.length === 0
        ? Effect.void
        : Effect.sync(() => void process.stderr.write(alerts.map((a) => stderrLine("INFO", formatAlert(a))).join("")))
  })
)

/** Every alert to both sinks. */
export const both = <E1, R1, E2, R2>(
  a: Layer.Layer<AlertSink, E1, R1>,
  b: Layer.Layer<AlertSink, E2, R2>
): Layer.Layer<AlertSink, E1 | E2, R1 | R2> =>
  Layer.effect(
    AlertSink,
    Effect.gen(function* () {
      const first = yield* Effect.provide(AlertSink, a)
      const second = yield* Effect.provide(AlertSink, b)
      return AlertSink.of({ publish: (alerts) => Effect.zipRight(first.publish(alerts), second.publish(alerts)) })
    })
  )
