import { Array as Arr, Deferred, Duration, Effect, Exit, Option, Ref, Runtime } from "effect"
import kafkajs, { type EachBatchPayload, type Kafka, type RetryOptions } from "kafkajs"
import {
  type Batch,
  type ConsumeOptions,
  type ConsumerHandler,
  LogError,
  type PartitionOffset
} from "../../ports/MessageLog.js"
import * as Membership from "../consumer/Membership.js"
import type { Admin } from "./Admin.js"
import { attempt, disconnect, fail } from "./Attempt.js"
import { HandlerFailed } from "./Logging.js"
import { consumerConfig, initialMember, joined, NotAssignedError } from "./Member.js"
import { toRecord } from "./Records.js"
import type { KafkaTuning } from "./Tuning.js"

const Tick = 100

interface IdleClock {
  readonly batches: number
  readonly lastIdleAt: number
  readonly done: boolean
}

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
      const permit = yield* Effect.makeSemaphore(1)
      const member = yield* Ref.make(initialMember)
      const outcome = yield* Deferred.make<void, LogError | E>()
      const stopped = yield* Ref.make(false)

      // kafkajs does not retry a retriable error while joining (e.g. "The coordinator is loading" just after a broker
      // start): it crashes and asks restartOnFailure (only for retriable errors). Before the first join nothing was
      // read or handed to the handler, so restarting then is safe; it is allowed for a minute after the start.
      const startedAt = Date.now()
      const restartable = (): boolean =>
        Effect.runSync(Ref.get(member)).membership.generation === 0 && Date.now() - startedAt < 60_000

      const config = consumerConfig(group, tuning, retry, restartable)
      const consumer = yield* Effect.acquireRelease(
        Effect.try({ try: () => kafka.consumer(config), catch: fail(`consumer config (${group})`) }).pipe(
          Effect.tap((c) => attempt(`consumer connect (${group})`, () => c.connect()))
        ),
        (c) =>
          Effect.zipRight(
            Ref.update(member, (m) => ({ ...m, stopping: true })),
            disconnect(`consumer disconnect (${group})`, () => c.disconnect())
          )
      )

      // Every handler call of this member goes through here: one at a time, and none once stopping.
      const serialized = <A, E2>(effect: Effect.Effect<A, E2, R>) =>
        permit.withPermits(1)(
          Effect.flatMap(Ref.get(member), (m) => (m.stopping ? Effect.succeedNone : Effect.asSome(effect)))
        )

      // The archiver's commit before a put is its fence: refused until the handler knows the latest join.
      const commit = (offsets: ReadonlyArray<PartitionOffset>) =>
        Effect.gen(function* () {
          if (offsets.length === 0) return
          const verdict = Membership.judge(
            (yield* Ref.get(member)).membership,
            offsets.map((o) => o.partition)
          )
          if (Membership.Verdict.$is("Accepted")(verdict)) {
            return yield* attempt(`commit (${group})`, () =>
              consumer.commitOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: String(o.offset) })))
            )
          }
          return yield* new LogError({
            operation: "commit",
            cause: new NotAssignedError({ topic, partitions: verdict.partitions })
          })
        })
      const handler = makeHandler(commit)

      // kafkajs only reports an assignment after the fact (GROUP_JOIN); tell the handler before anything else.
      const syncAssignment = Effect.gen(function* () {
        const m = yield* Ref.get(member)
        if (!Membership.pending(m.membership)) return
        const { added, membership, revoked } = Membership.apply(m.membership)
        yield* Ref.set(member, { ...m, membership })
        if (revoked.length > 0) yield* handler.onRevoked(revoked)
        if (added.length > 0) yield* handler.onAssigned(added)
      })

      const handleBatch = (batch: EachBatchPayload["batch"]) =>
        Effect.gen(function* () {
          yield* syncAssignment
          const m = yield* Ref.get(member)
          const { partition, messages } = batch
          const last = Arr.last(messages)
          if (!Membership.owns(m.membership, partition) || Option.isNone(last)) return Option.none<string>()
          // After a rejoin kafkajs fetches a kept partition again from the committed offset: skip what we handed over already.
          const fresh = Membership.unseen(m.membership, partition, messages, (r) => Number(r.offset))
          if (fresh.length > 0)
            yield* handler.onBatch({ topic, partition, records: fresh.map(toRecord(topic, partition)) } satisfies Batch)
          const next = Number(last.value.offset) + 1
          yield* Ref.update(member, (s) => ({
            ...s,
            membership: Membership.advance(s.membership, partition, next),
            lastRecordAt: fresh.length > 0 ? Date.now() : s.lastRecordAt,
            batches: s.batches + 1
          }))
          return Option.some(last.value.offset)
        })

      const runBatch = Runtime.runPromiseExit(handlerRuntime)
      const eachBatch = (payload: EachBatchPayload): Promise<void> =>
        runBatch(Effect.map(serialized(handleBatch(payload.batch)), Option.flatten)).then((exit) => {
          if (Exit.isFailure(exit)) {
            Effect.runSync(Deferred.failCause(outcome, exit.cause))
            return Promise.reject(new kafkajs.KafkaJSNonRetriableError(HandlerFailed))
          }
          if (Option.isSome(exit.value)) payload.resolveOffset(exit.value.value)
          return payload.heartbeat()
        })

      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const now = Date.now()
        const { memberAssignment, memberId } = event.payload
        Effect.runSync(Ref.update(member, joined(memberAssignment[topic] ?? [], memberId, now)))
      })
      consumer.on(consumer.events.CRASH, (event) => {
        const error = new LogError({ operation: `consume ${topic} (${group})`, cause: event.payload.error })
        Runtime.runSync(runtime)(
          event.payload.restart
            ? Effect.logWarning(`${error.message}; not joined yet, so the consumer starts again`)
            : Deferred.fail(outcome, error)
        )
      })

      // Caught up: every owned partition has been read up to its end offset.
      const caughtUp = Effect.gen(function* () {
        const { joinedAt, membership } = yield* Ref.get(member)
        if (Membership.pending(membership) || Option.isNone(joinedAt)) return false
        if (membership.owned.length === 0) return true
        const ends = yield* admin.topicOffsets(topic)
        const committed = Membership.unpositioned(membership).length > 0 ? yield* admin.committedRaw(topic, group) : []
        return Membership.caughtUp(membership, ends, committed)
      }).pipe(Effect.catchAll((e) => Effect.as(Effect.logDebug(`idle check: ${e.message}`), false)))

      const idleEvery = Duration.toMillis(options.idleEvery ?? Duration.seconds(1))
      const tick = Duration.millis(Math.max(1, Math.min(Tick, idleEvery)))
      const idleStep = (clock: IdleClock): Effect.Effect<IdleClock, E, R> =>
        Effect.gen(function* () {
          yield* serialized(syncAssignment)
          const m = yield* Ref.get(member)
          const next = { ...clock, batches: m.batches }
          if (Option.isNone(m.joinedAt) || m.batches !== clock.batches) return next
          const now = Date.now()
          if (Option.exists(options.idleExit, (d) => now - m.lastRecordAt >= Duration.toMillis(d)))
            return { ...next, done: true }
          if (options.stopWhenIdle !== undefined && (yield* options.stopWhenIdle) && (yield* caughtUp))
            return { ...next, done: true }
          if (now - clock.lastIdleAt < idleEvery) return next
          yield* serialized(Effect.zipRight(syncAssignment, handler.onIdle))
          return { ...next, lastIdleAt: Date.now() }
        })
      const start: IdleClock = { batches: -1, lastIdleAt: Date.now(), done: false }
      const idleLoop = Effect.iterate(start, {
        while: (c) => !c.done,
        body: (c) => Effect.zipRight(Effect.sleep(tick), idleStep(c))
      })

      // onStop exactly once: new batches are skipped, the one in progress finishes first (the permit).
      const stop = Effect.uninterruptible(
        Effect.gen(function* () {
          if (yield* Ref.getAndSet(stopped, true)) return
          yield* Ref.update(member, (m) => ({ ...m, stopping: true }))
          yield* Effect.ignore(Effect.try(() => consumer.pause([{ topic }])))
          // The handler learns of a last rebalance first, so it does not flush partitions it lost.
          yield* permit.withPermits(1)(Effect.zipRight(syncAssignment, handler.onStop))
        })
      )

      yield* attempt(`subscribe to ${topic} (${group})`, () => consumer.subscribe({ topic, fromBeginning: true }))
      // Not interruptible: kafkajs must finish joining before it can leave cleanly.
      yield* Effect.uninterruptible(
        attempt(`consume ${topic} (${group})`, () =>
          consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch })
        )
      )
      yield* Effect.forkScoped(
        Effect.flatMap(Effect.exit(idleLoop), (exit) => Deferred.done(outcome, Exit.asVoid(exit)))
      )
      // Interrupted (SIGTERM): the last flush may fail (e.g. the store is down); what it held stays uncommitted and is
      // read again, but the operator must hear of it.
      yield* Deferred.await(outcome).pipe(
        Effect.onInterrupt(() =>
          Effect.catchAllCause(stop, (cause) =>
            Effect.logError(
              `consumer of ${topic} (${group}) could not flush on shutdown; the uncommitted records will be read again`,
              cause
            )
          )
        )
      )
      yield* stop
    }).pipe(
      Effect.scoped,
      Effect.withSpan("KafkaLog.consume", { attributes: { topic: options.topic, group: options.group } })
    )
