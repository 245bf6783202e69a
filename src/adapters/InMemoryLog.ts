import { Array as Arr, Data, Duration, Effect, Layer, Option, Ref } from "effect"
import { type Batch, type LogRecord, LogError, MessageLog, type OutgoingRecord, type PartitionOffset } from "../ports/MessageLog.js"
import { fnv1a } from "../domain/Fnv1a.js"

const MaxBatch = 4096
const PollPause = Duration.millis(2)

const encoder = new TextEncoder()
const toBytes = (v: Uint8Array | string): Uint8Array => (typeof v === "string" ? encoder.encode(v) : v)

/** Stable key → partition (FNV-1a), like Kafka's keyed partitioning: one key, one partition. */
export const partitionOf = (key: string, partitions: number): number =>
  fnv1a(key) % partitions

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

interface Member {
  readonly generation: number
  readonly assigned: ReadonlyArray<number>
  readonly positions: ReadonlyMap<number, number>
  readonly lastRecordAt: number
  readonly lastIdleAt: number
}

const shareOf = (partitions: number, members: ReadonlyArray<string>, id: string): ReadonlyArray<number> => {
  const index = members.indexOf(id)
  return index < 0 ? [] : Arr.filter(Arr.range(0, partitions - 1), (p) => p % members.length === index)
}

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

export const make = (options: InMemoryLogOptions = {}) => Effect.gen(function* () {
  // The log's storage is the adapter's private mutable state (like a broker's disk): appended in place.
  const topics = new Map<string, ReadonlyArray<Array<LogRecord | undefined>>>()
  const forgottenBelow = new Map<string, number>()
  const groups = yield* Ref.make(new Map<string, Group>())
  const committed = new Map<string, Map<number, number>>()

  const partitionsOf = (topic: string) =>
    Option.match(Option.fromNullable(topics.get(topic)), {
      onNone: () => Effect.fail(new LogError({ operation: `topic ${topic}`, cause: new UnknownTopicError({ topic }) })),
      onSome: Effect.succeed
    })

  const ensureTopic = (topic: string, partitions: number) =>
    Effect.sync(() => {
      if (!topics.has(topic)) topics.set(topic, Arr.makeBy(Math.max(1, partitions), () => []))
    })

  const publish = (topic: string, records: ReadonlyArray<OutgoingRecord>) =>
    Effect.flatMap(partitionsOf(topic), (parts) =>
      Effect.sync(() => {
        const now = Date.now()
        records.forEach((r) => {
          const partition = partitionOf(r.key, parts.length)
          const log = parts[partition] ?? []
          log.push({ topic, partition, offset: log.length, key: Option.some(r.key), value: toBytes(r.value), headers: r.headers ?? {}, timestamp: now })
        })
      })
    )

  const groupKey = (topic: string, group: string) => `${group}\u0000${topic}`

  const forget = (topic: string, partitions: ReadonlyArray<number>) =>
    Option.match(Option.fromNullable(options.forgetConsumedBy), {
      onNone: () => undefined,
      onSome: (groups) =>
        partitions.forEach((p) => {
          const log = topics.get(topic)?.[p]
          const upTo = Math.min(...groups.map((g) => committed.get(groupKey(topic, g))?.get(p) ?? 0))
          const from = forgottenBelow.get(`${topic}/${p}`) ?? 0
          if (log === undefined || upTo <= from) return
          Arr.range(from, upTo - 1).forEach((i) => {
            log[i] = undefined
          })
          forgottenBelow.set(`${topic}/${p}`, upTo)
        })
    })

  const committedOf = (topic: string, group: string) => committed.get(groupKey(topic, group)) ?? new Map<number, number>()

  const endOffsets = (topic: string) =>
    Effect.map(partitionsOf(topic), (parts) => parts.map((log, partition) => ({ partition, offset: log.length })))

  const committedOffsets = (topic: string, group: string) =>
    Effect.map(partitionsOf(topic), (parts) => parts.map((_, partition) => ({ partition, offset: committedOf(topic, group).get(partition) ?? 0 })))

  const consume: MessageLog["Type"]["consume"] = (options, makeHandler) =>
    Effect.gen(function* () {
      const parts = yield* partitionsOf(options.topic)
      const key = groupKey(options.topic, options.group)
      const id = crypto.randomUUID()
      const groupOf = (gs: ReadonlyMap<string, Group>): Group => gs.get(key) ?? { members: [], generation: 0 }
      const updateGroup = (f: (g: Group) => Group) => Ref.update(groups, (gs) => new Map(gs).set(key, f(groupOf(gs))))
      const member = yield* Ref.make<Member>({ generation: -1, assigned: [], positions: new Map(), lastRecordAt: Date.now(), lastIdleAt: Date.now() })

      const commit = (offsets: ReadonlyArray<PartitionOffset>) =>
        Effect.gen(function* () {
          const g = groupOf(yield* Ref.get(groups))
          const m = yield* Ref.get(member)
          if (g.generation !== m.generation || !g.members.includes(id)) {
            return yield* new LogError({ operation: "commit", cause: new RebalancingError() })
          }
          const stored = committed.get(key) ?? new Map<number, number>()
          offsets.forEach((o) => stored.set(o.partition, o.offset))
          committed.set(key, stored)
          forget(options.topic, offsets.map((o) => o.partition))
        })
      const handler = makeHandler(commit)

      const rebalance = Effect.gen(function* () {
        const g = groupOf(yield* Ref.get(groups))
        const m = yield* Ref.get(member)
        if (g.generation === m.generation) return
        const next = shareOf(parts.length, g.members, id)
        const revoked = Arr.difference(m.assigned, next)
        const gained = Arr.difference(next, m.assigned)
        if (revoked.length > 0) yield* handler.onRevoked(revoked)
        const start = committedOf(options.topic, options.group)
        const positions = new Map(Arr.filter(Arr.fromIterable(m.positions), ([p]) => next.includes(p)))
        gained.forEach((p) => positions.set(p, start.get(p) ?? 0))
        yield* Ref.set(member, { ...m, generation: g.generation, assigned: next, positions })
        if (gained.length > 0) yield* handler.onAssigned(gained)
      })

      const pollPartition = (partition: number) =>
        Effect.gen(function* () {
          const m = yield* Ref.get(member)
          const position = m.positions.get(partition) ?? 0
          const records = Arr.filter((parts[partition] ?? []).slice(position, position + MaxBatch), (r): r is LogRecord => r !== undefined)
          if (records.length === 0) return 0
          const batch: Batch = { topic: options.topic, partition, records }
          yield* handler.onBatch(batch)
          yield* Ref.update(member, (s) => ({ ...s, positions: new Map(s.positions).set(partition, position + records.length), lastRecordAt: Date.now() }))
          return records.length
        })

      const shouldStop = (m: Member) =>
        Effect.gen(function* () {
          const idleFor = Date.now() - m.lastRecordAt
          const idleExit = Option.exists(options.idleExit, (d) => idleFor >= Duration.toMillis(d))
          return idleExit || (options.stopWhenIdle !== undefined && (yield* options.stopWhenIdle))
        })

      const idleEvery = Duration.toMillis(options.idleEvery ?? Duration.seconds(1))
      // One poll: rebalance if needed, then read every assigned partition once. Returns false to leave.
      const poll = Effect.gen(function* () {
        yield* rebalance
        const m = yield* Ref.get(member)
        const counts = yield* Effect.forEach(m.assigned, pollPartition)
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
export const layerWith = (options: InMemoryLogOptions): Layer.Layer<MessageLog> => Layer.effect(MessageLog, make(options))
