// The platformatic adapter's cut of a stream read into runs: per partition, in the order read, cut where the offset
// goes back (a re-fetch after a rejoin), against the plain loop.
import { describe, expect, it } from "@effect/vitest"
import { Chunk } from "effect"
import fc from "fast-check"
import type { Message } from "@platformatic/kafka"
import { runsOf } from "../../src/adapters/platformatic/Consumer.js"

const message = (partition: number, offset: number) => ({ partition, offset: BigInt(offset) }) as unknown as Message

const plain = (ms: ReadonlyArray<Message>): Array<Array<string>> => {
  const byPartition = new Map<number, Array<Message>>()
  for (const m of ms) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m])
  const runs: Array<Array<string>> = []
  for (const [, list] of [...byPartition].sort((a, b) => a[0] - b[0])) {
    let run: Array<string> = []
    for (const m of list) {
      const last = run.at(-1)
      if (last !== undefined && BigInt(last.split("@")[1]!) >= m.offset) {
        runs.push(run)
        run = []
      }
      run.push(`${m.partition}@${m.offset}`)
    }
    if (run.length > 0) runs.push(run)
  }
  return runs
}

describe("platformatic runsOf", () => {
  it("cuts a re-fetch into its own run: 44..48 then 41..48", () => {
    const read = [44, 45, 46, 47, 48, 41, 42, 43, 44, 45, 46, 47, 48].map((o) => message(1, o))
    expect(runsOf(Chunk.fromIterable(read)).map((r) => r.map((m) => Number(m.offset)))).toEqual([
      [44, 45, 46, 47, 48],
      [41, 42, 43, 44, 45, 46, 47, 48]
    ])
  })

  it("equals the plain loop on random reads", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(30)), { maxLength: 60 }), (pairs) => {
        const read = pairs.map(([p, o]) => message(p, o))
        const runs = runsOf(Chunk.fromIterable(read)).map((r) => r.map((m) => `${m.partition}@${m.offset}`))
        expect([...runs].sort()).toEqual(plain(read).sort())
      })
    )
  })
})
