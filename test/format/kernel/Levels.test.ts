import { describe, expect, it } from "@effect/vitest"
import { Array as Arr } from "effect"
import fc from "fast-check"
import { listOffsets, type PageLevels, prefixSums, slotIndex } from "../../../src/format/kernel/Levels.js"

// Plain versions: what each kernel computes, written for clarity, not speed.

const plainSlotIndex = (
  def: ReadonlyArray<number>,
  slotDef: number,
  maxDef: number,
  slots: number
): ReadonlyArray<number> => {
  const slotLevels = def.filter((d) => d >= slotDef)
  const index = slotLevels.map((d, i) =>
    d === maxDef ? slotLevels.slice(0, i).filter((x) => x === maxDef).length : -1
  )
  return Array.from({ length: slots }, (_, i) => index[i] ?? 0)
}

const plainListOffsets = (pages: ReadonlyArray<PageLevels>, slotDef: number, rows: number) => {
  const entries = pages.flatMap((p) =>
    Array.from(p.rep, (r, i) => ({ r, slot: p.def.length === 0 || (p.def[i] as number) >= slotDef }))
  )
  const starts = entries.flatMap((e, i) => (e.r === 0 ? [entries.slice(0, i).filter((x) => x.slot).length] : []))
  const total = entries.filter((e) => e.slot).length
  return {
    offsets: Array.from({ length: rows + 1 }, (_, i) => (i < Math.min(starts.length, rows) ? starts[i] : total)),
    rowsSeen: starts.length
  }
}

const levels = fc.integer({ min: 0, max: 3 }).chain((maxDef) =>
  fc.record({
    maxDef: fc.constant(maxDef),
    slotDef: fc.integer({ min: 0, max: maxDef }),
    def: fc.array(fc.integer({ min: 0, max: maxDef }), { maxLength: 60 })
  })
)

const pages = fc.array(
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 2 })), { maxLength: 30 })
    .chain((entries) =>
      fc.boolean().map((allSlots): PageLevels => ({
        rep: Int32Array.from(entries.map(([r]) => r)),
        def: allSlots ? [] : entries.map(([, d]) => d)
      }))
    ),
  { maxLength: 4 }
)

describe("format kernel: levels", () => {
  it.prop("slotIndex = the plain slot → value index", [levels, fc.nat(10)], ([{ def, maxDef, slotDef }, extra]) => {
    const slots = def.filter((d) => d >= slotDef).length
    // The slot count the reader passes, and others (shorter or longer), which must not break it.
    Arr.forEach([slots, Math.max(0, slots - extra), slots + extra], (n) =>
      expect(Array.from(slotIndex(def, slotDef, maxDef, n))).toStrictEqual(plainSlotIndex(def, slotDef, maxDef, n))
    )
  })

  it.prop(
    "listOffsets = the plain offsets from repetition levels",
    [pages, fc.integer({ min: 0, max: 2 }), fc.nat(40)],
    ([ps, slotDef, rows]) => {
      const expected = plainListOffsets(ps, slotDef, rows)
      const actual = listOffsets(ps, slotDef, rows)
      expect({ offsets: Array.from(actual.offsets), rowsSeen: actual.rowsSeen }).toStrictEqual(expected)
    }
  )

  it.prop("prefixSums = the running sums from 0", [fc.array(fc.nat(1_000), { maxLength: 200 })], ([counts]) => {
    expect(Array.from(prefixSums(Int32Array.from(counts)))).toStrictEqual(Arr.scan(counts, 0, (a, b) => a + b))
  })
})
