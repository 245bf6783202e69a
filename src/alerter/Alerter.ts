import { Array as Arr, type Duration, Effect, Either, Option, Predicate } from "effect"
import type { Alert } from "../domain/Alert.js"
import { alertsOf, hasAlert } from "../domain/AlertRule.js"
import { decodeReport } from "../domain/Codec.js"
import { AlertSink } from "../ports/AlertSink.js"
import { type Batch, type LogError, type LogRecord, MessageLog, type OutgoingRecord } from "../ports/MessageLog.js"
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
    : { ...d, value: bytes.subarray(0, MaxDeadLetterBytes), headers: { ...d.headers, "value.truncated": "true", "value.bytes": String(bytes.byteLength) } }
}

const refusedForSize = (e: LogError) => Predicate.hasProperty(e.cause, "type") && e.cause.type === "MESSAGE_TOO_LARGE"

// The reports topic may take larger messages than the dead-letter topic (e.g. max.message.bytes raised on one
// of them): a bad record the dead-letter topic refuses must not stop the alerter, so it goes there truncated.
// Records of the batch already sent may be sent twice, as after any retry.
const publishDeadLetters = (log: MessageLog["Type"], topic: string, bad: ReadonlyArray<OutgoingRecord>) =>
  log.publish(topic, bad).pipe(
    Effect.catchIf(refusedForSize, () =>
      Effect.zipRight(
        Effect.logWarning(`dead-letter topic ${topic} refused a record for its size: sending the first ${MaxDeadLetterBytes} bytes of each larger value`),
        log.publish(topic, bad.map(truncateDeadLetter))
      )
    )
  )

type Outcome = Either.Either<ReadonlyArray<Alert>, OutgoingRecord>

const noAlerts: ReadonlyArray<Alert> = []

// Most reports hold no alert: check first, so only the few that do pay for building alerts (and the ISO date).
const judge = (threshold: number, detectedAt: Date) => (record: LogRecord): Outcome =>
  Either.match(decodeReport(record.value), {
    onLeft: (error) => Either.left(deadLetter(record, error.message)),
    onRight: (report) => Either.right(hasAlert(report, threshold) ? alertsOf(report, { threshold, detectedAt }) : noAlerts)
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
        yield* Effect.forEach(bad, (d) => Effect.logWarning(`dead-lettered ${whereFrom(d.headers ?? {})}: ${d.headers?.["error"]}`), { discard: true })
        // Forking costs ~0.1 ms of CPU per batch: only when there are dead letters to publish alongside the alerts.
        yield* bad.length > 0 ? Effect.all([sink.publish(alerts), publishDeadLetters(log, names.dlqTopic, bad)], { concurrency: 2, discard: true }) : sink.publish(alerts)
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

