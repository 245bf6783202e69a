import { FileSystem, type Error as PlatformError } from "@effect/platform"
import { Chunk, Data, Effect, Layer, type Metric, Option, Ref, Schedule, Stream } from "effect"
import * as AlertSinks from "../adapters/AlertSinks.js"
import { Alerter, AlerterLive } from "../alerter/Alerter.js"
import { analyze } from "../analyzer/Analyzer.js"
import { Archiver, ArchiverLive } from "../archiver/Archiver.js"
import { NamesConfig } from "../config/Names.js"
import { withSettings } from "../config/Settings.js"
import { encodeReport } from "../domain/Codec.js"
import { type Analysis, toAnalysis } from "../domain/Stats.js"
import { alertsPublished, count, filesWritten, recordsIn, recordsRejected, reportsArchived } from "../ops/Metrics.js"
import { StopWhenIdle } from "../ops/Running.js"
import { MessageLog, type OutgoingRecord } from "../ports/MessageLog.js"
import { reports } from "../simulator/Simulator.js"
import { fmt, rate, withProgress } from "../terminal/Progress.js"
import { randomUUID } from "node:crypto"
import { claimDemoArchive } from "./DemoArchive.js"

export type DemoSource =
  | {
      readonly _tag: "Simulator"
      readonly seed: number
      readonly count: number
      readonly drones: number
      readonly startMs: number
      readonly alertRatio: number
    }
  | { readonly _tag: "File"; readonly path: string }

export interface DemoOptions {
  readonly source: DemoSource
  readonly dataDir: string
  readonly threshold: number
  readonly workers: number
  readonly maxRecordsPerFile: number
  readonly progress: boolean
}

/** The demo's summary (CONTRACT §6). */
export interface DemoSummary {
  readonly produced: number
  readonly rejected: number
  readonly alerts: number
  readonly archived: number
  readonly files: number
  readonly analysis: Analysis
}

const PublishChunk = 2048
const MaxLag = 100_000

/** The key of a raw line: its droneId when it has one, so bad lines still land somewhere stable. */
const keyOfLine = (line: string): string =>
  Option.getOrElse(
    Option.flatMap(Option.fromNullable(/"droneId"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(line)), (m) =>
      Option.fromNullable(m[1])
    ),
    () => ""
  )

/** The demo's input file could not be read. */
export class DemoSourceError extends Data.TaggedError("DemoSourceError")<{
  readonly path: string
  readonly cause: PlatformError.PlatformError
}> {
  override get message(): string {
    return `cannot read ${this.path}: ${this.cause.message}`
  }
}

const sourceRecords = (source: DemoSource): Stream.Stream<OutgoingRecord, DemoSourceError, FileSystem.FileSystem> =>
  source._tag === "Simulator"
    ? reports({ ...source, rate: undefined }).pipe(Stream.map((r) => ({ key: r.droneId, value: encodeReport(r) })))
    : Stream.unwrap(
        Effect.map(FileSystem.FileSystem, (fs) =>
          fs.stream(source.path).pipe(
            Stream.decodeText(),
            Stream.splitLines,
            Stream.zipWithIndex,
            Stream.filter(([line]) => line.trim().length > 0),
            Stream.map(([line, index]) => ({
              key: keyOfLine(line),
              value: line,
              headers: { "source.file": source.path, "source.line": String(index + 1) }
            })),
            Stream.mapError((cause) => new DemoSourceError({ path: source.path, cause }))
          )
        )
      )

// A component's count in this run (the demo tags its metrics with a run of its own), read with the fiber's
// tags in the order the component writes them: Effect's metric keys compare tags in order.
const countOf = (component: string, counter: Metric.Metric.Counter<number>) =>
  Effect.tagMetrics(count(counter), "component", component)

/**
 * The whole pipeline in one process with no services: source → message log → the alerter and archiver
 * components (the same layers `alert` and `archive` launch, as separate consumer groups) → archive →
 * analyzer. The caller provides the adapters: the CLI gives the in-memory log and a local folder.
 */
