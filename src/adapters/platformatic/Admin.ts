import { Array as Arr, Effect, Option, Order } from "effect"
import { Admin as Client } from "@platformatic/kafka"
import { type LogError, type PartitionOffset } from "../../ports/MessageLog.js"
import type { PartitionBounds } from "../consumer/Membership.js"
import { answered, attempt, attemptRetrying, close } from "./Attempt.js"
import type { ClientBase } from "./Connection.js"

const byPartition = Order.mapInput(Order.number, (p: { readonly partition: number }) => p.partition)
const Earliest = -2n
const Latest = -1n

/** Topics and offsets through an admin client, for the scope. */
export const makeAdmin = (base: ClientBase) =>
  Effect.gen(function* () {
    const admin = yield* Effect.acquireRelease(
      Effect.sync(() => new Client(base)),
      (a) => close("admin close", () => a.close())
    )

    const metadataOf = (topic: string) =>
      attemptRetrying(`metadata of ${topic}`, () => admin.metadata({ topics: [topic], forceUpdate: true }))

    const ensureTopic = Effect.fn("KafkaLog.ensureTopic")(function* (topic: string, partitions: number) {
      const cluster = yield* attemptRetrying("describe cluster", () => admin.metadata({ topics: [] }))
      const replicas = Math.max(1, Math.min(3, cluster.brokers.size))
      // Already there (also when another process won the race to create it) is fine.
      yield* attemptRetrying(`create topic ${topic}`, () =>
        admin.createTopics({ topics: [topic], partitions: Math.max(1, partitions), replicas })
      ).pipe(
        Effect.catchIf(
          (e) => answered(e, "TOPIC_ALREADY_EXISTS"),
          () => Effect.void
        )
      )
      // Until every partition has a leader, producers and consumers would be refused.
      yield* Effect.retry(
        Effect.flatMap(metadataOf(topic), (m) => {
          const t = m.topics.get(topic)
          return t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)
            ? Effect.void
            : attempt(`leaders of ${topic}`, () => Promise.reject(new Error("partitions without a leader yet")))
        }),
        { times: 50 }
      )
    })

    const listAt = (topic: string, count: number, timestamp: bigint) =>
      attemptRetrying(`offsets of ${topic}`, () =>
        admin.listOffsets({
          topics: [{ name: topic, partitions: Arr.makeBy(count, (partitionIndex) => ({ partitionIndex, timestamp })) }]
        })
      ).pipe(
        Effect.map((ts) =>
          Arr.flatMap(ts, (t) =>
            t.name === topic ? t.partitions.map((p) => ({ partition: p.partitionIndex, offset: Number(p.offset) })) : []
          )
        )
      )

    const topicOffsets = (topic: string): Effect.Effect<ReadonlyArray<PartitionBounds>, LogError> =>
      Effect.gen(function* () {
        const meta = yield* metadataOf(topic)
        const count = meta.topics.get(topic)?.partitionsCount ?? 0
        const [lows, highs] = yield* Effect.all([listAt(topic, count, Earliest), listAt(topic, count, Latest)])
        return Arr.sort(
          highs.map((h) => ({
            partition: h.partition,
            high: h.offset,
            low: Arr.findFirst(lows, (l) => l.partition === h.partition).pipe((low) =>
              low._tag === "Some" ? low.value.offset : 0
            )
          })),
          byPartition
        )
      })

    const endOffsets = Effect.fn("KafkaLog.endOffsets")(function* (topic: string) {
      const ps = yield* topicOffsets(topic)
      return ps.map((p): PartitionOffset => ({ partition: p.partition, offset: p.high }))
    })

    /** Raw committed offsets: -1 (or absent) where the group has none; only these partitions when given. */
    const committedRaw = (topic: string, group: string, partitions?: ReadonlyArray<number>) =>
      Effect.map(
        attemptRetrying(`committed offsets of ${group} on ${topic}`, () =>
          admin.listConsumerGroupOffsets({
            groups: [
              partitions === undefined
                ? group
                : { groupId: group, topics: [{ name: topic, partitionIndexes: [...partitions] }] }
            ]
          })
        ),
        (groups) =>
          Arr.sort(
            Arr.flatMap(groups, (g) =>
              g.groupId !== group
                ? []
                : Arr.flatMap(g.topics, (t) =>
                    t.name === topic
                      ? t.partitions.map((p): PartitionOffset => ({
                          partition: p.partitionIndex,
                          offset: Number(p.committedOffset)
                        }))
                      : []
                  )
            ),
            byPartition
          )
      )

    const committedOffsets = Effect.fn("KafkaLog.committedOffsets")(function* (topic: string, group: string) {
      const meta = yield* metadataOf(topic)
      const count = meta.topics.get(topic)?.partitionsCount ?? 0
      const raw = yield* committedRaw(topic, group)
      return Arr.makeBy(count, (partition) => ({
        partition,
        offset: Math.max(
          0,
          Option.getOrElse(
            Option.map(
              Arr.findFirst(raw, (p) => p.partition === partition),
              (c) => c.offset
            ),
            () => 0
          )
        )
      }))
    })

    return { ensureTopic, topicOffsets, endOffsets, committedRaw, committedOffsets }
  })

export type Admin = Effect.Effect.Success<ReturnType<typeof makeAdmin>>
