import { Array as Arr, Config, Context, Duration, Effect, Either, Layer, Metric, Option } from "effect"
import { NamesConfig } from "../config/Names.js"
import { IdleExitConfig, ThresholdConfig } from "../config/Settings.js"
import type { Alert } from "../domain/Alert.js"
import { alertsOf, hasAlert } from "../domain/AlertRule.js"
import { decodeReport } from "../domain/Codec.js"
import {
  alertLatencySeconds,
  alertsPublished,
  batchSeconds,
  count,
  recordsIn,
  recordsRejected,
  register
} from "../ops/Metrics.js"
import { type Running, start, StopWhenIdle } from "../ops/Running.js"
import { AlertSink } from "../ports/AlertSink.js"
import {
  type Batch,
  type LogError,
  type LogRecord,
  MessageLog,
  type OutgoingRecord,
  RecordTooLarge
} from "../ports/MessageLog.js"
import { makeCommitter } from "./Committer.js"

/** The alerter's settings: topic names, `PEACESCORE_THRESHOLD`, `IDLE_EXIT`. */
export const AlerterConfig = Config.all({ names: NamesConfig, threshold: ThresholdConfig, idleExit: IdleExitConfig })

/** A bad record for the dead-letter topic: original key and bytes, the reason in the `error` header. */
export const deadLetter = (record: LogRecord, reason: string): OutgoingRecord => ({
  key: Option.getOrElse(record.key, () => ""),
  value: record.value,
  headers: {
    ...record.headers,
    error: reason,
    "source.topic": record.topic,
    "source.partition": String(record.partition),
    "source.offset": String(record.offset)
  }
})

/** Where a bad record came from: its line in the input file when the demo read one (`source.file`/`source.line` headers), else partition/offset. */
export const whereFrom = (headers: Readonly<Record<string, string>>): string =>
  headers["source.line"] !== undefined
    ? `line ${headers["source.line"]} of ${headers["source.file"] ?? "the input file"}`
    : `partition ${headers["source.partition"]} offset ${headers["source.offset"]}`

/** What a dead letter keeps of a value the dead-letter topic refuses for its size (room left for the headers under 1 MiB). */
export const MaxDeadLetterBytes = 900_000

const encoder = new TextEncoder()

/** The first MaxDeadLetterBytes of a larger value, its size in the `value.bytes` header. */
export const truncateDeadLetter = (d: OutgoingRecord): OutgoingRecord => {
  const bytes = typeof d.value === "string" ? encoder.encode(d.value) : d.value
  return bytes.byteLength <= MaxDeadLetterBytes
    ? d
    : {
        ...d,
        value: bytes.subarray(0, MaxDeadLetterBytes),
        headers: { ...d.headers, "value.truncated": "true", "value.bytes": String(bytes.byteLength) }
      }
}

const refusedForSize = (e: LogError) => e.cause instanceof RecordTooLarge

// The reports topic may take larger messages than the dead-letter topic (e.g. max.message.bytes raised on one
// of them): a bad record the dead-letter topic refuses must not stop the alerter, so it goes there truncated.
// Records of the batch already sent may be sent twice, as after any retry.
const publishDeadLetters = (log: MessageLog["Type"], topic: string, bad: ReadonlyArray<OutgoingRecord>) =>
  log
    .publish(topic, bad)
    .pipe(
      Effect.catchIf(refusedForSize, () =>
        Effect.zipRight(
          Effect.logWarning(
            `dead-letter topic ${topic} refused a record for its size: sending the first ${MaxDeadLetterBytes} bytes of each larger value`
          ),
          log.publish(topic, bad.map(truncateDeadLetter))
        )
      )
    )

type Outcome = Either.Either<ReadonlyArray<Alert>, OutgoingRecord>

const noAlerts: ReadonlyArray<Alert> = []

// Most reports hold no alert: check first, so only the few that do pay for building alerts (and the ISO date).
const judge =
  (threshold: number, detectedAt: Date) =>
  (record: LogRecord): Outcome =>
    Either.match(decodeReport(record.value), {
      onLeft: (error) => Either.left(deadLetter(record, error.message)),
      onRight: (report) =>
        Either.right(hasAlert(report, threshold) ? alertsOf(report, { threshold, detectedAt }) : noAlerts)
    })

