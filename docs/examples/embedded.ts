// The components on the embedded adapters, in one process: publish simulated reports to an in-memory log,
// run the alerter (alerts to your own sink) and the archiver (Parquet files in a folder) on it, then fold
// the archive. Swap InMemoryLog for KafkaLog (peacestate/kafka) and the folder for S3ObjectStore
// (peacestate/s3) and the same code runs on the real services.
import { NodeContext } from "@effect/platform-node"
import { Chunk, Effect, Layer, Logger, Option, Ref, Stream } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DefaultNames, makeCounters, runAlerter, snapshot } from "peacestate/alerter"
import { foldFiles, ReportsPrefix } from "peacestate/archive"
import { runArchiver } from "peacestate/archiver"
import { type Alert, encodeReport } from "peacestate/domain"
import { InMemoryLog, LocalObjectStore } from "peacestate/memory"
import { AlertSink, MessageLog, ObjectStore } from "peacestate/ports"
import { reports } from "peacestate/simulator"

const names = { ...DefaultNames, partitions: 3 }
const run = { seed: 7, drones: 50, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01, count: 20_000 }

const program = Effect.gen(function* () {
  const log = yield* MessageLog
  yield* Effect.forEach([names.reportsTopic, names.alertsTopic, names.dlqTopic], (topic) => log.ensureTopic(topic, names.partitions))

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
  const sink = Layer.succeed(AlertSink, { publish: (alerts: ReadonlyArray<Alert>) => Ref.update(received, (all) => [...all, ...alerts]) })

  // Both consumer groups at once; each stops once it has caught up (stopWhenIdle), after a final flush and commit.
  const alerter = yield* makeCounters
  const archiver = yield* makeCounters
  const done = { idleExit: Option.none(), stopWhenIdle: Effect.succeed(true) }
  yield* Effect.all(
    [
      runAlerter({ names, threshold: 20, counters: alerter, ...done }).pipe(Effect.provide(sink)),
      runArchiver({ names, maxRecordsPerFile: 5_000, counters: archiver, ...done })
    ],
    { concurrency: "unbounded" }
  )
  const a = yield* snapshot(alerter)
  const r = yield* snapshot(archiver)
  console.log(`alerter: ${a.recordsIn} records, ${a.alerts} alerts, ${a.rejected} rejected; the sink got ${(yield* Ref.get(received)).length}`)
  console.log(`archiver: ${r.archived} reports archived, ${r.rejected} rejected`)
  const deadLetters = (yield* log.endOffsets(names.dlqTopic)).reduce((n, p) => n + p.offset, 0)
  console.log(`dead-letter topic: ${deadLetters} record`)

  // Fold every archive file in this thread (peacestate/analyzer does it in worker threads).
  const store = yield* ObjectStore
  const files = yield* Stream.runCollect(store.list(ReportsPrefix))
  const stats = yield* foldFiles(Chunk.toReadonlyArray(files).map((f) => f.key), 20)
  console.log(`archive: ${stats.reports} reports, ${stats.alerts} alerts`)
})

const folder = mkdtempSync(join(tmpdir(), "peacestate-example-"))
const adapters = Layer.mergeAll(
  InMemoryLog.layer,
  LocalObjectStore.layer(folder).pipe(Layer.provide(NodeContext.layer)),
  Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger)) // logs to stderr, as the CLI does
)
await Effect.runPromise(program.pipe(Effect.provide(adapters), Effect.ensuring(Effect.sync(() => rmSync(folder, { recursive: true, force: true })))))
