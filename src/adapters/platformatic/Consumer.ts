import { Array as Arr, Chunk, Deferred, Duration, Effect, Option, Ref, Schedule, Stream } from "effect"
import { NodeStream } from "@effect/platform-node"
import { Consumer, type Message, MessagesStreamFallbackModes, MessagesStreamModes } from "@platformatic/kafka"
import {
  type ConsumeOptions,
  type ConsumerHandler,
  type LogError,
  type PartitionOffset
} from "../../ports/MessageLog.js"
import { makeDriver } from "../consumer/Driver.js"
import type { KafkaTuning } from "../kafka/Tuning.js"
import type { Admin } from "./Admin.js"
import { attempt, close, fail } from "./Attempt.js"
import type { ClientBase } from "./Connection.js"
import { toRecord } from "./Records.js"

export interface ConsumerDeps {
  readonly base: ClientBase
  readonly tuning: KafkaTuning
  readonly admin: Admin
}

/** Messages buffered by the stream before fetching pauses (the library's default is 1,024). */
const HighWaterMark = 4096

/** Where a partition's sequence starts again: the first message, and each whose offset does not follow on. */
const restarts = (messages: ReadonlyArray<Message>): ReadonlyArray<number> =>
  Arr.filterMap(messages, (m, i) =>
    Option.match(Arr.get(messages, i - 1), {
      onNone: () => Option.some(i),
      onSome: (previous) => (m.offset <= previous.offset ? Option.some(i) : Option.none())
    })
  )

/**
 * Runs of one partition in offset order, in the order read. A read may bring several partitions, and one partition
 * twice: what was fetched before a rejoin, then the same offsets again from the committed offset (the stream rewinds
 * kept partitions on a join), so a partition's messages are cut where the offset goes back.
 */
export const runsOf = (messages: Chunk.Chunk<Message>): ReadonlyArray<ReadonlyArray<Message>> =>
  Arr.flatMap(Object.values(Arr.groupBy(Chunk.toReadonlyArray(messages), (m) => String(m.partition))), (ms) => {
    const starts = restarts(ms)
    return starts.map((start, k) =>
      ms.slice(
        start,
        Option.getOrElse(Arr.get(starts, k + 1), () => ms.length)
      )
    )
  })

/**
 * `MessageLog.consume` on a @platformatic/kafka consumer and its message stream: one consumer per call, joined to the
 * group for its duration; the library heartbeats on its own timer and rejoins on a rebalance, and the driver learns of
 * every join from its event.
 */
