import { Deferred, Effect, Exit, Option, Runtime } from "effect"
import kafkajs, { type EachBatchPayload, type Kafka, type RetryOptions } from "kafkajs"
import { type ConsumeOptions, type ConsumerHandler, LogError, type PartitionOffset } from "../../ports/MessageLog.js"
import { makeDriver } from "../consumer/Driver.js"
import type { Admin } from "./Admin.js"
import { attempt, disconnect, fail } from "./Attempt.js"
import { consumerConfig } from "./ConsumerConfig.js"
import { HandlerFailed } from "./Logging.js"
import { toRecord } from "./Records.js"
import type { KafkaTuning } from "./Tuning.js"

export interface ConsumerDeps {
  readonly kafka: Kafka
  readonly tuning: KafkaTuning
  readonly retry: RetryOptions
  readonly admin: Admin
  /** The layer's runtime: kafkajs' events log through its logger. */
  readonly runtime: Runtime.Runtime<never>
}

/** `MessageLog.consume` on a kafkajs consumer: one consumer per call, joined to the group for its duration. */
export const makeConsume =
  ({ admin, kafka, retry, runtime, tuning }: ConsumerDeps) =>
  <E, R>(
    options: ConsumeOptions,
    makeHandler: (
      commit: (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>
    ) => ConsumerHandler<E, R>
  ): Effect.Effect<void, LogError | E, R> =>
    Effect.gen(function* () {
      const { topic, group } = options
      const handlerRuntime = yield* Effect.runtime<R>()
      // The kafkajs consumer needs the driver's state (restartable) and the driver its consumer (commit, pause).
      const connected = yield* Deferred.make<kafkajs.Consumer>()

      const driver = yield* makeDriver(
        options,
        makeHandler,
        {
          commit: (offsets) =>
            Effect.flatMap(Deferred.await(connected), (c) =>
              attempt(`commit (${group})`, () =>
                c.commitOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: String(o.offset) })))
              )
            ),
          topicOffsets: admin.topicOffsets(topic),
          committedRaw: () => admin.committedRaw(topic, group),
          pause: Effect.flatMap(Deferred.poll(connected), (c) =>
            Effect.ignore(
              Effect.flatMap(Effect.flatten(c), (consumer) => Effect.try(() => consumer.pause([{ topic }])))
            )
          )
        },
        { positionAdded: false }
      )

      // kafkajs does not retry a retriable error while joining (e.g. "The coordinator is loading" just after a broker
      // start): it crashes and asks restartOnFailure (only for retriable errors). Before the first join nothing was
      // read or handed to the handler, so restarting then is safe; it is allowed for a minute after the start.
      const startedAt = Date.now()
      const restartable = (): boolean =>
        Effect.runSync(driver.member.get).membership.generation === 0 && Date.now() - startedAt < 60_000

      const config = consumerConfig(group, tuning, retry, restartable)
      const consumer = yield* Effect.acquireRelease(
        Effect.try({ try: () => kafka.consumer(config), catch: fail(`consumer config (${group})`) }).pipe(
          Effect.tap((c) => attempt(`consumer connect (${group})`, () => c.connect()))
        ),
        (c) =>
          Effect.zipRight(
            driver.markStopping,
            disconnect(`consumer disconnect (${group})`, () => c.disconnect())
          )
      )
      yield* Deferred.succeed(connected, consumer)

      const runBatch = Runtime.runPromiseExit(handlerRuntime)
      const eachBatch = ({ batch, heartbeat, resolveOffset }: EachBatchPayload): Promise<void> =>
        runBatch(
          driver.handleRun(batch.partition, batch.messages, (m) => Number(m.offset), toRecord(topic, batch.partition))
        ).then((exit) => {
          if (Exit.isFailure(exit)) {
            Effect.runSync(Deferred.failCause(driver.outcome, exit.cause))
            return Promise.reject(new kafkajs.KafkaJSNonRetriableError(HandlerFailed))
          }
          if (Option.isSome(exit.value)) resolveOffset(String(exit.value.value))
          return heartbeat()
        })

      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const { memberAssignment, memberId } = event.payload
        driver.onJoined(memberAssignment[topic] ?? [], memberId)
      })
      consumer.on(consumer.events.CRASH, (event) => {
        const error = new LogError({ operation: `consume ${topic} (${group})`, cause: event.payload.error })
        Runtime.runSync(runtime)(
          event.payload.restart
            ? Effect.logWarning(`${error.message}; not joined yet, so the consumer starts again`)
            : Deferred.fail(driver.outcome, error)
        )
      })

      yield* attempt(`subscribe to ${topic} (${group})`, () => consumer.subscribe({ topic, fromBeginning: true }))
      // Not interruptible: kafkajs must finish joining before it can leave cleanly.
      yield* Effect.uninterruptible(
        attempt(`consume ${topic} (${group})`, () =>
          consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch })
        )
      )
      yield* driver.run(group)
    }).pipe(
      Effect.scoped,
      Effect.withSpan("KafkaLog.consume", { attributes: { topic: options.topic, group: options.group } })
    )
