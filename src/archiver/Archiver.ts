import {
  Array as Arr,
  Chunk,
  Config,
  Context,
  Duration,
  Effect,
  Either,
  HashMap,
  Layer,
  Metric,
  Option,
  Ref
} from "effect"
import { encodeReports } from "../format/EncodeReports.js"
import { readFileMeta } from "../format/FileMeta.js"
import type { ParquetDecodeError } from "../format/ParquetDecodeError.js"
import { NamesConfig } from "../config/Names.js"
import { IdleExitConfig, IdleFlushConfig, MaxRecordsPerFileConfig } from "../config/Settings.js"
import {
  count,
  filesWritten,
  flushSeconds,
  recordsIn,
  recordsRejected,
  register,
  reportsArchived,
  reportsSkipped
} from "../ops/Metrics.js"
import { type Running, start, StopWhenIdle } from "../ops/Running.js"
import { type Batch, type LogError, MessageLog, type PartitionOffset } from "../ports/MessageLog.js"
import { ObjectStore, type StoreError } from "../ports/ObjectStore.js"
import { fileKeyOf, hourFolderOf } from "../format/Layout.js"
import { append, type Decoded, decode, fresh, type OpenFile, type PartitionState } from "./PartitionFiles.js"

/** The archiver's settings: topic names, `MAX_RECORDS_PER_FILE`, `IDLE_EXIT`, `IDLE_FLUSH`. */
export const ArchiverConfig = Config.all({
  names: NamesConfig,
  maxRecordsPerFile: MaxRecordsPerFileConfig,
  idleExit: IdleExitConfig,
  idleFlush: IdleFlushConfig
})

/**
 * The archiver: files of contiguous offsets per partition and hour under deterministic names, committed once
 * stored; on assignment it resumes from what the archive holds, so no report is written twice.
 */