export const makeConsume =
  ({ admin, base, tuning }: ConsumerDeps) =>
  <E, R>(
    options: ConsumeOptions,
    makeHandler: (
      commit: (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>
    ) => ConsumerHandler<E, R>
  ): Effect.Effect<void, LogError | E, R> =>
    Effect.gen(function* () {
      const { group, topic } = options
      // The library insists the rebalance timeout is at least the session timeout (kafkajs does not).
      const rebalanceTimeout = Math.max(tuning.rebalanceTimeout, tuning.sessionTimeout)
      // How long a join waits for the handler call in progress and its commits (see Driver.beforeJoin).
      const patience = Duration.millis(Math.min(rebalanceTimeout / 2, 10_000))
      // The driver before the consumer: the consumer asks it before each join; its calls reach the consumer later.
      const driver = yield* makeDriver(
        options,
        makeHandler,
        {
          commit: (offsets): Effect.Effect<void, LogError> =>
            attempt(`commit (${group})`, () =>
              consumer.commit({
                offsets: offsets.map((o) => ({
                  topic,
                  partition: o.partition,
                  offset: BigInt(o.offset),
                  leaderEpoch: -1
                }))
              })
            ),
          topicOffsets: admin.topicOffsets(topic),
          committedRaw: (partitions) => admin.committedRaw(topic, group, partitions),
          pause: Effect.void
        },
        { positionAdded: true }
      )

      const consumer: Consumer = yield* Effect.acquireRelease(
        Effect.try({
          try: () =>
            new Consumer({
              ...base,
              groupId: group,
              sessionTimeout: tuning.sessionTimeout,
              rebalanceTimeout,
              heartbeatInterval: tuning.heartbeatInterval,
              autocommit: false,
              minBytes: 1,
              maxBytes: tuning.maxBytes,
              maxBytesPerPartition: tuning.maxBytesPerPartition,
              maxWaitTime: tuning.maxWaitTimeInMs,
              highWaterMark: HighWaterMark,
              // Asked for before every JoinGroup: what the member held is settled under the old generation first.
              protocolsMetadata: (): Promise<Buffer> =>
                Effect.runPromise(Effect.as(driver.beforeJoin(patience), Buffer.alloc(0)))
            }),
          catch: fail(`consumer config (${group})`)
        }),
        // Forced: the message stream is closed with it; the group is left so the partitions move at once.
        (c) => close(`consumer close (${group})`, () => c.close(true))
      )

      consumer.on("consumer:group:join", (event) => {
        const mine = (event.assignments ?? []).find((a) => a.topic === topic)
        driver.onJoined(mine?.partitions ?? [], event.memberId)
      })
      consumer.on("consumer:group:leave", driver.onLeft)

      // One stream per stay in the group: the watchdog may leave (closing the stream) and the member joins again.
      const rejoin = yield* Ref.make(false)
      const stay = Effect.gen(function* () {
        yield* Ref.set(rejoin, false)
        const messages = yield* attempt(`consume ${topic} (${group})`, () =>
          consumer.consume({
            topics: [topic],
            mode: MessagesStreamModes.COMMITTED,
            fallbackMode: MessagesStreamFallbackModes.EARLIEST,
            autocommit: false,
            sessionTimeout: tuning.sessionTimeout,
            rebalanceTimeout,
            heartbeatInterval: tuning.heartbeatInterval
          })
        )
        // What the stream holds, a read at a time, handed over a partition's run at a time, until the stream ends.
        yield* NodeStream.fromReadable<LogError, Message>(() => messages, fail(`consume ${topic} (${group})`), {
          closeOnDone: false
        }).pipe(
          Stream.runForEachChunk((chunk) =>
            Effect.forEach(
              runsOf(chunk),
              (run) => driver.handleRun(run[0]?.partition ?? 0, run, (m) => Number(m.offset), toRecord),
              { discard: true }
            )
          )
        )
        return yield* Ref.get(rejoin)
      })
      yield* Effect.forkScoped(
        Effect.repeat(stay, { while: (again) => again }).pipe(
          Effect.catchAllCause((cause) => Deferred.failCause(driver.outcome, cause))
        )
      )

      // The library heartbeats whatever the handler does, so a handler stuck for good would hold its partitions for
      // good. Like the Java client's max.poll.interval.ms: a handler call running longer than the rebalance timeout
      // makes the member leave the group (its partitions move to the others); it joins again once the call returns.
      const leave: (force: boolean) => Promise<void> = consumer.leaveGroup.bind(consumer)
      const watch = Effect.gen(function* () {
        const busy = yield* driver.busyFor
        if (Option.isNone(busy) || busy.value < rebalanceTimeout || (yield* Ref.get(rejoin))) return
        yield* Ref.set(rejoin, true)
        yield* Effect.logWarning(
          `consumer of ${topic} (${group}): a handler call has run for ${Math.round(busy.value / 1000)} s, longer than ` +
            `the rebalance timeout (${rebalanceTimeout} ms): leaving the group so its partitions move; it joins again once the call returns`
        )
        yield* Effect.catchAll(
          attempt(`leave group ${group}`, () => leave(true)),
          (e) => Effect.logWarning(e.message)
        )
      })
      yield* Effect.forkScoped(Effect.repeat(watch, Schedule.spaced(Duration.seconds(1))))

      yield* driver.run(group)
    }).pipe(
      Effect.scoped,
      Effect.withSpan("KafkaLog.consume", { attributes: { topic: options.topic, group: options.group } })
    )
