import { Array as Arr, Config, Effect, Either, Metric, Option } from "effect"
import { deadLetter, whereFrom } from "../alerter/Alerter.js"
import { NamesConfig } from "../config/Names.js"
import { IdleExitConfig } from "../config/Settings.js"
import { decodeAlert } from "../domain/Codec.js"
import { StopWhenIdle } from "../ops/Running.js"
import { ConsoleStore } from "../ports/ConsoleStore.js"
import { type Batch, type LogError, MessageLog, type PartitionOffset } from "../ports/MessageLog.js"

// The console's ingest: the alerts topic, consumed as group `peacestate-console`, stored once each (alertId
// unique in the store), and only then committed. A crash before the commit re-delivers alerts the store
// already holds, which it does not store again: none lost, none doubled. A record that is not an alert goes
// to the dead-letter topic with the reason.

export const alertsStored = Metric.counter("peacestate_console_alerts_stored_total", {
  description: "Alerts the console stored for the first time",
  incremental: true
})

export const IngestConfig = Config.all({ names: NamesConfig, idleExit: IdleExitConfig })

const decoder = new TextDecoder("utf-8", { fatal: false })

export const make = Effect.gen(function* () {
  const { names, idleExit } = yield* IngestConfig
  const log = yield* MessageLog
  const store = yield* ConsoleStore
  const stopWhenIdle = yield* Effect.serviceOption(StopWhenIdle)

  const handle =
    (commit: (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>) => (batch: Batch) =>
      Effect.gen(function* () {
        const [bad, good] = Arr.partitionMap(batch.records, (r) =>
          Either.mapLeft(decodeAlert(decoder.decode(r.value)), (e) => deadLetter(r, `not an alert: ${e.message}`))
        )
        yield* Effect.forEach(
          bad,
          (d) => Effect.logWarning(`console: dead-lettered ${whereFrom(d.headers ?? {})}: ${d.headers?.["error"]}`),
          { discard: true }
        )
        if (bad.length > 0) yield* log.publish(names.dlqTopic, bad)
        const stored = yield* store.insert(good)
        yield* Metric.incrementBy(alertsStored, stored)
        // Stored first, committed after. A refused commit (a rebalance, a broker away) only means the next owner
        // reads these alerts again, and the store keeps them once.
        yield* Option.match(Arr.last(batch.records), {
          onNone: () => Effect.void,
          onSome: (r) =>
            commit([{ partition: batch.partition, offset: r.offset + 1 }]).pipe(
              Effect.catchAll((e) =>
                Effect.logWarning(`console: commit refused, alerts will be read again: ${e.message}`)
              )
            )
        })
      })

  return Effect.gen(function* () {
    yield* log.ensureTopic(names.alertsTopic, names.partitions)
    yield* log.ensureTopic(names.dlqTopic, names.partitions)
    yield* Effect.logInfo(`console: ${names.alertsTopic} → console store (group ${names.consoleGroup})`)
    yield* log.consume(
      {
        topic: names.alertsTopic,
        group: names.consoleGroup,
        idleExit,
        ...Option.match(stopWhenIdle, { onNone: () => ({}), onSome: (s) => ({ stopWhenIdle: s }) })
      },
      (commit) => ({
        onAssigned: (partitions) => Effect.logDebug("console assigned", partitions),
        onRevoked: (partitions) => Effect.logDebug("console revoked", partitions),
        onBatch: handle(commit),
        onIdle: Effect.void,
        onStop: Effect.void
      })
    )
  })
})
