import { Array as Arr, Either, Option, Order, Schema } from "effect"
import type { Stats } from "../domain/Stats.js"
import { StatsSchema } from "./Protocol.js"

/**
 * What an analysis covers: the archive, the interval, the threshold and the files it listed before
 * sharding (their count and a hash of their keys and sizes). Two shards belong to one split only when
 * all of it is equal; a partial state carries it so that `merge` can refuse what does not add up.
 */
export const Split = Schema.Struct({
  source: Schema.String,
  from: Schema.optional(Schema.String),
  until: Schema.optional(Schema.String),
  threshold: Schema.Number,
  files: Schema.Number,
  filesHash: Schema.String
})
export type Split = typeof Split.Type

export const Shard = Schema.Struct({ index: Schema.Number, count: Schema.Number })
export type Shard = typeof Shard.Type

/** The output of `analyze --shard i/n`, the input of `analyze merge`. */
export const PartialState = Schema.Struct({
  peacestatePartial: Schema.Literal(1),
  shard: Shard,
  split: Split,
  /** Files of this shard. */
  files: Schema.Number,
  stats: StatsSchema
})
export type PartialState = typeof PartialState.Type

export const PartialStateJson = Schema.parseJson(PartialState)

/** A partial state read from a file, named for messages. */
export interface NamedState {
  readonly name: string
  readonly state: PartialState
}

const describeSplit = (s: Split): string =>
  `source ${s.source}, ${s.from ?? "-∞"} to ${s.until ?? "∞"}, threshold ${s.threshold}, ${s.files} files (hash ${s.filesHash.slice(0, 12)})`

const splitDifference = (a: Split, b: Split): Option.Option<string> =>
  a.source !== b.source
    ? Option.some(`source ${a.source} vs ${b.source}`)
    : a.from !== b.from || a.until !== b.until
      ? Option.some(`interval ${a.from ?? "-∞"}..${a.until ?? "∞"} vs ${b.from ?? "-∞"}..${b.until ?? "∞"}`)
      : a.threshold !== b.threshold
        ? Option.some(`threshold ${a.threshold} vs ${b.threshold}`)
        : a.files !== b.files || a.filesHash !== b.filesHash
          ? Option.some(
              `file list ${a.files} files (hash ${a.filesHash.slice(0, 12)}) vs ${b.files} files (hash ${b.filesHash.slice(0, 12)}): the archive changed between the runs`
            )
          : Option.none()

/** Shards a complete set lacks, when some are there. */
export interface Coverage {
  readonly split: Split
  readonly count: number
  readonly present: ReadonlyArray<number>
  readonly missing: ReadonlyArray<number>
}

/**
 * Check that the states are shards of one split, each once; Left is the one line to show. Gaps are
 * refused too unless `allowPartial`, and then the coverage says which shards are missing.
 */
export const checkShards = (
  states: ReadonlyArray<NamedState>,
  allowPartial: boolean
): Either.Either<Coverage, string> =>
  Option.match(Arr.head(states), {
    onNone: () => Either.left("no partial state given"),
    onSome: (first) => {
      const mixed = Arr.findFirst(
        states,
        (s) =>
          s.state.shard.count !== first.state.shard.count ||
          Option.isSome(splitDifference(first.state.split, s.state.split))
      )
      const byIndex = Arr.groupBy(states, (s) => String(s.state.shard.index))
      const twice = Arr.findFirst(Object.values(byIndex), (group) => group.length > 1)
      const count = first.state.shard.count
      const present = Arr.sort(Arr.map(Object.keys(byIndex), Number), Order.number)
      const missing = Arr.filter(Arr.range(0, count - 1), (i) => !present.includes(i))
      return Option.match(mixed, {
        onSome: (other) =>
          Either.left(
            `${first.name} and ${other.name} are shards of different splits (${
              other.state.shard.count !== count
                ? `${first.state.shard.index}/${count} vs ${other.state.shard.index}/${other.state.shard.count}`
                : Option.getOrElse(splitDifference(first.state.split, other.state.split), () => "")
            }); merge the shards of one run of analyze --shard i/n`
          ),
        onNone: () =>
          Option.match(twice, {
            onSome: (group) =>
              Either.left(
                `shard ${group[0]?.state.shard.index ?? 0}/${count} is given twice (${group.map((g) => g.name).join(", ")})`
              ),
            onNone: () =>
              missing.length > 0 && !allowPartial
                ? Either.left(
                    `incomplete set: shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} missing (${describeSplit(first.state.split)}); pass --allow-partial to merge an incomplete set on purpose`
                  )
                : Either.right({ split: first.state.split, count, present, missing })
          })
      })
    }
  })

/** Stats of the given states (already checked by `checkShards`). */
export const statsOf = (states: ReadonlyArray<NamedState>): ReadonlyArray<Stats> =>
  Arr.map(states, (s) => s.state.stats as Stats)
