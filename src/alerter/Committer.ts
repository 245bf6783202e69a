import { Array as Arr, Effect, HashMap, HashSet, Option, Ref } from "effect"
import type { LogError, PartitionOffset } from "../ports/MessageLog.js"

/**
 * Commits off the alerter's hot path. A batch's alerts are published before its offset is offered here, and the next
 * batch does not wait for the commit's round trip: offsets wait in `pending` (the latest per partition) and one
 * background fiber at a time commits all that is pending, again until nothing is. Commits are made under one lock
 * with what was taken under it, so a partition's committed offset never goes back; `flush` (on stop) waits for it.
 * What is pending when the process dies is read again: at-least-once, as before (alert ids are stable).
 * A refused commit (the coordinator moving, a broker restarting) goes back to `pending` for the partitions still
 * owned, unless a later offset was offered meanwhile, and is tried again with the next offer or at `retry` (on idle):
 * a client that does not re-deliver after such a failure must not leave the group's commit behind for good.
 */
interface State {
  readonly pending: HashMap.HashMap<number, number>
  readonly scheduled: boolean
  readonly owned: HashSet.HashSet<number>
}

type Commit = (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>

export const makeCommitter = Effect.gen(function* () {
  const state = yield* Ref.make<State>({ pending: HashMap.empty(), scheduled: false, owned: HashSet.empty() })
  const lock = yield* Effect.makeSemaphore(1)

  /**
   * A refusal: back to pending go the offsets of partitions still owned that nothing newer was offered for; the
   * background committer stops (no retry loop against a broker that is down) until the next offer or `retry`.
   */
  const refused = (offsets: ReadonlyArray<PartitionOffset>, fromDrain: boolean) => (e: LogError) =>
    Effect.zipRight(
      Effect.logWarning(`alerter commit refused (tried again later while the partitions are ours): ${e.message}`),
      Ref.update(state, (s) => ({
        ...s,
        scheduled: fromDrain ? false : s.scheduled,
        pending: Arr.reduce(offsets, s.pending, (pending, o) =>
          HashSet.has(s.owned, o.partition) && !HashMap.has(pending, o.partition)
            ? HashMap.set(pending, o.partition, o.offset)
            : pending
        )
      }))
    )

  /** Commit what is pending (if anything) under the lock; whether to go on (something was committed). */
  const commitPending = (commit: Commit, fromDrain: boolean) =>
    lock.withPermits(1)(
      Effect.flatMap(
        Ref.modify(state, (s): [Option.Option<ReadonlyArray<PartitionOffset>>, State] =>
          HashMap.isEmpty(s.pending)
            ? [Option.none(), { ...s, scheduled: fromDrain ? false : s.scheduled }]
            : [
                Option.some(Array.from(HashMap.toEntries(s.pending), ([partition, offset]) => ({ partition, offset }))),
                { ...s, pending: HashMap.empty() }
              ]
        ),
        (taken) =>
          Option.match(taken, {
            onNone: () => Effect.succeed(false),
            onSome: (offsets) =>
              Effect.matchEffect(commit(offsets), {
                onFailure: (e) => Effect.as(refused(offsets, fromDrain)(e), false),
                onSuccess: () => Effect.succeed(true)
              })
          })
      )
    )

  // The background committer: commits until a round finds nothing pending, then clears `scheduled` (atomically with
  // that finding, so an offer in between either sees it still scheduled and is taken by the next round, or forks anew).
  const drain = (commit: Commit) =>
    Effect.iterate(true, { while: (again) => again, body: () => commitPending(commit, true) })

  /** Offer a batch's next offset: recorded at once; a committer fiber is forked only when none is scheduled. */
  const offer = (commit: Commit, o: PartitionOffset) =>
    Effect.flatMap(
      Ref.modify(state, (s): [boolean, State] => [
        !s.scheduled,
        { ...s, pending: HashMap.set(s.pending, o.partition, o.offset), scheduled: true }
      ]),
      (start) => (start ? Effect.asVoid(Effect.forkDaemon(drain(commit))) : Effect.void)
    )

  /** Partitions given to this member: a refused commit of theirs is tried again. */
  const assign = (partitions: ReadonlyArray<number>) =>
    Ref.update(state, (s) => ({ ...s, owned: HashSet.union(s.owned, partitions) }))

  /** Partitions taken away: their pending offsets would be refused; the new owner reads from the last commit. */
  const forget = (partitions: ReadonlyArray<number>) =>
    Ref.update(state, (s) => ({
      ...s,
      pending: HashMap.removeMany(s.pending, partitions),
      owned: HashSet.difference(s.owned, partitions)
    }))

  /** Try again what was refused, unless a committer is already at it (on idle: no offer comes to do it). */
  const retry = (commit: Commit) =>
    Effect.flatMap(
      Ref.modify(state, (s): [boolean, State] =>
        s.scheduled || HashMap.isEmpty(s.pending) ? [false, s] : [true, { ...s, scheduled: true }]
      ),
      (start) => (start ? Effect.asVoid(Effect.forkDaemon(drain(commit))) : Effect.void)
    )

  /** Commit everything pending now, after any commit in flight (on stop). */
  const flush = (commit: Commit) => Effect.asVoid(commitPending(commit, false))

  return { offer, assign, forget, retry, flush }
})
