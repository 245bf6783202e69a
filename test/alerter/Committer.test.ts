import { describe, expect, it } from "@effect/vitest"
import { Effect, Ref } from "effect"
import fc from "fast-check"
import { makeCommitter } from "../../src/alerter/Committer.js"
import type { PartitionOffset } from "../../src/ports/MessageLog.js"

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
})
