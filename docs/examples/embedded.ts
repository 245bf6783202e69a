// The components on the embedded adapters, in one process: publish simulated reports to an in-memory log,
// run the alerter (alerts to your own sink) and the archiver (Parquet files in a folder) on it, then fold
// the archive. Swap InMemoryLog for KafkaLog (peacestate/kafka) and the folder for S3ObjectStore
// (peacestate/s3) and the same code runs on the real services.
import { NodeContext } from "@effect/platform-node"
import { Chunk, Effect, Layer, Logger, Metric, Ref, Stream } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Alerter, AlerterLive, DefaultNames, Metrics, StopWhenIdle, withSettings } from "peacestate/alerter"
import { foldFiles, ReportsPrefix } from "peacestate/archive"
import { Archiver, ArchiverLive } from "peacestate/archiver"
import { type Alert, encodeReport } from "peacestate/domain"
import { InMemoryLog, LocalObjectStore } from "peacestate/memory"
import { AlertSink, MessageLog, ObjectStore } from "peacestate/ports"
import { reports } from "peacestate/simulator"

const names = { ...DefaultNames, partitions: 3 }
const run = { seed: 7, drones: 50, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01, count: 20_000 }

const program = Effect.gen(function* () {
  const log = yield* MessageLog
  yield* Effect.forEach([names.reportsTopic, names.alertsTopic, names.dlqTopic], (topic) =>
    log.ensureTopic(topic, names.partitions)
  )

  // The producer: one record per report, keyed by drone so each drone's reports stay in order.
  yield* reports(run).pipe(
    Stream.map((r) => ({ key: r.droneId, value: encodeReport(r) })),
    Stream.rechunk(1_000),
    Stream.runForEachChunk((chunk) => log.publish(names.reportsTopic, Chunk.toReadonlyArray(chunk)))
  )
  // A poisoned message: the alerter sends it to the dead-letter topic with the reason, and carries on.
  yield* log.publish(names.reportsTopic, [{ key: "pw-0001", value: '{"schemaVersion":1}' }])

  // An AlertSink of our own: collect the alerts (the CLI's sinks publish them to a topic or print them).
  const received = yield* Ref.make<ReadonlyArray<Alert>>([])
  const sink = Layer.succeed(AlertSink, {
    publish: (alerts: ReadonlyArray<Alert>) => Ref.update(received, (all) => [...all, ...alerts])
  })

  // Both components at once, as layers; each stops once it has caught up (StopWhenIdle), after a final
  // flush and commit. Their settings come from Config: here from a map laid over the environment.
  const components = Layer.merge(AlerterLive.pipe(Layer.provide(sink)), ArchiverLive).pipe(
    Layer.provide(Layer.succeed(StopWhenIdle, Effect.succeed(true)))
  )
  yield* Effect.gen(function* () {
    const alerter = yield* Alerter
    const archiver = yield* Archiver
    yield* Effect.all([alerter.done, archiver.done], { concurrency: "unbounded" })
  }).pipe(
    Effect.provide(components),
    withSettings({ TOPIC_PARTITIONS: String(names.partitions), MAX_RECORDS_PER_FILE: "5000" })
  )

  // Their counts are Effect metrics, tagged by component.
  const counted = (component: string, counter: typeof Metrics.recordsIn) =>
    Effect.map(Metric.value(counter.pipe(Metric.tagged("component", component))), (s) => s.count)
  console.log(
    `alerter: ${yield* counted("alerter", Metrics.recordsIn)} records, ${yield* counted("alerter", Metrics.alertsPublished)} alerts, ${yield* counted("alerter", Metrics.recordsRejected)} rejected; the sink got ${(yield* Ref.get(received)).length}`
  )
  console.log(
    `archiver: ${yield* counted("archiver", Metrics.reportsArchived)} reports archived, ${yield* counted("archiver", Metrics.recordsRejected)} rejected`
  )
  const deadLetters = (yield* log.endOffsets(names.dlqTopic)).reduce((n, p) => n + p.offset, 0)
  console.log(`dead-letter topic: ${deadLetters} record`)

  // Fold every archive file in this thread (peacestate/analyzer does it in worker threads).
  const store = yield* ObjectStore
  const files = yield* Stream.runCollect(store.list(ReportsPrefix))
  const stats = yield* foldFiles(
    Chunk.toReadonlyArray(files).map((f) => f.key),
    20
  )
  console.log(`archive: ${stats.reports} reports, ${stats.alerts} alerts`)
})

const folder = mkdtempSync(join(tmpdir(), "peacestate-example-"))
const adapters = Layer.mergeAll(
  InMemoryLog.layer,
  LocalObjectStore.layer(folder).pipe(Layer.provide(NodeContext.layer)),
  Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger)) // logs to stderr, as the CLI does
)
await Effect.runPromise(
  program.pipe(
    Effect.provide(adapters),
    Effect.ensuring(Effect.sync(() => rmSync(folder, { recursive: true, force: true })))
  )
)
