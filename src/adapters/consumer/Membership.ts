/**
 * One consumer-group member's view of its partitions, as plain data and pure functions that every log adapter
 * shares. The coordinator announces a generation with this member's share; the adapter applies it to the handler
 * (revoked first, then added); positions say what was handed over; commits are fenced by what the handler knows.
 * No client types here: any adapter (in-memory, a Kafka client) feeds it numbers.
 */
import { Array as Arr, Data, HashMap, Option, Order } from "effect"
import type { PartitionOffset } from "../../ports/MessageLog.js"

export interface Membership {
  /** The latest generation the coordinator announced, and this member's share of it (sorted). */
  readonly generation: number
  readonly latest: ReadonlyArray<number>
  /** The member id of the latest announcement; a new one means the group had dropped this member. */
  readonly memberId: Option.Option<string>
  /** Dropped since the handler was last told: others may have owned "kept" partitions meanwhile. */
  readonly lost: boolean
  /** The generation the handler has been told of (onRevoked/onAssigned), and the partitions it owns since. */
  readonly applied: number
  readonly owned: ReadonlyArray<number>
  /** Next offset to hand to the handler, per owned partition that has one. */
  readonly positions: HashMap.HashMap<number, number>
}

export const empty: Membership = {
  generation: 0,
  latest: [],
  memberId: Option.none(),
  lost: false,
  applied: 0,
  owned: [],
  positions: HashMap.empty()
}

/** What the coordinator tells a member when the group (re)forms. */
export interface Announcement {
  readonly generation: number
  readonly partitions: ReadonlyArray<number>
  readonly memberId: string
}

export const announce = (m: Membership, a: Announcement): Membership => ({
  ...m,
  generation: a.generation,
  latest: Arr.dedupe(Arr.sort(a.partitions, Order.number)),
  memberId: Option.some(a.memberId),
  lost: m.lost || Option.exists(m.memberId, (id) => id !== a.memberId)
})

/** The handler has not been told of the latest generation yet. */
export const pending = (m: Membership): boolean => m.applied !== m.generation

/** What applying the latest generation changes: the handler hears `revoked`, then `added`. */
export interface Change {
  readonly membership: Membership
  readonly added: ReadonlyArray<number>
  readonly revoked: ReadonlyArray<number>
}

/**
 * Apply the latest announcement. Kept partitions keep their positions; after the member was dropped every
 * partition is revoked and added afresh, without positions (another member may have moved them meanwhile).
 */
export const apply = (m: Membership): Change => {
  if (!pending(m)) return { membership: m, added: [], revoked: [] }
  const revoked = m.lost ? m.owned : Arr.difference(m.owned, m.latest)
  const added = m.lost ? m.latest : Arr.difference(m.latest, m.owned)
  const positions = m.lost
    ? HashMap.empty<number, number>()
    : HashMap.filter(m.positions, (_, p) => m.latest.includes(p))
  return { membership: { ...m, applied: m.generation, owned: m.latest, lost: false, positions }, added, revoked }
}

/** Announce and apply at once (a coordinator in the same process). */
export const assign = (m: Membership, a: Announcement): Change => apply(announce(m, a))

export const owns = (m: Membership, partition: number): boolean => m.owned.includes(partition)

export const positionOf = (m: Membership, partition: number): Option.Option<number> =>
  HashMap.get(m.positions, partition)

/** Explicitly set where reading goes on (e.g. the committed offset of a partition just added); may go back. */
export const seek = (m: Membership, partition: number, offset: number): Membership =>
  owns(m, partition) ? { ...m, positions: HashMap.set(m.positions, partition, offset) } : m

/** Records up to `next` were handed over: the position moves forward, never back, on owned partitions only. */
export const advance = (m: Membership, partition: number, next: number): Membership =>
  owns(m, partition)
    ? {
        ...m,
        positions: HashMap.set(
          m.positions,
          partition,
          Math.max(
            next,
            Option.getOrElse(positionOf(m, partition), () => 0)
          )
        )
      }
    : m

/** The part of a fetched run (in offset order) not handed over yet: a kept partition may be fetched again from its commit. */
export const unseen = <A>(
  m: Membership,
  partition: number,
  records: ReadonlyArray<A>,
  offsetOf: (a: A) => number
): ReadonlyArray<A> =>
  Option.match(positionOf(m, partition), {
    onNone: () => records,
    onSome: (position) =>
      Option.exists(Arr.head(records), (first) => offsetOf(first) >= position)
        ? records
        : Arr.filter(records, (r) => offsetOf(r) >= position)
  })

/** Why a commit is refused: the handler has not been told of the latest generation, or does not own these partitions. */
export type Verdict = Data.TaggedEnum<{
  Accepted: object
  Stale: { readonly partitions: ReadonlyArray<number> }
  NotOwned: { readonly partitions: ReadonlyArray<number> }
}>
export const Verdict = Data.taggedEnum<Verdict>()

/**
 * The fence on commits. What the handler holds may predate the latest generation (e.g. buffers of partitions that
 * were another member's meanwhile), so until it has been told, every commit is refused; then only owned ones pass.
 */
export const judge = (m: Membership, partitions: ReadonlyArray<number>): Verdict => {
  if (pending(m)) return Verdict.Stale({ partitions })
  const foreign = Arr.filter(partitions, (p) => !owns(m, p))
  return foreign.length > 0 ? Verdict.NotOwned({ partitions: foreign }) : Verdict.Accepted()
}

/** Owned partitions without a position: where they start depends on the group's committed offsets. */
export const unpositioned = (m: Membership): ReadonlyArray<number> =>
  Arr.filter(m.owned, (p) => !HashMap.has(m.positions, p))

/** A partition's bounds: `low` is the first offset kept, `high` the next to be written. */
export interface PartitionBounds {
  readonly partition: number
  readonly low: number
  readonly high: number
}

/**
 * Every owned partition has been handed over up to its end. A partition without a position starts at the
 * committed offset (negative: none), else at the log's start.
 */
export const caughtUp = (
  m: Membership,
  ends: ReadonlyArray<PartitionBounds>,
  committed: ReadonlyArray<PartitionOffset>
): boolean =>
  !pending(m) &&
  Arr.every(m.owned, (p) =>
    Option.match(
      Arr.findFirst(ends, (e) => e.partition === p),
      {
        onNone: () => false,
        onSome: (end) => {
          const from = Arr.findFirst(committed, (c) => c.partition === p && c.offset >= 0)
          const position = Option.getOrElse(
            Option.orElse(positionOf(m, p), () => Option.map(from, (c) => c.offset)),
            () => end.low
          )
          return position >= end.high
        }
      }
    )
  )
