import { Array as Arr, type Duration, Effect, Fiber, Layer, Metric, Option, Ref, Schedule } from "effect"
import { type ConsumeOptions, MessageLog } from "../ports/MessageLog.js"
import { ObjectStore } from "../ports/ObjectStore.js"
import { assignedPartitions, consumerLag, objectBytesWritten, objectsWritten, ready } from "./Metrics.js"

// The ports instrumented once, as layers over whichever adapter is below: every component that uses the
// port is measured the same way, tagged with the `component` of the fiber that calls it.

type Log = MessageLog["Type"]

const sampleLag = Effect.fn("MessageLog.sampleLag")(function* (log: Log, topic: string, group: string) {
  const [ends, committed] = yield* Effect.all([log.endOffsets(topic), log.committedOffsets(topic, group)], {
    concurrency: 2
  })
  yield* Effect.forEach(
    ends,
    (end) => {
      const done = Option.getOrElse(
        Option.map(
          Arr.findFirst(committed, (c) => c.partition === end.partition),
          (c) => c.offset
        ),
        () => 0
      )
      return Metric.set(
        consumerLag.pipe(
          Metric.tagged("topic", topic),
          Metric.tagged("group", group),
          Metric.tagged("partition", String(end.partition))
        ),
        Math.max(0, end.offset - done)
      )
    },
    { discard: true }
  )
})

// A failed sample keeps the last one; the sampler lives as long as the consumer.
const trackLag = (log: Log, options: ConsumeOptions, every: Duration.Duration) =>
  sampleLag(log, options.topic, options.group).pipe(
    Effect.timeout("30 seconds"),
    Effect.catchAll((e) => Effect.logDebug(`metrics: lag sample failed: ${e.message}`)),
    Effect.repeat(Schedule.spaced(every))
  )

/**
 * The message log, showing which partitions each consumer holds (`peacestate_assigned_partitions`), whether
 * it is ready (holds partitions, not stopping) and, sampled every `lagEvery` when given, its lag (`peacestate_consumer_lag`).
 */
export const instrumentLog =
  (lagEvery: Option.Option<Duration.Duration>) =>
  (log: Log): Log => ({
    ...log,
    consume: (options, makeHandler) =>
      Effect.gen(function* () {
        const held = yield* Ref.make<ReadonlyArray<number>>([])
        const stopping = yield* Ref.make(false)
        const show = Effect.gen(function* () {
          const partitions = yield* Ref.get(held)
          yield* Metric.set(assignedPartitions, partitions.length)
          yield* Metric.set(ready, partitions.length > 0 && !(yield* Ref.get(stopping)) ? 1 : 0)
        })
        yield* show
        const consume = log.consume(options, (commit) => {
          const handler = makeHandler(commit)
          return {
            ...handler,
            onAssigned: (partitions) =>
              Effect.zipRight(
                handler.onAssigned(partitions),
                Effect.zipRight(
                  Ref.update(held, (a) => Arr.union(a, partitions)),
                  show
                )
              ),
            onRevoked: (partitions) =>
              Effect.zipRight(
                Effect.zipRight(
                  Ref.update(held, (a) => Arr.difference(a, partitions)),
                  show
                ),
                handler.onRevoked(partitions)
              ),
            onStop: Effect.zipRight(Effect.zipRight(Ref.set(stopping, true), show), handler.onStop)
          }
        })
        const sampler = yield* Option.match(lagEvery, {
          onNone: () => Effect.succeed(Option.none()),
          onSome: (every) => Effect.asSome(Effect.fork(trackLag(log, options, every)))
        })
        return yield* consume.pipe(
          Effect.ensuring(
            Effect.zipRight(
              Effect.zipRight(Effect.zipRight(Ref.set(stopping, true), Ref.set(held, [])), show),
              Effect.forEach(Option.toArray(sampler), Fiber.interrupt, { discard: true })
            )
          )
        )
      })
  })

/** `MessageLog` over `MessageLog`: the adapter below, instrumented. */
export const MessageLogMetrics = (
  lagEvery: Option.Option<Duration.Duration>
): Layer.Layer<MessageLog, never, MessageLog> =>
  Layer.effect(MessageLog, Effect.map(MessageLog, instrumentLog(lagEvery)))

type Store = ObjectStore["Type"]

/** The object store, counting the objects and bytes put. */
export const instrumentStore = (store: Store): Store => ({
  ...store,
  put: (key, bytes) =>
    Effect.zipRight(
      store.put(key, bytes),
      Effect.zipRight(Metric.increment(objectsWritten), Metric.incrementBy(objectBytesWritten, bytes.byteLength))
    )
})

/** `ObjectStore` over `ObjectStore`: the adapter below, instrumented. */
export const ObjectStoreMetrics: Layer.Layer<ObjectStore, never, ObjectStore> = Layer.effect(
  ObjectStore,
  Effect.map(ObjectStore, instrumentStore)
)
