import { Array as Arr, Data, Effect, Option, ParseResult, Schema, Stream } from "effect"
import type { Analysis } from "../domain/Stats.js"
import { ObjectStore, type StoreError } from "../ports/ObjectStore.js"
import { PartialStateJson, type PartialState } from "./Partial.js"

// Published analyses (CONTRACT §9): the §5 answer with its provenance, stored beside the archive at
// `<root>/analysis/<generatedAt>.json`; the latest is the greatest key (ISO instants sort as text). Shards of
// a distributed run (a Kubernetes Indexed Job) publish their partial states under `analysis/shards/`, where
// `analyze merge --source ROOT` finds them.

export const AnalysisPrefix = "analysis/"
export const ShardsPrefix = "analysis/shards/"

const Row = Schema.Struct({ reports: Schema.Number, alerts: Schema.Number, alertsPerReport: Schema.Number })

/** The §5 object (plus `reportsByHour`, the denominator of `alertsByHour`). */
export const AnalysisSchema = Schema.Struct({
  reports: Schema.Number,
  alerts: Schema.Number,
  threshold: Schema.Number,
  weekdayVsWeekend: Schema.Struct({ weekday: Row, weekend: Row }),
  alertsByHour: Schema.Array(Schema.Number),
  reportsByHour: Schema.Array(Schema.Number),
  topAlertWords: Schema.Array(Schema.Struct({ word: Schema.String, count: Schema.Number })),
  hotspots: Schema.Array(Schema.Struct({ latitude: Schema.Number, longitude: Schema.Number, alerts: Schema.Number })),
  repeatOffenders: Schema.Array(Schema.Struct({ name: Schema.String, alerts: Schema.Number }))
})

/** Where an answer comes from: when, which archive, which interval, which shards of how many. */
export const Provenance = Schema.Struct({
  generatedAt: Schema.String,
  source: Schema.String,
  /** ISO instants of the interval [from, until); null when unbounded. */
  from: Schema.OptionFromNullOr(Schema.String),
  until: Schema.OptionFromNullOr(Schema.String),
  shards: Schema.Struct({ count: Schema.Number, covered: Schema.Array(Schema.Number) })
})
export type Provenance = typeof Provenance.Type

export const PublishedAnalysis = Schema.extend(AnalysisSchema, Provenance)
export type PublishedAnalysis = typeof PublishedAnalysis.Type

export const PublishedJson = Schema.parseJson(PublishedAnalysis)

export const published = (analysis: Analysis, provenance: Provenance): PublishedAnalysis => ({
  ...analysis,
  ...provenance
})

export class PublishedUnreadable extends Data.TaggedError("PublishedUnreadable")<{
  readonly key: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.key} is not a published analysis: ${this.reason}`
  }
}

const publishedKey = /^analysis\/\d{4}-\d{2}-\d{2}T[0-9:.]+Z\.json$/

export const keyOf = (generatedAt: string): string => `${AnalysisPrefix}${generatedAt}.json`

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Store the answer at `analysis/<generatedAt>.json`; returns the key. */
export const publish = (
  p: PublishedAnalysis
): Effect.Effect<string, StoreError | ParseResult.ParseError, ObjectStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const text = yield* Schema.encode(PublishedJson)(p)
    const key = keyOf(p.generatedAt)
    yield* store.put(key, encoder.encode(`${text}\n`))
    return key
  })

/** The key of the latest published analysis under `analysis/` (the greatest `<generatedAt>.json`). */
export const latestKey: Effect.Effect<Option.Option<string>, StoreError, ObjectStore> = Effect.flatMap(
  ObjectStore,
  (store) =>
    Stream.runFold(store.list(AnalysisPrefix), Option.none<string>(), (last, o) =>
      publishedKey.test(o.key) ? Option.some(o.key) : last
    )
)

/** The published analysis at `key`; none when it is gone. */
export const readPublished = (
  key: string
): Effect.Effect<Option.Option<PublishedAnalysis>, StoreError | PublishedUnreadable, ObjectStore> =>
  Effect.flatMap(ObjectStore, (store) =>
    Effect.flatMap(store.get(key), (bytes) =>
      Option.match(bytes, {
        onNone: () => Effect.succeedNone,
        onSome: (b) =>
          Effect.asSome(
            Effect.mapError(
              Schema.decodeUnknown(PublishedJson)(decoder.decode(b)),
              (e) => new PublishedUnreadable({ key, reason: ParseResult.TreeFormatter.formatErrorSync(e) })
            )
          )
      })
    )
  )

/** The latest published analysis (the greatest key), if any. */
export const latest: Effect.Effect<
  Option.Option<{ readonly key: string; readonly analysis: PublishedAnalysis }>,
  StoreError | PublishedUnreadable,
  ObjectStore
> = Effect.flatMap(latestKey, (found) =>
  Option.match(found, {
    onNone: () => Effect.succeedNone,
    onSome: (key) =>
      Effect.map(
        readPublished(key),
        Option.map((analysis) => ({ key, analysis }))
      )
  })
)

export const shardKey = (shard: { readonly index: number; readonly count: number }): string =>
  `${ShardsPrefix}${shard.index}-of-${shard.count}.json`

/** Store a shard's partial state where `analyze merge --source` finds it; returns the key. */
export const publishShard = (
  state: PartialState
): Effect.Effect<string, StoreError | ParseResult.ParseError, ObjectStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const key = shardKey(state.shard)
    yield* store.put(key, encoder.encode(`${yield* Schema.encode(PartialStateJson)(state)}\n`))
    return key
  })

/** Every partial state published under `analysis/shards/`, named by key; an unreadable one fails naming its key. */
export const publishedShards: Effect.Effect<
  ReadonlyArray<{ readonly name: string; readonly key: string; readonly state: PartialState }>,
  StoreError | PublishedUnreadable,
  ObjectStore
> = Effect.gen(function* () {
  const store = yield* ObjectStore
  const infos = Arr.filter(Arr.fromIterable(yield* Stream.runCollect(store.list(ShardsPrefix))), (o) =>
    o.key.endsWith(".json")
  )
  return yield* Effect.forEach(infos, (o) =>
    Effect.flatMap(store.get(o.key), (bytes) =>
      Effect.map(
        Effect.mapError(
          Schema.decodeUnknown(PartialStateJson)(
            Option.match(bytes, { onNone: () => "", onSome: (b) => decoder.decode(b) })
          ),
          (e) => new PublishedUnreadable({ key: o.key, reason: ParseResult.TreeFormatter.formatErrorSync(e) })
        ),
        (state) => ({ name: `${store.root}/${o.key}`, key: o.key, state })
      )
    )
  )
})

/** Remove the merged shards' objects, so that the next run's merge cannot pick up a stale one. */
export const removeShards = (keys: ReadonlyArray<string>): Effect.Effect<void, StoreError, ObjectStore> =>
  Effect.flatMap(ObjectStore, (store) => Effect.forEach(keys, store.remove, { discard: true }))
