// The embedded MessageLog: the broker (topics, commits, groups) as immutable values in Refs; each member's state is Membership.
import { Array as Arr, Data, Duration, Effect, HashMap, Layer, Option, Ref } from "effect"
import { type Batch, LogError, MessageLog, type OutgoingRecord, type PartitionOffset } from "../ports/MessageLog.js"
import { fnv1a } from "../domain/Fnv1a.js"
import * as Membership from "./consumer/Membership.js"
import * as PartitionLog from "./memory/PartitionLog.js"

const MaxBatch = 4096
const PollPause = Duration.millis(2)

/** Stable key → partition (FNV-1a), like Kafka's keyed partitioning: one key, one partition. */
export const partitionOf = (key: string, partitions: number): number => fnv1a(key) % partitions

/** A topic that was never created (the cause of a LogError). */
class UnknownTopicError extends Data.TaggedError("UnknownTopicError")<{ readonly topic: string }> {
  override get message(): string {
    return `unknown topic ${this.topic}`
  }
}

/** A commit by a member whose partitions were reassigned meanwhile (the cause of a LogError). */
class RebalancingError extends Data.TaggedError("RebalancingError") {
  override get message(): string {
    return "the group is rebalancing; partitions were reassigned"
  }
}

interface Group {
  readonly members: ReadonlyArray<string>
  readonly generation: number
}

/** What this log's member keeps besides its membership: when it last saw records and last idled. */
interface Member {
  readonly membership: Membership.Membership
  readonly lastRecordAt: number
  readonly lastIdleAt: number
}

const shareOf = (partitions: number, members: ReadonlyArray<string>, id: string): ReadonlyArray<number> => {
  const index = members.indexOf(id)
  return index < 0 ? [] : Arr.filter(Arr.range(0, partitions - 1), (p) => p % members.length === index)
}

const noGroup: Group = { members: [], generation: 0 }
const groupKey = (topic: string, group: string) => `${group}\u0000${topic}`

/**
 * The embedded double of Kafka: an in-memory partitioned log with consumer groups that share the
 * partitions among their members, rebalance when members come and go, and commit explicitly.
 * It lives as long as its layer; everything is lost with the process.
 */
export interface InMemoryLogOptions {
  /**
   * Forget a record once every one of these groups has committed past it (bounded memory for the
   * embedded pipeline). Groups not listed, or joining later, cannot read what was forgotten.
   */
  readonly forgetConsumedBy?: ReadonlyArray<string>
}

