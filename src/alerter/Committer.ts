import { Effect, HashMap, Option, Ref } from "effect"
import type { LogError, PartitionOffset } from "../ports/MessageLog.js"

/**
 * Commits off the alerter's hot path. A batch's alerts are published before its offset is offered here, and the next
 * batch does not wait for the commit's round trip: offsets wait in `pending` (the latest per partition) and one
 * background fiber at a time commits all that is pending, again until nothing is. Commits are made under one lock
 * with what was taken under it, so a partition's committed offset never goes back; `flush` (on stop) waits for it.
 * What is pending when the process dies is read again: at-least-once, as before (alert ids are stable).
 */
interface State {
  readonly pending: HashMap.HashMap<number, number>
  readonly scheduled: boolean
}

type Commit = (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>

export const makeCommitter = Effect.gen(function* () {
  const state = yield* Ref.make<State>({ pending: HashMap.empty(), scheduled: false })
  const lock = yield* Effect.makeSemaphore(1)

  const refused = (e: LogError) => Effect.logWarning(`alerter commit refused: ${e.message}`)

  /** Commit what is pending (if anything) under the lock; `Option.none` when there was nothing. */
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
            onSome: (offsets) => Effect.as(Effect.catchAll(commit(offsets), refused), true)
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
        { pending: HashMap.set(s.pending, o.partition, o.offset), scheduled: true }
      ]),
      (start) => (start ? Effect.asVoid(Effect.forkDaemon(drain(commit))) : Effect.void)
    )

  /** Partitions taken away: their pending offsets would be refused; the new owner reads from the last commit. */
  const forget = (partitions: ReadonlyArray<number>) =>
    Ref.update(state, (s) => ({ ...s, pending: HashMap.removeMany(s.pending, partitions) }))

  /** Commit everything pending now, after any commit in flight (on stop). */
  const flush = (commit: Commit) => Effect.asVoid(commitPending(commit, false))

  return { offer, forget, flush }
})
