import { Effect, Layer } from "effect"
import type { Alert } from "../domain/Alert.js"
import { encodeAlert } from "../domain/Codec.js"
import { AlertSink } from "../ports/AlertSink.js"
import { MessageLog } from "../ports/MessageLog.js"

/** Alerts to the alerts topic, keyed by droneId. */
export const streamSink = (topic: string): Layer.Layer<AlertSink, never, MessageLog> =>
  Layer.effect(
    AlertSink,
    Effect.map(MessageLog, (log) =>
      AlertSink.of({
        publish: (alerts) =>
          alerts.length === 0 ? Effect.void : log.publish(topic, alerts.map((a) => ({ key: a.droneId, value: encodeAlert(a) })))
      })
    )
  )

/** One readable line per alert. */
export const formatAlert = (a: Alert): string =>
  `ALERT ${a.timestamp} ${a.droneId} ${a.citizen} peacescore=${a.peacescore} at ${a.location.latitude},${a.location.longitude} (${a.alertId})`

/** Alerts as readable lines on stderr (stdout stays for machine output). */
export const consoleSink: Layer.Layer<AlertSink> = Layer.succeed(
  AlertSink,
  AlertSink.of({
    publish: (alerts) =>
      alerts.length === 0 ? Effect.void : Effect.sync(() => void process.stderr.write(alerts.map(formatAlert).join("\n") + "\n"))
  })
)

/** Every alert to both sinks. */
export const both = (a: Layer.Layer<AlertSink, never, MessageLog>, b: Layer.Layer<AlertSink>): Layer.Layer<AlertSink, never, MessageLog> =>
  Layer.effect(
    AlertSink,
    Effect.gen(function* () {
      const first = yield* Effect.provide(AlertSink, a)
      const second = yield* Effect.provide(AlertSink, b)
      return AlertSink.of({ publish: (alerts) => Effect.zipRight(first.publish(alerts), second.publish(alerts)) })
    })
  )
