import { Array as Arr, Effect, Order } from "effect"
import type { Kafka, RetryOptions } from "kafkajs"
import type { LogError, PartitionOffset } from "../../ports/MessageLog.js"
import type { PartitionBounds } from "../consumer/Membership.js"
import { attempt, attemptRetrying, disconnect } from "./Attempt.js"

const byPartition = Order.mapInput(Order.number, (p: { readonly partition: number }) => p.partition)

/** Topics and offsets through an admin client, connected for the scope. */
export const makeAdmin = (kafka: Kafka, retry: RetryOptions) =>
  Effect.gen(function* () {
    const admin = yield* Effect.acquireRelease(
      Effect.sync(() => kafka.admin({ retry })).pipe(Effect.tap((a) => attempt("admin connect", () => a.connect()))),
      (a) => disconnect("admin disconnect", () => a.disconnect())
    )

    const ensureTopic = Effect.fn("KafkaLog.ensureTopic")(function* (topic: string, partitions: number) {
      const cluster = yield* attemptRetrying("describe cluster", () => admin.describeCluster())
      const replicationFactor = Math.max(1, Math.min(3, cluster.brokers.length))
      // false = it already exists (also when another process won the race to create it). Right after a creation
      // (ours or a concurrent one) the metadata kafkajs waits on may not know the topic yet: UNKNOWN_TOPIC_OR_PARTITION,
      // retriable, but kafkajs gives up on it; try again (a repeated create answers "already exists").
      yield* attemptRetrying(`create topic ${topic}`, () =>
        admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: Math.max(1, partitions), replicationFactor }]
        })
      )
      yield* attemptRetrying(`metadata of ${topic}`, () => admin.fetchTopicMetadata({ topics: [topic] }))
    })

    const topicOffsets = (topic: string): Effect.Effect<ReadonlyArray<PartitionBounds>, LogError> =>
      Effect.map(
        attemptRetrying(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic)),
        (ps) =>
          Arr.sort(
            ps.map((p) => ({ partition: p.partition, high: Number(p.high), low: Number(p.low) })),
            byPartition
          )
      )

    const endOffsets = Effect.fn("KafkaLog.endOffsets")(function* (topic: string) {
      const ps = yield* topicOffsets(topic)
      return ps.map((p): PartitionOffset => ({ partition: p.partition, offset: p.high }))
    })

    /** Raw committed offsets: -1 where the group has none. */
    const committedRaw = (topic: string, group: string) =>
      Effect.map(
        attemptRetrying(`committed offsets of ${group} on ${topic}`, () =>
          admin.fetchOffsets({ groupId: group, topics: [topic] })
        ),
        (ts) =>
          Arr.sort(
            Arr.flatMap(ts, (t) =>
              t.topic === topic
                ? t.partitions.map((p): PartitionOffset => ({ partition: p.partition, offset: Number(p.offset) }))
                : []
            ),
            byPartition
          )
      )

    const committedOffsets = Effect.fn("KafkaLog.committedOffsets")(function* (topic: string, group: string) {
      const raw = yield* committedRaw(topic, group)
      return raw.map((p) => ({ partition: p.partition, offset: Math.max(0, p.offset) }))
    })

    return { ensureTopic, topicOffsets, endOffsets, committedRaw, committedOffsets }
  })

export type Admin = Effect.Effect.Success<ReturnType<typeof makeAdmin>>
