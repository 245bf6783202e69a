/**
 * One group member's life on a Kafka client, whichever client: the handler's callbacks one at a time and none once
 * stopping, assignments told to the handler before any batch, fetched runs trimmed to what was not handed over, the
 * commit fence, the idle clock (idle exit, stopWhenIdle, onIdle) and the single onStop. A client adapter feeds it
 * joins and fetched runs and gives it the few calls it needs (`GroupClient`).
 */
import { Array as Arr, Deferred, Duration, Effect, Exit, Option, Ref, Schedule } from "effect"
import {
  type Batch,
  type ConsumeOptions,
  type ConsumerHandler,
  LogError,
  type LogRecord,
  type PartitionOffset
} from "../../ports/MessageLog.js"
import { initialMember, joined, type Member, NotAssignedError } from "./Member.js"
import * as Membership from "./Membership.js"

const Tick = 100

interface IdleClock {
  readonly batches: number
  readonly lastIdleAt: number
  readonly done: boolean
}

/** What the driver asks of the client. */
export interface GroupClient {
  /** Store the group's next offsets (the fence has passed). */
  readonly commit: (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>
  /** The topic's bounds per partition. */
  readonly topicOffsets: Effect.Effect<ReadonlyArray<Membership.PartitionBounds>, LogError>
  /** The group's committed offsets per partition (negative: none); only these partitions when given. */
  readonly committedRaw: (partitions?: ReadonlyArray<number>) => Effect.Effect<ReadonlyArray<PartitionOffset>, LogError>
  /** Stop fetching (best effort) before the last onStop. */
  readonly pause: Effect.Effect<void>
}

export interface DriverOptions {
  /**
   * Position partitions just added at the group's committed offset, so that a client fetching them from elsewhere
   * (platformatic/kafka#223: from the earliest, before its own refresh) cannot hand over what another member
   * already committed.
   */
  readonly positionAdded: boolean
}

/** The member's driver for one `consume` call. */
export const makeDriver = <E, R>(
  options: ConsumeOptions,
  makeHandler: (
    commit: (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>
  ) => ConsumerHandler<E, R>,
  client: GroupClient,
  driverOptions: DriverOptions
) =>
  Effect.gen(function* () {
    const { topic } = options
    const permit = yield* Effect.makeSemaphore(1)
    const member = yield* Ref.make<Member>(initialMember)
    const outcome = yield* Deferred.make<void, LogError | E>()
    const stopped = yield* Ref.make(false)

    // When the handler call in progress started (a client whose heartbeats do not wait for the handler watches it).
    const busySince = yield* Ref.make(Option.none<number>())
    const timed = <A, E2>(effect: Effect.Effect<A, E2, R>) =>
      Effect.ensuring(
        Effect.zipRight(Ref.set(busySince, Option.some(Date.now())), effect),
        Ref.set(busySince, Option.none())
      )

    // Every handler call of this member goes through here: one at a time, and none once stopping.
    const serialized = <A, E2>(effect: Effect.Effect<A, E2, R>) =>
      permit.withPermits(1)(
        Effect.flatMap(Ref.get(member), (m) => (m.stopping ? Effect.succeedNone : Effect.asSome(timed(effect))))
      )

    // A client that rejoins on its own timer (platformatic) asks the driver before each join (`beforeJoin`): until the
    // join is known, new batches wait (`open`) and, once what was in progress has finished, commits are refused.
    const open = yield* Effect.makeLatch(true)
    const joining = yield* Ref.make(false)
    const commitsInFlight = yield* Ref.make(0)

    // The archiver's commit before a put is its fence: refused until the handler knows the latest join.
    const commit = (offsets: ReadonlyArray<PartitionOffset>) =>
      Effect.gen(function* () {
        if (offsets.length === 0) return
        const verdict = (yield* Ref.get(joining))
          ? Membership.Verdict.Stale({ partitions: offsets.map((o) => o.partition) })
          : Membership.judge(
              (yield* Ref.get(member)).membership,
              offsets.map((o) => o.partition)
            )
        if (Membership.Verdict.$is("Accepted")(verdict))
          return yield* Effect.acquireUseRelease(
            Ref.update(commitsInFlight, (n) => n + 1),
            () => client.commit(offsets),
            () => Ref.update(commitsInFlight, (n) => n - 1)
          )
        return yield* new LogError({
          operation: "commit",
          cause: new NotAssignedError({ topic, partitions: verdict.partitions })
        })
      })
    const handler = makeHandler(commit)

    const seekCommitted = (partitions: ReadonlyArray<number>) =>
      Effect.gen(function* () {
        if (!driverOptions.positionAdded || partitions.length === 0) return
        const committed = yield* client.committedRaw(partitions)
        yield* Ref.update(member, (m) => ({
          ...m,
          membership: Arr.reduce(committed, m.membership, (ms, c) =>
            c.offset >= 0 && partitions.includes(c.partition) ? Membership.seek(ms, c.partition, c.offset) : ms
          )
        }))
      })

    // Clients report an assignment after the fact; tell the handler before anything else.
    const syncAssignment: Effect.Effect<void, E | LogError, R> = Effect.gen(function* () {
      const m = yield* Ref.get(member)
      if (!Membership.pending(m.membership)) return
      const { added, membership, revoked } = Membership.apply(m.membership)
      yield* Ref.set(member, { ...m, membership })
      yield* seekCommitted(added)
      if (revoked.length > 0) yield* handler.onRevoked(revoked)
      if (added.length > 0) yield* handler.onAssigned(added)
    })

    /**
     * A fetched run of one partition, in offset order: handed over (what was not already), the position advanced.
     * Returns the last offset fetched when the partition is this member's (the client may mark it read).
     */
    const handleRun = <A>(
      partition: number,
      run: ReadonlyArray<A>,
      offsetOf: (a: A) => number,
      toRecord: (a: A) => LogRecord
    ): Effect.Effect<Option.Option<number>, E | LogError, R> =>
      Effect.map(
        Effect.zipRight(
          open.await,
          serialized(
            Effect.gen(function* () {
              yield* syncAssignment
              const m = yield* Ref.get(member)
              const last = Arr.last(run)
              if (!Membership.owns(m.membership, partition) || Option.isNone(last)) return Option.none<number>()
              // After a rejoin a client fetches a kept partition again from the committed offset: skip what was handed over.
              const fresh = Membership.unseen(m.membership, partition, run, offsetOf)
              if (fresh.length > 0)
                yield* handler.onBatch({ topic, partition, records: fresh.map(toRecord) } satisfies Batch)
              const next = offsetOf(last.value) + 1
              yield* Ref.update(member, (s) => ({
                ...s,
                membership: Membership.advance(s.membership, partition, next),
                lastRecordAt: fresh.length > 0 ? Date.now() : s.lastRecordAt,
                batches: s.batches + 1
              }))
              return Option.some(offsetOf(last.value))
            })
          )
        ),
        Option.flatten
      )

    /** The client reports a join (from its event handler: synchronous); batches and commits go on. */
    const onJoined = (partitions: ReadonlyArray<number>, memberId: string) =>
      Effect.runSync(
        Effect.zipRight(
          Ref.update(member, joined(partitions, memberId, Date.now())),
          Effect.zipRight(Ref.set(joining, false), open.open)
        )
      )

    /**
     * Before the client (re)joins, as the Java client's onPartitionsRevoked: hold new batches, let the handler call in
     * progress finish and the commits it started land while the group still accepts the old generation, then refuse
     * commits until the join is known (so none reaches the client during the join: platformatic would retry it in the
     * new generation, for partitions that may be another member's by then). Each wait gives up after `patience` (a
     * stuck handler must not hold the join back for good; a commit waiting on this very join must not deadlock it).
     */
    const beforeJoin = (patience: Duration.Duration) =>
      Effect.gen(function* () {
        yield* open.close
        yield* Effect.timeout(permit.withPermits(1)(Effect.void), patience).pipe(Effect.ignore)
        yield* Effect.sleep(Duration.millis(5))
        yield* Effect.repeat(Ref.get(commitsInFlight), {
          until: (n) => n === 0,
          schedule: Schedule.spaced(Duration.millis(5))
        }).pipe(Effect.timeout(patience), Effect.ignore)
        yield* Ref.set(joining, true)
      })

    /** The client left the group: everything is revoked, and a later join starts afresh (as after being dropped). */
    const onLeft = () => onJoined([], "")

    /** How long the handler call in progress has been running, if one is. */
    const busyFor = Effect.map(
      Ref.get(busySince),
      Option.map((since) => Date.now() - since)
    )

    // Caught up: every owned partition has been read up to its end offset.
    const caughtUp = Effect.gen(function* () {
      const { joinedAt, membership } = yield* Ref.get(member)
      if (Membership.pending(membership) || Option.isNone(joinedAt)) return false
      if (membership.owned.length === 0) return true
      const ends = yield* client.topicOffsets
      const committed = Membership.unpositioned(membership).length > 0 ? yield* client.committedRaw() : []
      return Membership.caughtUp(membership, ends, committed)
    }).pipe(Effect.catchAll((e) => Effect.as(Effect.logDebug(`idle check: ${e.message}`), false)))

    const idleEvery = Duration.toMillis(options.idleEvery ?? Duration.seconds(1))
    const tick = Duration.millis(Math.max(1, Math.min(Tick, idleEvery)))
    const idleStep = (clock: IdleClock): Effect.Effect<IdleClock, E | LogError, R> =>
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
        yield* client.pause
        // The handler learns of a last rebalance first, so it does not flush partitions it lost.
        yield* permit.withPermits(1)(Effect.zipRight(syncAssignment, handler.onStop))
      })
    )

    /**
     * Run the idle clock until it or `outcome` ends the membership, then stop. Interrupted (SIGTERM): the last flush
     * may fail (e.g. the store is down); what it held stays uncommitted and is read again, but the operator must hear of it.
     */
    const run = (group: string): Effect.Effect<void, LogError | E, R> =>
      Effect.gen(function* () {
        yield* Effect.forkScoped(
          Effect.flatMap(Effect.exit(idleLoop), (exit) => Deferred.done(outcome, Exit.asVoid(exit)))
        )
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
      }).pipe(Effect.scoped)

    /** The member leaves once it has stopped (e.g. a closing client no longer runs handlers). */
    const markStopping = Ref.update(member, (m) => ({ ...m, stopping: true }))

    return { member, outcome, handleRun, onJoined, onLeft, beforeJoin, busyFor, run, markStopping }
  })