export const make = (options: InMemoryLogOptions = {}) =>
  Effect.gen(function* () {
    // The broker's state, as immutable values: partitions per topic, committed offsets and members per group.
    const topics = yield* Ref.make(HashMap.empty<string, ReadonlyArray<PartitionLog.PartitionLog>>())
    const committed = yield* Ref.make(HashMap.empty<string, HashMap.HashMap<number, number>>())
    const groups = yield* Ref.make(HashMap.empty<string, Group>())

    const partitionsOf = (topic: string) =>
      Effect.flatMap(Ref.get(topics), (ts) =>
        Option.match(HashMap.get(ts, topic), {
          onNone: () =>
            Effect.fail(new LogError({ operation: `topic ${topic}`, cause: new UnknownTopicError({ topic }) })),
          onSome: Effect.succeed
        })
      )

    const ensureTopic = (topic: string, partitions: number) =>
      Ref.update(topics, (ts) =>
        HashMap.has(ts, topic)
          ? ts
          : HashMap.set(
              ts,
              topic,
              Arr.makeBy(Math.max(1, partitions), () => PartitionLog.empty)
            )
      )

    const publish = (topic: string, records: ReadonlyArray<OutgoingRecord>) =>
      Effect.zipRight(
        partitionsOf(topic),
        Effect.suspend(() =>
          Ref.update(topics, HashMap.modify(topic, PartitionLog.append(topic, records, Date.now(), partitionOf)))
        )
      )

    const committedOf = (cs: HashMap.HashMap<string, HashMap.HashMap<number, number>>, topic: string, group: string) =>
      Option.getOrElse(HashMap.get(cs, groupKey(topic, group)), () => HashMap.empty<number, number>())
    const committedAt = (offsets: HashMap.HashMap<number, number>, partition: number) =>
      Option.getOrElse(HashMap.get(offsets, partition), () => 0)

    const forget = (topic: string, partitions: ReadonlyArray<number>) =>
      Option.match(Option.filter(Option.fromNullable(options.forgetConsumedBy), Arr.isNonEmptyReadonlyArray), {
        onNone: () => Effect.void,
        onSome: (gs) =>
          Effect.flatMap(Ref.get(committed), (cs) => {
            const upTo = (p: number) => Math.min(...gs.map((g) => committedAt(committedOf(cs, topic, g), p)))
            return Ref.update(
              topics,
              HashMap.modify(
                topic,
                (parts: ReadonlyArray<PartitionLog.PartitionLog>): ReadonlyArray<PartitionLog.PartitionLog> =>
                  Arr.map(parts, (log, p) => (partitions.includes(p) ? PartitionLog.forgetBelow(log, upTo(p)) : log))
              )
            )
          })
      })

    const endOffsets = (topic: string) =>
      Effect.map(partitionsOf(topic), (parts) =>
        parts.map((log, partition) => ({ partition, offset: PartitionLog.endOf(log) }))
      )

    const committedOffsets = (topic: string, group: string) =>
      Effect.zipWith(partitionsOf(topic), Ref.get(committed), (parts, cs) =>
        parts.map((_, partition) => ({ partition, offset: committedAt(committedOf(cs, topic, group), partition) }))
      )

    const consume: MessageLog["Type"]["consume"] = (options, makeHandler) =>
      Effect.gen(function* () {
        const { topic, group } = options
        const partitions = (yield* partitionsOf(topic)).length
        const key = groupKey(topic, group)
        const id = crypto.randomUUID()
        const groupNow = Effect.map(Ref.get(groups), (gs) => Option.getOrElse(HashMap.get(gs, key), () => noGroup))
        const updateGroup = (f: (g: Group) => Group) =>
          Ref.update(groups, (gs) => HashMap.set(gs, key, f(Option.getOrElse(HashMap.get(gs, key), () => noGroup))))
        // This log is its own coordinator: the group as it stands is what it announces to the member.
        const announced = (m: Member, g: Group) =>
          Membership.announce(m.membership, {
            generation: g.generation,
            partitions: shareOf(partitions, g.members, id),
            memberId: id
          })
        const member = yield* Ref.make<Member>({
          membership: Membership.empty,
          lastRecordAt: Date.now(),
          lastIdleAt: Date.now()
        })

        const commit = (offsets: ReadonlyArray<PartitionOffset>) =>
          Effect.gen(function* () {
            const verdict = Membership.judge(
              announced(yield* Ref.get(member), yield* groupNow),
              offsets.map((o) => o.partition)
            )
            if (!Membership.Verdict.$is("Accepted")(verdict))
              return yield* new LogError({ operation: "commit", cause: new RebalancingError() })
            yield* Ref.update(committed, (cs) =>
              HashMap.set(
                cs,
                key,
                Arr.reduce(offsets, committedOf(cs, topic, group), (stored, o) =>
                  HashMap.set(stored, o.partition, o.offset)
                )
              )
            )
            yield* forget(
              topic,
              offsets.map((o) => o.partition)
            )
          })
        const handler = makeHandler(commit)

        // Revoked partitions are handed back before the new generation counts (commits meanwhile are refused).
        const rebalance = Effect.gen(function* () {
          const m = yield* Ref.get(member)
          const next = announced(m, yield* groupNow)
          if (!Membership.pending(next)) return
          const { added, membership, revoked } = Membership.apply(next)
          if (revoked.length > 0) yield* handler.onRevoked(revoked)
          const start = committedOf(yield* Ref.get(committed), topic, group)
          const positioned = Arr.reduce(added, membership, (s, p) => Membership.seek(s, p, committedAt(start, p)))
          yield* Ref.set(member, { ...m, membership: positioned })
          if (added.length > 0) yield* handler.onAssigned(added)
        })

        const pollPartition = (partition: number) =>
          Effect.gen(function* () {
            const m = yield* Ref.get(member)
            const position = Option.getOrElse(Membership.positionOf(m.membership, partition), () => 0)
            const log = Option.getOrElse(
              Option.flatMap(HashMap.get(yield* Ref.get(topics), topic), Arr.get(partition)),
              () => PartitionLog.empty
            )
            const records = PartitionLog.readFrom(log, position, MaxBatch)
            if (!Arr.isNonEmptyReadonlyArray(records)) return 0
            yield* handler.onBatch({ topic, partition, records } satisfies Batch)
            const next = Arr.lastNonEmpty(records).offset + 1
            yield* Ref.update(member, (s) => ({
              ...s,
              membership: Membership.advance(s.membership, partition, next),
              lastRecordAt: Date.now()
            }))
            return records.length
          })

        const shouldStop = (m: Member) =>
          Effect.gen(function* () {
            const idleFor = Date.now() - m.lastRecordAt
            const idleExit = Option.exists(options.idleExit, (d) => idleFor >= Duration.toMillis(d))
            return idleExit || (options.stopWhenIdle !== undefined && (yield* options.stopWhenIdle))
          })

        const idleEvery = Duration.toMillis(options.idleEvery ?? Duration.seconds(1))
        // One poll: rebalance if needed, then read every owned partition once. Returns false to leave.
        const poll = Effect.gen(function* () {
          yield* rebalance
          const m = yield* Ref.get(member)
          const counts = yield* Effect.forEach(m.membership.owned, pollPartition)
          if (Arr.reduce(counts, 0, (a, b) => a + b) > 0) return true
          const current = yield* Ref.get(member)
          if (yield* shouldStop(current)) return false
          if (Date.now() - current.lastIdleAt >= idleEvery) {
            yield* handler.onIdle
            yield* Ref.update(member, (s) => ({ ...s, lastIdleAt: Date.now() }))
          }
          yield* Effect.sleep(PollPause)
          return true
        })

        const join = updateGroup((g) => ({ members: [...g.members, id], generation: g.generation + 1 }))
        const leave = updateGroup((g) => ({ members: g.members.filter((m) => m !== id), generation: g.generation + 1 }))
        yield* Effect.acquireUseRelease(
          join,
          () =>
            Effect.iterate(true, { while: (go) => go, body: () => poll }).pipe(
              Effect.onInterrupt(() => Effect.ignore(handler.onStop)),
              Effect.zipRight(handler.onStop)
            ),
          () => leave
        )
      })

    return MessageLog.of({ ensureTopic, publish, consume, endOffsets, committedOffsets })
  })

/** A fresh in-memory log per layer build. */
export const layer: Layer.Layer<MessageLog> = Layer.effect(MessageLog, make())

/** An in-memory log that forgets what the given groups have all committed (see InMemoryLogOptions). */
export const layerWith = (options: InMemoryLogOptions): Layer.Layer<MessageLog> =>
  Layer.effect(MessageLog, make(options))
