// The in-memory partition against the plain model it replaced: an array indexed by offset, forgotten cells emptied.
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as PartitionLog from "../../src/adapters/memory/PartitionLog.js"

type Op =
  | { readonly _tag: "append"; readonly keys: ReadonlyArray<string> }
  | { readonly _tag: "forget"; readonly upTo: number }
  | { readonly _tag: "read"; readonly position: number; readonly max: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    _tag: fc.constant("append" as const),
    keys: fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 8 })
  }),
  fc.record({ _tag: fc.constant("forget" as const), upTo: fc.nat(40) }),
  fc.record({ _tag: fc.constant("read" as const), position: fc.nat(40), max: fc.integer({ min: 1, max: 10 }) })
)

const partitions = 2
const partitionOf = (key: string, n: number) => key.charCodeAt(0) % n

describe("PartitionLog", () => {
  it("appends, forgets and reads like an array with forgotten cells emptied", () =>
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        // The plain model: per partition, an array of keys by offset, undefined once forgotten.
        const model: Array<Array<string | undefined>> = [[], []]
        const forgotten = [0, 0]
        let parts: ReadonlyArray<PartitionLog.PartitionLog> = [PartitionLog.empty, PartitionLog.empty]
        for (const o of ops) {
          if (o._tag === "append") {
            for (const k of o.keys) model[partitionOf(k, partitions)]!.push(k)
            parts = PartitionLog.append(
              "t",
              o.keys.map((key) => ({ key, value: key })),
              0,
              partitionOf
            )(parts)
          } else if (o._tag === "forget") {
            for (let i = forgotten[0]!; i < o.upTo; i++) model[0]![i] = undefined
            forgotten[0] = Math.max(forgotten[0]!, o.upTo)
            parts = [PartitionLog.forgetBelow(parts[0]!, o.upTo), parts[1]!]
          } else {
            model.forEach((cells, p) => {
              const expected = cells
                .slice(o.position, o.position + o.max)
                .flatMap((k, i) => (k === undefined ? [] : [{ k, offset: o.position + i }]))
              const read = PartitionLog.readFrom(parts[p]!, o.position, o.max)
              expect(read.map((r) => ({ k: r.key._tag === "Some" ? r.key.value : "", offset: r.offset }))).toEqual(
                expected
              )
              expect(read.every((r) => r.partition === p)).toBe(true)
            })
          }
          model.forEach((cells, p) => expect(PartitionLog.endOf(parts[p]!)).toBe(cells.length))
        }
      })
    ))
})