export const make = Effect.gen(function* () {
  const options = yield* ArchiverConfig
  const log = yield* MessageLog
  const store = yield* ObjectStore
  const stopWhenIdle = yield* Effect.serviceOption(StopWhenIdle)
  const { names } = options
  const topic = names.reportsTopic
  yield* register([recordsIn, recordsRejected, reportsArchived, filesWritten, reportsSkipped])
  const states = yield* Ref.make(HashMap.empty<number, PartitionState>())

  const stateOf = (partition: number) =>
    Effect.map(Ref.get(states), (m) => Option.getOrElse(HashMap.get(m, partition), () => fresh))
  const setState = (partition: number, s: PartitionState) => Ref.update(states, HashMap.set(partition, s))

  // Store one file, then commit past it; false when fenced off. Committing the file's first offset first fails for a
  // member the group dropped (stuck past the rebalance timeout), whose late put would replace the new owner's file
  // of the same name. Left open: a put already in flight when the member is dropped.
  const write = Effect.fn("Archiver.write")(
    function* (partition: number, file: OpenFile, commit: Committer) {
      const reports = Chunk.toReadonlyArray(file.reports)
      const key = fileKeyOf(file.folder, topic, partition, file.first)
      const bytes = encodeReports(reports)
      const fence = yield* Effect.either(commit([{ partition, offset: file.first }]))
      if (Either.isLeft(fence)) {
        yield* Effect.logWarning(
          `archiver: not writing ${key} now (${fence.left.message}); kept until the group settles`
        )
        return false
      }
      yield* store.put(key, bytes)
      yield* Effect.logDebug(`archiver: stored ${key} (offsets ${file.first}..${file.last})`)
      // A refused commit (the partition moved in a rebalance) loses nothing: the file is stored, and
      // the new owner finds it when it resumes from the archive.
      yield* Effect.catchAll(commit([{ partition, offset: file.last + 1 }]), (e) =>
        Effect.logWarning(`archiver: ${e.message}`)
      )
      yield* Metric.incrementBy(reportsArchived, reports.length)
      yield* Metric.increment(filesWritten)
      return true
    },
    Metric.trackDurationWith(flushSeconds, Duration.toSeconds)
  )

  // Write files in order, stopping at the first one fenced off: it and the ones after it are left (returned).
  const writeInOrder = (partition: number, files: ReadonlyArray<OpenFile>, commit: Committer) =>
    Effect.reduce(files, Arr.empty<OpenFile>(), (left, file) =>
      left.length > 0
        ? Effect.succeed([...left, file])
        : Effect.map(write(partition, file, commit), (stored) => (stored ? left : [file]))
    )

  // Resume: is the next report's file already in the archive? Then skip what it holds and look again.
  const resume = Effect.fn("Archiver.resume")(
    (partition: number, state: PartitionState, pending: ReadonlyArray<Decoded>, commit: Committer) =>
      Effect.iterate(
        { state, rest: pending },
        {
          while: ({ state, rest }) => !state.resumed && rest.length > 0,
          body: ({ state, rest }) =>
            Effect.gen(function* () {
              const index = rest.findIndex((d) => d.record.offset > state.storedThrough && Option.isSome(d.report))
              if (index < 0) return { state, rest: Arr.empty<Decoded>() }
              const next = rest[index] as Decoded
              const folder = Option.match(next.report, {
                onNone: () => "",
                onSome: (r) => hourFolderOf(r.report.timestamp)
              })
              const key = fileKeyOf(folder, topic, partition, next.record.offset)
              const found = yield* store.head(key)
              if (Option.isNone(found)) return { state: { ...state, resumed: true }, rest: rest.slice(index) }
              const tail = yield* store.getRange(key, -65536)
              const meta = yield* Either.match(readFileMeta(tail), {
                onLeft: (e) => Effect.fail(e),
                onRight: (m) => Effect.succeed(m)
              })
              const last = Option.getOrElse(
                Option.orElse(meta.lastOffset, () => meta.maxOffset),
                () => next.record.offset
              )
              yield* Effect.logInfo(
                `archiver: ${key} is already stored (offsets ${next.record.offset}..${last}); resuming after it`
              )
              yield* Effect.ignore(commit([{ partition, offset: last + 1 }]))
              yield* Metric.incrementBy(reportsSkipped, rest.filter((d) => d.record.offset <= last).length)
              return {
                state: { ...state, storedThrough: last },
                rest: rest.slice(index).filter((d) => d.record.offset > last)
              }
            })
        }
      )
  )

  const onBatch = (batch: Batch, commit: Committer) =>
    Effect.gen(function* () {
      const decoded = decode(batch)
      const rejected = decoded.filter((d) => Option.isNone(d.report)).length
      yield* Metric.incrementBy(recordsIn, batch.records.length)
      yield* Metric.incrementBy(recordsRejected, rejected)
      const before = yield* stateOf(batch.partition)
      const { state: resumed, rest } = before.resumed
        ? { state: before, rest: decoded }
        : yield* resume(batch.partition, before, decoded, commit)
      const { state, done } = append(options.maxRecordsPerFile)(resumed, rest)
      const left = yield* writeInOrder(batch.partition, [...state.pending, ...done], commit)
      yield* setState(batch.partition, { ...state, pending: left })
    })

  const flushAll = Effect.fn("Archiver.flush")(function* (commit: Committer) {
    const all = yield* Ref.get(states)
    yield* Effect.forEach(
      Arr.fromIterable(all),
      ([partition, state]) => {
        const files = [...state.pending, ...Option.toArray(state.open)]
        return files.length === 0
          ? Effect.void
          : Effect.flatMap(writeInOrder(partition, files, commit), (left) =>
              setState(partition, {
                ...state,
                storedThrough:
                  left.length === 0 ? Math.max(state.storedThrough, ...files.map((f) => f.last)) : state.storedThrough,
                open: Option.none(),
                pending: left
              })
            )
      },
      { discard: true }
    )
  })

  const consume = log.consume(
    {
      topic,
      group: names.archiverGroup,
      idleExit: options.idleExit,
      stopWhenIdle: Option.getOrUndefined(stopWhenIdle),
      idleEvery: options.idleFlush
    },
    (commit) => ({
      onAssigned: (partitions) =>
        Effect.zipRight(
          Effect.logDebug("archiver assigned", partitions),
          Effect.forEach(partitions, (p) => setState(p, fresh), { discard: true })
        ),
      // Buffered reports of a revoked partition are dropped, not written: they are not committed, so the
      // new owner reads them again, and writing them from two members could overlap two files.
      onRevoked: (partitions) =>
        Effect.zipRight(
          Effect.logDebug("archiver revoked", partitions),
          Ref.update(states, HashMap.removeMany(partitions))
        ),
      onBatch: (batch) => onBatch(batch, commit),
      onIdle: flushAll(commit),
      onStop: flushAll(commit)
    })
  )

  return Effect.gen(function* () {
    yield* log.ensureTopic(topic, names.partitions)
    yield* Effect.logInfo(`archiver: ${topic} → ${store.root} (group ${names.archiverGroup})`)
    yield* consume
  }).pipe(Effect.ensuring(stoppedLine))
})

const stoppedLine = Effect.gen(function* () {
  const [n, archived, files, skipped, rejected] = yield* Effect.all([
    count(recordsIn),
    count(reportsArchived),
    count(filesWritten),
    count(reportsSkipped),
    count(recordsRejected)
  ])
  yield* Effect.logInfo(
    `archiver: stopped after ${n} reports: ${archived} archived in ${files} files, ${skipped} already stored, ${rejected} bad`
  )
})

/** The running archiver. */
export class Archiver extends Context.Tag("peacestate/Archiver")<Archiver, Running<ArchiverError>>() {}

/** The archiver as a layer: built, it runs; `Archiver.done` ends with it. Needs a `MessageLog` and an `ObjectStore`. */
export const ArchiverLive = Layer.scoped(Archiver, start("archiver", make))

type Committer = (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>

export type ArchiverError = LogError | StoreError | ParquetDecodeError