const stoppedLine = Effect.gen(function* () {
  const [n, alerts, rejected] = yield* Effect.all([count(recordsIn), count(alertsPublished), count(recordsRejected)])
  yield* Effect.logInfo(`alerter: stopped after ${n} reports, ${alerts} alerts, ${rejected} dead-lettered`)
})

/**
 * The alerter: consume reports, apply the rule, publish alerts and dead letters, and only then commit — so
 * a crash re-delivers (at-least-once; alert ids are stable for de-duplication). `make` reads the settings
 * and services and returns the loop.
 */
export const make = Effect.gen(function* () {
  const { names, threshold, idleExit } = yield* AlerterConfig
  const log = yield* MessageLog
  const sink = yield* AlertSink
  const stopWhenIdle = yield* Effect.serviceOption(StopWhenIdle)
  const committer = yield* makeCommitter
  yield* register([recordsIn, recordsRejected, alertsPublished])

  const handle = Effect.fn("Alerter.batch")(function* (batch: Batch) {
    const outcomes = batch.records.map(judge(threshold, new Date()))
    const [bad, good] = Arr.partitionMap(outcomes, (o) => o)
    const alerts = Arr.flatten(good)
    yield* Effect.forEach(
      bad,
      (d) => Effect.logWarning(`dead-lettered ${whereFrom(d.headers ?? {})}: ${d.headers?.["error"]}`),
      { discard: true }
    )
    // Forking costs ~0.1 ms of CPU per batch: only when there are dead letters to publish alongside the alerts.
    yield* bad.length > 0
      ? Effect.all([sink.publish(alerts), publishDeadLetters(log, names.dlqTopic, bad)], {
          concurrency: 2,
          discard: true
        })
      : sink.publish(alerts)
    const published = Date.now()
    yield* Effect.forEach(
      Arr.filter(Arr.zip(batch.records, outcomes), ([, o]) => Either.isRight(o) && o.right.length > 0),
      ([r]) => Metric.update(alertLatencySeconds, Math.max(0, published - r.timestamp) / 1000),
      { discard: true }
    )
    yield* Metric.incrementBy(recordsIn, batch.records.length)
    yield* Metric.incrementBy(recordsRejected, bad.length)
    yield* Metric.incrementBy(alertsPublished, alerts.length)
    return Option.map(Arr.last(batch.records), (r) => ({ partition: batch.partition, offset: r.offset + 1 }))
  })

  const consume = log.consume(
    {
      topic: names.reportsTopic,
      group: names.alerterGroup,
      idleExit,
      stopWhenIdle: Option.getOrUndefined(stopWhenIdle)
    },
    (commit) => ({
      onAssigned: (partitions) =>
        Effect.zipRight(Effect.logDebug("alerter assigned", partitions), committer.assign(partitions)),
      onRevoked: (partitions) =>
        Effect.zipRight(Effect.logDebug("alerter revoked", partitions), committer.forget(partitions)),
      onBatch: (batch) =>
        Effect.flatMap(handle(batch), (next) =>
          Option.match(next, {
            onNone: () => Effect.void,
            // Committed in the background after the publish; a refused commit (rebalance) only means the new owner
            // re-sends these alerts: at-least-once.
            onSome: (o) => committer.offer(commit, o)
          })
        ).pipe(Metric.trackDurationWith(batchSeconds, Duration.toSeconds)),
      onIdle: committer.retry(commit),
      onStop: committer.flush(commit)
    })
  )

  return Effect.gen(function* () {
    yield* Effect.forEach(
      [names.reportsTopic, names.alertsTopic, names.dlqTopic],
      (t) => log.ensureTopic(t, names.partitions),
      { discard: true }
    )
    yield* Effect.logInfo(
      `alerter: ${names.reportsTopic} → ${names.alertsTopic} (group ${names.alerterGroup}, threshold ${threshold})`
    )
    yield* consume
  }).pipe(Effect.ensuring(stoppedLine))
})

/** The running alerter. */
export class Alerter extends Context.Tag("peacestate/Alerter")<Alerter, Running<LogError>>() {}

/** The alerter as a layer: built, it runs; `Alerter.done` ends with it. Needs a `MessageLog` and an `AlertSink`. */
export const AlerterLive = Layer.scoped(Alerter, start("alerter", make))
