import { Chunk, Effect, Either, Option, Stream } from "effect"
import { readReportColumnsEither } from "./Columns.js"
import type { Stats } from "../domain/Stats.js"
import { ObjectStore } from "../ports/ObjectStore.js"
import { statsOfTotals, totalsOfColumns, Unbounded, type Window } from "./FoldColumns.js"
import { sumTotals } from "./kernel/FoldRows.js"
import { AnalyzeError } from "./Protocol.js"

/**
 * Files read ahead of the fold: the next ones are fetched while this one is decoded, so the thread does
 * not wait on the disk or S3 between files (a sequential read left it idle ~15% of the time on a local
 * archive). Bounded, so at most this many files' bytes are held at once.
 */
const ReadAhead = 3

const bytesOf = (key: string) =>
  Effect.flatMap(ObjectStore, (store) =>
    Effect.flatMap(
      Effect.mapError(store.get(key), (e) => new AnalyzeError({ key, reason: e.message })),
      Option.match({
        onNone: () => Effect.fail(new AnalyzeError({ key, reason: "the object disappeared while analyzing" })),
        onSome: (data) => Effect.succeed(data)
      })
    )
  )

const totalsOf = (key: string, data: Uint8Array, threshold: number, window: Window) =>
  Either.match(readReportColumnsEither(data), {
    onLeft: (e) => Effect.fail(new AnalyzeError({ key, reason: e.message })),
    onRight: (columns) => Effect.succeed(totalsOfColumns(columns, threshold, window))
  })

/** Read one archive file and fold it into Stats. */
export const foldFile = Effect.fn("Analyzer.foldFile")(function* (
  key: string,
  threshold: number,
  window: Window = Unbounded
) {
  yield* Effect.annotateCurrentSpan("key", key)
  const data = yield* bytesOf(key)
  return statsOfTotals(yield* totalsOf(key, data, threshold, window), threshold)
})

/** Fold several files in key order, reading ahead (inside one worker), into one Stats. */
export const foldFiles = (
  keys: ReadonlyArray<string>,
  threshold: number,
  window: Window = Unbounded
): Effect.Effect<Stats, AnalyzeError, ObjectStore> =>
  Stream.fromIterable(keys).pipe(
    Stream.mapEffect((key) => Effect.map(bytesOf(key), (data) => [key, data] as const), { concurrency: ReadAhead }),
    Stream.mapEffect(([key, data]) => totalsOf(key, data, threshold, window)),
    Stream.runCollect,
    Effect.map((parts) => statsOfTotals(sumTotals(Chunk.toReadonlyArray(parts)), threshold)),
    Effect.withSpan("Analyzer.foldFiles", { attributes: { files: keys.length } })
  )
