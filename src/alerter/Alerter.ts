import { Array as Arr, type Duration, Effect, Either, Option } from "effect"
import type { Alert } from "../domain/Alert.js"
import { alertsOf } from "../domain/AlertRule.js"
import { decodeReport } from "../domain/Codec.js"
import { AlertSink } from "../ports/AlertSink.js"
import { type Batch, type LogRecord, MessageLog, type OutgoingRecord } from "../ports/MessageLog.js"
import { add, type Counters } from "../util/Counters.js"
import type { Names } from "../config/Names.js"

export interface AlerterOptions {
  readonly names: Names
  readonly threshold: number
  readonly idleExit: Option.Option<Duration.Duration>
  readonly stopWhenIdle?: Effect.Effect<boolean>
  readonly counters: Counters
}

/** A bad record for the dead-letter topic: original key and bytes, the reason in the `error` header. */
export const deadLetter = (record: LogRecord, reason: string): OutgoingRecord => ({
  key: Option.getOrElse(record.key, () => ""),
  value: record.value,
  headers: { ...record.headers, error: reason, "source.topic": record.topic, "source.partition": String(record.partition), "source.offset": String(record.offset) }
})

type Outcome = Either.Either<ReadonlyArray<Alert>, OutgoingRecord>

const judge = (threshold: number, detectedAt: Date) => (record: LogRecord): Outcome =>
  Either.match(decodeReport(record.value), {
    onLeft: (error) => Either.left(deadLetter(record, error.message)),
    onRight: (report) => Either.right(alertsOf(report, { threshold, detectedAt }))
  })

/**
 * The alerter: consume reports, apply the rule, publish alerts and dead letters, and only then
 * commit — so a crash re-delivers (at-least-once; alert ids are stable for de-duplication).
 */
export const runAlerter = (options: AlerterOptions) =>
  Effect.gen(function* () {
    const log = yield* MessageLog
    const sink = yield* AlertSink
    const { names, counters } = options
    yield* Effect.forEach([names.reportsTopic, names.alertsTopic, names.dlqTopic], (t) => log.ensureTopic(t, names.partitions), { discard: true })

    const handle = (batch: Batch) =>
      Effect.gen(function* () {
        const outcomes = batch.records.map(judge(options.threshold, new Date()))
        const [bad, good] = Arr.partitionMap(outcomes, (o) => o)
        const alerts = Arr.flatten(good)
        yield* Effect.forEach(bad, (d) => Effect.logWarning(`dead-lettered ${d.headers?.["source.partition"]}/${d.headers?.["source.offset"]}: ${d.headers?.["error"]}`), { discard: true })
        yield* Effect.all([sink.publish(alerts), bad.length > 0 ? log.publish(names.dlqTopic, bad) : Effect.void], { concurrency: 2, discard: true })
        yield* add(counters.recordsIn, batch.records.length)
        yield* add(counters.rejected, bad.length)
        yield* add(counters.alerts, alerts.length)
        return Option.map(Arr.last(batch.records), (r) => ({ partition: batch.partition, offset: r.offset + 1 }))
      }).pipe(Effect.withSpan("Alerter.batch"))

    yield* log.consume(
      { topic: names.reportsTopic, group: names.alerterGroup, idleExit: options.idleExit, stopWhenIdle: options.stopWhenIdle },
      (commit) => ({
        onAssigned: (partitions) => Effect.logDebug("alerter assigned", partitions),
        onRevoked: (partitions) => Effect.logDebug("alerter revoked", partitions),
        onBatch: (batch) =>
          Effect.flatMap(handle(batch), (next) =>
            Option.match(next, {
              onNone: () => Effect.void,
              // A refused commit (rebalance) only means the new owner re-sends these alerts: at-least-once.
              onSome: (o) => Effect.catchAll(commit([o]), (e) => Effect.logWarning(`alerter commit refused: ${e.message}`))
            })
          ),
        onIdle: Effect.void,
        onStop: Effect.void
      })
    )
  })

