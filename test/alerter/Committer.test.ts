import { describe, expect, it } from "@effect/vitest"
import { Effect, Ref } from "effect"
import fc from "fast-check"
import { makeCommitter } from "../../src/alerter/Committer.js"
import { LogError, type PartitionOffset } from "../../src/ports/MessageLog.js"

// Offers of increasing offsets on a few partitions, each batch some microtasks apart, against a commit that takes
// its time: every partition ends committed at its last offered offset, and its commits never go back.
describe("the alerter's background committer", () => {
  it("commits the last offset of every partition once flushed, never going back", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.nat(3)), {
          minLength: 1,
          maxLength: 60
        }),
        fc.nat(3),
        async (batches, commitDelay) => {
          const result = await Effect.runPromise(
            Effect.gen(function* () {
              const calls = yield* Ref.make<ReadonlyArray<ReadonlyArray<PartitionOffset>>>([])
              const commit = (offsets: ReadonlyArray<PartitionOffset>) =>
                Effect.zipRight(
                  Effect.sleep(commitDelay),
                  Ref.update(calls, (c) => [...c, offsets])
                )
              const committer = yield* makeCommitter
              const last = yield* Effect.reduce(batches, new Map<number, number>(), (seen, [partition, step, gap]) => {
                const offset = (seen.get(partition) ?? 0) + step
                return Effect.as(
                  Effect.zipRight(committer.offer(commit, { partition, offset }), Effect.sleep(gap)),
                  new Map([...seen, [partition, offset]])
                )
              })
              yield* committer.flush(commit)
              return { last, calls: yield* Ref.get(calls) }
            })
          )
          const committed = result.calls.flat()
          const final = new Map(committed.map((o) => [o.partition, o.offset]))
          expect(final).toEqual(result.last)
          const perPartition = [...result.last.keys()].map((p) =>
            committed.filter((o) => o.partition === p).map((o) => o.offset)
          )
          perPartition.forEach((offsets) => expect(offsets).toEqual([...offsets].sort((a, b) => a - b)))
        }
      ),
      { numRuns: 50 }
    )
  })

  it("forgets revoked partitions: their pending offsets are not committed", async () => {
    const calls = await Effect.runPromise(
      Effect.gen(function* () {
        const calls = yield* Ref.make<ReadonlyArray<PartitionOffset>>([])
        const slow = (offsets: ReadonlyArray<PartitionOffset>) =>
          Effect.zipRight(
            Effect.sleep(20),
            Ref.update(calls, (c) => [...c, ...offsets])
          )
        const committer = yield* makeCommitter
        yield* committer.offer(slow, { partition: 0, offset: 5 })
        yield* Effect.yieldNow()
        yield* committer.offer(slow, { partition: 1, offset: 7 })
        yield* committer.offer(slow, { partition: 2, offset: 9 })
        yield* committer.forget([1])
        yield* committer.flush(slow)
        return yield* Ref.get(calls)
      })
    )
    expect(calls).toEqual([
      { partition: 0, offset: 5 },
      { partition: 2, offset: 9 }
    ])
  })

  it("a refused commit is tried again (at retry, or with the next offer) for the partitions still owned, not in a loop", async () => {
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const attempts = yield* Ref.make(0)
        const committed = yield* Ref.make<ReadonlyArray<PartitionOffset>>([])
        const down = yield* Ref.make(true)
        const commit = (offsets: ReadonlyArray<PartitionOffset>) =>
          Effect.gen(function* () {
            yield* Ref.update(attempts, (n) => n + 1)
            if (yield* Ref.get(down)) return yield* new LogError({ operation: "commit", cause: "coordinator loading" })
            yield* Ref.update(committed, (c) => [...c, ...offsets])
          })
        const committer = yield* makeCommitter
        yield* committer.assign([0, 1])
        yield* committer.offer(commit, { partition: 0, offset: 5 })
        yield* committer.offer(commit, { partition: 1, offset: 7 })
        yield* Effect.sleep(30)
        const whileDown = yield* Ref.get(attempts)
        yield* committer.forget([1])
        yield* Ref.set(down, false)
        yield* committer.retry(commit)
        yield* Effect.sleep(30)
        yield* committer.flush(commit)
        return { whileDown, committed: yield* Ref.get(committed) }
      })
    )
    // One attempt while the broker was down (no busy loop), then partition 0's offset, and not the revoked 1's.
    expect(result.whileDown).toBe(1)
    expect(result.committed).toEqual([{ partition: 0, offset: 5 }])
  })
})
