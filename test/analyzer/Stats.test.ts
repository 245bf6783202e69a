import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { encodeReports } from "../../src/format/EncodeReports.js"
import { readReportColumnsEither } from "../../src/analyzer/Columns.js"
import { foldColumns } from "../../src/analyzer/FoldColumns.js"
import { combine, empty, ofReport, ofReports, type Stats, toAnalysis } from "../../src/domain/Stats.js"
import * as Arb from "../support/Arbitraries.js"

// Reports with few distinct names/words/places so the counts collide and the sums are exercised.
const report = Arb.report.chain((r) =>
  fc
    .record({
      names: fc.array(fc.constantFrom("Ada Morel", "Basile Roux", "Zoe Petit"), {
        minLength: r.citizens.length,
        maxLength: r.citizens.length
      }),
      words: fc.array(fc.constantFrom("queue", "riot", "harmony"), { maxLength: 5 }),
      lat: fc.constantFrom(48.8512, 48.8599, 48.861, -0.005),
      lon: fc.constantFrom(2.3512, 2.36, -179.995)
    })
    .map(({ names, words, lat, lon }) => ({
      ...r,
      citizens: r.citizens.map((c, i) => ({ ...c, name: names[i] ?? c.name })),
      words,
      location: { latitude: lat, longitude: lon }
    }))
)
const threshold = fc.integer({ min: 0, max: 101 })
const stats = fc.tuple(fc.array(report, { maxLength: 8 }), threshold).map(([rs, t]) => ofReports(rs, t))
const sameThreshold = threshold.chain((t) =>
  fc.tuple(...[0, 1, 2].map(() => fc.array(report, { maxLength: 6 }).map((rs) => ofReports(rs, t))))
)

const normal = (s: Stats) => ({
  ...s,
  alertWords: sorted(s.alertWords),
  cells: sorted(s.cells),
  offenders: sorted(s.offenders)
})
const sorted = (r: Readonly<Record<string, number>>) =>
  Object.fromEntries(
    Object.entries(r)
      .filter(([, v]) => v !== 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
  )

describe("Stats monoid", () => {
  it.prop("left and right identity", [stats], ([s]) => {
    expect(normal(combine(empty(s.threshold), s))).toStrictEqual(normal(s))
    expect(normal(combine(s, empty(s.threshold)))).toStrictEqual(normal(s))
  })

  it.prop("associativity", [sameThreshold], ([[a, b, c]]) => {
    expect(normal(combine(combine(a!, b!), c!))).toStrictEqual(normal(combine(a!, combine(b!, c!))))
  })

  it.prop("commutativity (files may be folded in any order)", [sameThreshold], ([[a, b]]) => {
    expect(normal(combine(a!, b!))).toStrictEqual(normal(combine(b!, a!)))
  })

  it.prop(
    "fold-then-combine over any split of the reports = recomputation over all of them",
    [fc.array(report, { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 5 }), threshold],
    ([reports, cuts, t]) => {
      const bounds = [0, ...cuts.map((c) => Math.min(c, reports.length)).sort((x, y) => x - y), reports.length]
      const parts = bounds.slice(1).map((end, i) => ofReports(reports.slice(bounds[i], end), t))
      const combined = parts.reduce(combine, empty(t))
      expect(toAnalysis(combined)).toStrictEqual(toAnalysis(ofReports(reports, t)))
    }
  )

  it.prop(
    "the columnar fold of a Parquet file = the reference fold of its reports",
    [fc.array(report, { maxLength: 60 }), threshold],
    ([reports, t]) => {
      const bytes = encodeReports(reports.map((r, i) => ({ report: r, partition: 0, offset: i })))
      const columns = Either.getOrElse(readReportColumnsEither(bytes), (e) => expect.fail(e.message))
      expect(normal(foldColumns(columns, t))).toStrictEqual(normal(ofReports(reports, t)))
    }
  )

  it.prop(
    "the columnar fold within a [from, until) window = the reference fold of the reports in it",
    [
      fc.array(report, { maxLength: 60 }),
      threshold,
      fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01") }),
      fc.integer({ min: 0, max: 10 * 365 * 86_400_000 })
    ],
    ([reports, t, from, length]) => {
      const window = { from: from.getTime(), until: from.getTime() + length }
      const bytes = encodeReports(reports.map((r, i) => ({ report: r, partition: 0, offset: i })))
      const columns = Either.getOrElse(readReportColumnsEither(bytes), (e) => expect.fail(e.message))
      const inside = reports.filter(
        (r) => Date.parse(r.timestamp) >= window.from && Date.parse(r.timestamp) < window.until
      )
      expect(normal(foldColumns(columns, t, window))).toStrictEqual(normal(ofReports(inside, t)))
    }
  )

  it("one report: weekday/weekend, hour, words, cell and offenders follow the contract", () => {
    const r = fc.sample(Arb.report, 1)[0]!
    const saturday = {
      ...r,
      timestamp: "2026-11-07T09:17:00.000Z",
      location: { latitude: 48.85661, longitude: -2.35222 },
      citizens: [
        { name: "Ada", peacescore: 7 },
        { name: "Bob", peacescore: 20 },
        { name: "Ada", peacescore: 0 }
      ],
      words: ["queue", "queue", "leader"]
    }
    const a = toAnalysis(ofReport(saturday))
    expect(a.weekdayVsWeekend.weekend).toStrictEqual({ reports: 1, alerts: 2, alertsPerReport: 2 })
    expect(a.weekdayVsWeekend.weekday).toStrictEqual({ reports: 0, alerts: 0, alertsPerReport: 0 })
    expect(a.alertsByHour[9]).toBe(2)
    expect(a.topAlertWords).toStrictEqual([
      { word: "queue", count: 2 },
      { word: "leader", count: 1 }
    ])
    expect(a.hotspots).toStrictEqual([{ latitude: 48.85, longitude: -2.36, alerts: 2 }])
    expect(a.repeatOffenders).toStrictEqual([{ name: "Ada", alerts: 2 }])
  })
})
