import { describe, expect, it } from "@effect/vitest"
import { Array as Arr } from "effect"
import fc from "fast-check"
import { cellOf, isWeekend } from "../../../src/domain/Stats.js"
import { type FoldInput, foldRows, sumTotals } from "../../../src/analyzer/kernel/FoldRows.js"
import { statsOfTotals } from "../../../src/analyzer/FoldColumns.js"
import { combine, empty } from "../../../src/domain/Stats.js"

// The plain version: per-row facts, then each total as its own sum or count, written for clarity.

const countBy = (keys: ReadonlyArray<readonly [string, number]>): ReadonlyArray<readonly [string, number]> =>
  keys.reduce<ReadonlyArray<readonly [string, number]>>(
    (acc, [key, by]) =>
      acc.some(([k]) => k === key)
        ? acc.map(([k, n]) => [k, k === key ? n + by : n] as const)
        : [...acc, [key, by] as const],
    []
  )

const plainFold = (input: FoldInput, threshold: number, from: number, until: number) => {
  const c = { ...input, citizenNames: Array.from(input.citizenNames), words: Array.from(input.words) }
  const rows = Array.from(c.timestampMs, (ms, row) => ({ ms, row })).filter(({ ms }) => !(ms < from || ms >= until))
  const facts = rows.map(({ ms, row }) => {
    const first = c.citizenOffsets[row] ?? 0
    const scores = Array.from(c.citizenScores.subarray(first, c.citizenOffsets[row + 1] ?? first))
    const offenders = scores.flatMap((score, i) => (score < threshold ? [c.citizenNames[first + i] ?? ""] : []))
    const day = Math.floor(ms / 86_400_000)
    return {
      weekend: Number.isNaN(ms) ? false : isWeekend(ms),
      hour: Math.floor((ms - day * 86_400_000) / 3_600_000),
      alerts: offenders.length,
      offenders,
      cell: cellOf(c.latitude[row] ?? 0, c.longitude[row] ?? 0),
      words: c.words.slice(c.wordOffsets[row] ?? 0, c.wordOffsets[row + 1] ?? 0)
    }
  })
  const alerting = facts.filter((f) => f.alerts > 0)
  const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)
  return {
    weekdayReports: facts.filter((f) => !f.weekend).length,
    weekdayAlerts: sum(facts.filter((f) => !f.weekend).map((f) => f.alerts)),
    weekendReports: facts.filter((f) => f.weekend).length,
    weekendAlerts: sum(facts.filter((f) => f.weekend).map((f) => f.alerts)),
    alertsByHour: Array.from({ length: 24 }, (_, h) => sum(facts.filter((f) => f.hour === h).map((f) => f.alerts))),
    reportsByHour: Array.from({ length: 24 }, (_, h) => facts.filter((f) => f.hour === h).length),
    alertWords: countBy(alerting.flatMap((f) => f.words.map((w) => [w, 1] as const))),
    cells: countBy(alerting.map((f) => [f.cell, f.alerts] as const)),
    offenders: countBy(facts.flatMap((f) => f.offenders.map((name) => [name, 1] as const)))
  }
}

const row = fc.record({
  ms: fc.oneof(fc.integer({ min: -2 * 86_400_000 * 366, max: 4 * 86_400_000 * 366 }), fc.constant(Number.NaN)),
  citizens: fc.array(
    fc.record({ name: fc.constantFrom("Ada", "Basile", "Zoe"), score: fc.integer({ min: 0, max: 100 }) }),
    { maxLength: 4 }
  ),
  words: fc.array(fc.constantFrom("queue", "riot", "harmony"), { maxLength: 4 }),
  lat: fc.constantFrom(48.8512, 48.861, -0.005),
  lon: fc.constantFrom(2.3512, -179.995)
})

const columns = fc.array(row, { maxLength: 30 }).map((rows): FoldInput => ({
  timestampMs: Float64Array.from(rows.map((r) => r.ms)),
  latitude: Float64Array.from(rows.map((r) => r.lat)),
  longitude: Float64Array.from(rows.map((r) => r.lon)),
  citizenOffsets: Int32Array.from(
    Arr.scan(
      rows.map((r) => r.citizens.length),
      0,
      (a, b) => a + b
    )
  ),
  citizenNames: rows.flatMap((r) => r.citizens.map((c) => c.name)),
  citizenScores: Int32Array.from(rows.flatMap((r) => r.citizens.map((c) => c.score))),
  wordOffsets: Int32Array.from(
    Arr.scan(
      rows.map((r) => r.words.length),
      0,
      (a, b) => a + b
    )
  ),
  words: rows.flatMap((r) => r.words)
}))

const window = fc.oneof(
  fc.constant([-Infinity, Infinity] as const),
  fc
    .tuple(fc.integer({ min: -86_400_000 * 366, max: 3 * 86_400_000 * 366 }), fc.nat(2 * 86_400_000 * 366))
    .map(([from, span]) => [from, from + span] as const)
)

describe("analyzer kernel: foldRows", () => {
  it.prop(
    "= the plain fold of the same rows",
    [columns, fc.integer({ min: 0, max: 101 }), window],
    ([c, threshold, [from, until]]) => {
      const t = foldRows(c, threshold, from, until)
      expect({ ...t, alertWords: [...t.alertWords], cells: [...t.cells], offenders: [...t.offenders] }).toStrictEqual(
        plainFold(c, threshold, from, until)
      )
    }
  )
})

describe("analyzer kernel: sumTotals", () => {
  it.prop(
    "= the monoid's combine of each file's Stats, keys in first-seen order",
    [fc.array(columns, { maxLength: 5 }), fc.integer({ min: 0, max: 101 })],
    ([files, threshold]) => {
      const parts = files.map((c) => foldRows(c, threshold, -Infinity, Infinity))
      const summed = sumTotals(parts)
      const plain = parts.map((t) => statsOfTotals(t, threshold)).reduce(combine, empty(threshold))
      expect(statsOfTotals(summed, threshold)).toStrictEqual(plain)
      expect([...summed.offenders.keys()]).toStrictEqual([...new Set(parts.flatMap((t) => [...t.offenders.keys()]))])
    }
  )
})
