import { FileSystem, type Error as PlatformError } from "@effect/platform"
import { Chunk, Data, Duration, Effect, Fiber, Option, Ref, Schedule, Stream } from "effect"
import * as AlertSinks from "../adapters/AlertSinks.js"
import { runAlerter } from "../alerter/Alerter.js"
import { analyze } from "../analyzer/Analyzer.js"
import { runArchiver } from "../archiver/Archiver.js"
import type { Names } from "../config/Names.js"
import { type Analysis, toAnalysis } from "../domain/Stats.js"
import { MessageLog, type OutgoingRecord } from "../ports/MessageLog.js"
import { reports } from "../simulator/Simulator.js"
import { encodeReport } from "../domain/Codec.js"
import { makeCounters, snapshot } from "../util/Counters.js"
import { fmt, rate, withProgress } from "../util/Progress.js"
import { claimDemoArchive } from "./DemoArchive.js"

export type DemoSource =
  | { readonly _tag: "Simulator"; readonly seed: number; readonly count: number; readonly drones: number; readonly startMs: number; readonly alertRatio: number }
  | { readonly _tag: "File"; readonly path: string }

export interface DemoOptions {
  readonly source: DemoSource
  readonly dataDir: string
  readonly names: Names
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
  Option.getOrElse(Option.flatMap(Option.fromNullable(/"droneId"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(line)), (m) => Option.fromNullable(m[1])), () => "")

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
            Stream.map(([line, index]) => ({ key: keyOfLine(line), value: line, headers: { "source.file": source.path, "source.line": String(index + 1) } })),
            Stream.mapError((cause) => new DemoSourceError({ path: source.path, cause }))
          )
        )
      )

/**
 * The whole pipeline in one process with no services: source → in-memory stream → alerter and
 * archiver (concurrently, as separate consumer groups) → local-folder archive → analyzer.
 */
export const runDemo = (options: DemoOptions) =>
  Effect.gen(function* () {
    const log = yield* MessageLog
    const { names } = options
    // The embedded stream starts empty on every run, so the embedded archive is started afresh too,
    // deleting only what an earlier demo provably wrote.
    yield* claimDemoArchive(options.dataDir)
    yield* Effect.forEach([names.reportsTopic, names.alertsTopic, names.dlqTopic], (t) => log.ensureTopic(t, names.partitions), { discard: true })

    const alerter = yield* makeCounters
    const archiver = yield* makeCounters
    const produced = yield* Ref.make(0)
    const producing = yield* Ref.make(true)
    const stopWhenIdle = Effect.map(Ref.get(producing), (p) => !p)

    const alerterFiber = yield* Effect.fork(
      runAlerter({ names, threshold: options.threshold, idleExit: Option.none(), stopWhenIdle, counters: alerter }).pipe(
        Effect.provide(AlertSinks.streamSink(names.alertsTopic))
      )
    )
    const archiverFiber = yield* Effect.fork(
      runArchiver({ names, maxRecordsPerFile: options.maxRecordsPerFile, idleExit: Option.none(), stopWhenIdle, counters: archiver, idleFlush: Duration.seconds(30) })
    )

    // The embedded producer waits while the consumers lag too far behind, so memory stays bounded
    // (the in-memory log forgets what both groups have committed).
    const lag = Effect.gen(function* () {
      const p = yield* Ref.get(produced)
      return p - Math.min(yield* Ref.get(alerter.recordsIn), yield* Ref.get(archiver.recordsIn))
    })
    const waitForConsumers = Effect.repeat(lag, { until: (n) => n <= MaxLag, schedule: Schedule.spaced("5 millis") })
    const produce = sourceRecords(options.source).pipe(
      Stream.rechunk(PublishChunk),
      Stream.runForEachChunk((chunk) =>
        Effect.zipRight(waitForConsumers, Effect.zipRight(log.publish(names.reportsTopic, Chunk.toReadonlyArray(chunk)), Ref.update(produced, (n) => n + Chunk.size(chunk))))
      ),
      Effect.ensuring(Ref.set(producing, false))
    )

    const line = (s: number) =>
      Effect.gen(function* () {
        const p = yield* Ref.get(produced)
        const a = yield* snapshot(alerter)
        const r = yield* snapshot(archiver)
        return `produced ${fmt(p)} (${rate(p, s)}) · alerted ${fmt(a.recordsIn)} → ${fmt(a.alerts)} alerts, ${fmt(a.rejected)} rejected · archived ${fmt(r.archived)} in ${fmt(r.files)} files`
      })

    yield* withProgress(
      Effect.gen(function* () {
        yield* produce
        yield* Fiber.join(alerterFiber)
        yield* Fiber.join(archiverFiber)
      }),
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
    const a = yield* snapshot(alerter)
    const r = yield* snapshot(archiver)
    const summary: DemoSummary = {
      produced: yield* Ref.get(produced),
      rejected: a.rejected,
      alerts: a.alerts,
      archived: r.archived,
      files: r.files,
      analysis: toAnalysis(result.stats)
    }
    return summary
  })