export const runDemo = (options: DemoOptions) =>
  Effect.gen(function* () {
    const log = yield* MessageLog
    const names = yield* NamesConfig
    // The embedded stream starts empty on every run, so the embedded archive is started afresh too,
    // deleting only what an earlier demo provably wrote.
    yield* claimDemoArchive(options.dataDir)
    yield* Effect.forEach(
      [names.reportsTopic, names.alertsTopic, names.dlqTopic],
      (t) => log.ensureTopic(t, names.partitions),
      { discard: true }
    )

    const produced = yield* Ref.make(0)
    const producing = yield* Ref.make(true)
    const components = Layer.merge(AlerterLive.pipe(Layer.provide(AlertSinks.streamSinkLive)), ArchiverLive).pipe(
      Layer.provide(
        Layer.succeed(
          StopWhenIdle,
          Effect.map(Ref.get(producing), (p) => !p)
        )
      )
    )

    // The embedded producer waits while the consumers lag too far behind, so memory stays bounded
    // (the in-memory log forgets what both groups have committed).
    const lag = Effect.gen(function* () {
      const p = yield* Ref.get(produced)
      return p - Math.min(yield* countOf("alerter", recordsIn), yield* countOf("archiver", recordsIn))
    })
    const waitForConsumers = Effect.repeat(lag, { until: (n) => n <= MaxLag, schedule: Schedule.spaced("5 millis") })
    const produce = sourceRecords(options.source).pipe(
      Stream.rechunk(PublishChunk),
      Stream.runForEachChunk((chunk) =>
        Effect.zipRight(
          waitForConsumers,
          Effect.zipRight(
            log.publish(names.reportsTopic, Chunk.toReadonlyArray(chunk)),
            Ref.update(produced, (n) => n + Chunk.size(chunk))
          )
        )
      ),
      Effect.ensuring(Ref.set(producing, false))
    )

    const line = (s: number) =>
      Effect.gen(function* () {
        const p = yield* Ref.get(produced)
        const [read, alerts, rejected, archived, files] = yield* Effect.all([
          countOf("alerter", recordsIn),
          countOf("alerter", alertsPublished),
          countOf("alerter", recordsRejected),
          countOf("archiver", reportsArchived),
          countOf("archiver", filesWritten)
        ])
        return `produced ${fmt(p)} (${rate(p, s)}) · alerted ${fmt(read)} → ${fmt(alerts)} alerts, ${fmt(rejected)} rejected · archived ${fmt(archived)} in ${fmt(files)} files`
      })

    yield* withProgress(
      Effect.gen(function* () {
        const alerter = yield* Alerter
        const archiver = yield* Archiver
        yield* produce
        yield* alerter.done
        yield* archiver.done
      }).pipe(Effect.provide(components)),
      line,
      { enabled: options.progress, quietEvery: "10 seconds" }
    )

    const result = yield* analyze({
      root: options.dataDir,
      threshold: options.threshold,
      workers: options.workers,
      shard: Option.none(),
      from: Option.none(),
      until: Option.none(),
      progress: options.progress
    })
    const summary: DemoSummary = {
      produced: yield* Ref.get(produced),
      rejected: yield* countOf("alerter", recordsRejected),
      alerts: yield* countOf("alerter", alertsPublished),
      archived: yield* countOf("archiver", reportsArchived),
      files: yield* countOf("archiver", filesWritten),
      analysis: toAnalysis(result.stats)
    }
    return summary
  }).pipe(
    withSettings({
      PEACESCORE_THRESHOLD: String(options.threshold),
      MAX_RECORDS_PER_FILE: String(options.maxRecordsPerFile),
      IDLE_FLUSH: "30s"
    }),
    (self) => Effect.flatMap(Effect.sync(randomUUID), (run) => Effect.tagMetrics(self, "run", run))
  )
