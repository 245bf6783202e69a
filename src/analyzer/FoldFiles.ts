import { Effect, Either, Option } from "effect"
import { readReportColumnsEither } from "./Columns.js"
import { combine, empty, type Stats } from "../domain/Stats.js"
import { ObjectStore } from "../ports/ObjectStore.js"
import { foldColumns, Unbounded, type Window } from "./FoldColumns.js"
import { AnalyzeError } from "./Protocol.js"

/** Read one archive file and fold it into Stats. */
export const foldFile = Effect.fn("Analyzer.foldFile")(function* (
  key: string,
  threshold: number,
  window: Window = Unbounded
) {
  yield* Effect.annotateCurrentSpan("key", key)
  const store = yield* ObjectStore
  const bytes = yield* Effect.mapError(store.get(key), (e) => new AnalyzeError({ key, reason: e.message }))
  const data = yield* Option.match(bytes, {
    onNone: () => Effect.fail(new AnalyzeError({ key, reason: "the object disappeared while analyzing" })),
    onSome: Effect.succeed
  })
  const columns = yield* Either.mapLeft(
    readReportColumnsEither(data),
    (e) => new AnalyzeError({ key, reason: e.message })
  )
  return foldColumns(columns, threshold, window)
})

/** Fold several files one after the other (inside one worker). */
export const foldFiles = (keys: ReadonlyArray<string>, threshold: number, window: Window = Unbounded) =>
  Effect.reduce(keys, empty(threshold), (acc: Stats, key) =>
    Effect.map(foldFile(key, threshold, window), (s) => combine(acc, s))
  )
