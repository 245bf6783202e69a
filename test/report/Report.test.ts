import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import { writeFileSync } from "node:fs"
import { type Analysis, ofReports, toAnalysis } from "../../src/domain/Stats.js"
import { charts } from "../../src/report/Charts.js"
import { escapeHtml } from "../../src/report/Html.js"
import { renderReport } from "../../src/report/Report.js"
import { reports } from "../../src/simulator/Simulator.js"

const provenance = {
  generatedAt: "2026-12-03T09:00:00.000Z",
  source: "/archive",
  from: Option.none<string>(),
  until: Option.some("2026-11-08T00:00:00.000Z"),
  shards: { count: 1, covered: [0] }
}
const inline = { style: { _tag: "Inline" } as const, back: Option.none() }

const simulated = Chunk.toReadonlyArray(
  Effect.runSync(
    Stream.runCollect(
      reports({ seed: 11, count: 15000, drones: 10, startMs: Date.parse("2026-11-06T20:00:00Z"), alertRatio: 0.1 })
    )
  )
)
const analysis = toAnalysis(ofReports(simulated, 20))

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")

/** The cells of the table in a question's section, rows of text. */
const tableOf = (html: string, id: string): ReadonlyArray<ReadonlyArray<string>> => {
  const section = html.slice(html.indexOf(`<section id="${id}">`))
  const body = section.slice(section.indexOf("<tbody>"), section.indexOf("</tbody>"))
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => unescape(c[1] ?? ""))
  )
}

/** What the tables must say: the JSON answer's numbers, question by question. */
const expectedTables = (a: Analysis) => ({
  weekdayVsWeekend: [
    [
      "weekday",
      a.weekdayVsWeekend.weekday.reports,
      a.weekdayVsWeekend.weekday.alerts,
      a.weekdayVsWeekend.weekday.alertsPerReport
    ],
    [
      "weekend",
      a.weekdayVsWeekend.weekend.reports,
      a.weekdayVsWeekend.weekend.alerts,
      a.weekdayVsWeekend.weekend.alertsPerReport
    ]
  ],
  alertsByHour: a.alertsByHour.map((n, h) => [String(h).padStart(2, "0"), n, a.reportsByHour[h]]),
  topAlertWords: a.topAlertWords.map((w) => [w.word, w.count]),
  hotspots: a.hotspots.map((h) => [h.latitude, h.longitude, h.alerts]),
  repeatOffenders: a.repeatOffenders.map((o) => [o.name, o.alerts])
})

describe("the HTML report", () => {
  it.effect("has one <svg> per question, fetches nothing, and its tables hold the JSON's numbers", () =>
    Effect.gen(function* () {
      expect(analysis.alerts).toBeGreaterThan(0)
      const html = yield* renderReport(analysis, provenance, inline)
      const questions = ["weekdayVsWeekend", "alertsByHour", "topAlertWords", "hotspots", "repeatOffenders"]
      expect(charts(analysis).map((c) => c.id)).toStrictEqual(questions)
      expect(html.match(/<svg[\s>]/g)?.length).toBe(questions.length)
      questions.forEach((id) => {
        const section = html.slice(html.indexOf(`<section id="${id}">`))
        expect(section.slice(0, section.indexOf("</section>")).match(/<svg[\s>]/g)?.length, id).toBe(1)
      })
      // Nothing fetched: no script, no external style sheet, image, font or link; the only URLs are XML namespaces.
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i)
      expect(
        [...html.matchAll(/https?:\/\/[^"'\s)]+/g)].map((m) => m[0]).filter((u) => !/^http:\/\/www\.w3\.org\//.test(u))
      ).toStrictEqual([])
      const expected = expectedTables(analysis)
      Object.entries(expected).forEach(([id, rows]) =>
        expect(tableOf(html, id), id).toStrictEqual(rows.map((r) => r.map(String)))
      )
      // PEACESTATE_SCREENSHOT=1: this chart is the README's picture (docs/analysis-by-hour.svg).
      if (process.env["PEACESTATE_SCREENSHOT"] === "1") {
        const section = html.slice(html.indexOf('<section id="alertsByHour">'))
        writeFileSync(
          new URL("../../docs/analysis-by-hour.svg", import.meta.url),
          section.slice(section.indexOf("<svg"), section.indexOf("</svg>") + "</svg>".length) + "\n"
        )
      }
      expect(html).toContain(`<dd>${analysis.reports}</dd>`)
      expect(html).toContain("<dd>/archive</dd>")
      expect(html).toContain("the first report to 2026-11-08T00:00:00.000Z")
    })
  )

  it.effect("shows names and words from reports as text, never as markup", () =>
    Effect.gen(function* () {
      const hostile = '<img src=x onerror="alert(1)">&<script>alert(2)</script>'
      const a: Analysis = {
        ...analysis,
        topAlertWords: [{ word: hostile, count: 3 }],
        repeatOffenders: [{ name: `Ada ${hostile}`, alerts: 2 }]
      }
      const html = yield* renderReport(a, { ...provenance, source: `s3://b/${hostile}` }, inline)
      expect(html).not.toMatch(/<img|<script|onerror="/i)
      expect(html).toContain(escapeHtml(hostile))
      expect(tableOf(html, "topAlertWords")).toStrictEqual([[hostile, "3"]])
      expect(tableOf(html, "repeatOffenders")).toStrictEqual([[`Ada ${hostile}`, "2"]])
    })
  )

  it.effect("draws an archive with no reports (empty charts, 'no data' rows)", () =>
    Effect.gen(function* () {
      const html = yield* renderReport(toAnalysis(ofReports([], 20)), provenance, {
        style: { _tag: "Link", href: "/assets/analysis.css" },
        back: Option.some("/")
      })
      expect(html.match(/<svg[\s>]/g)?.length).toBe(5)
      expect(html).toContain("no data")
      expect(html).toContain('<link rel="stylesheet" href="/assets/analysis.css">')
      expect(html).not.toContain("<style>")
    })
  )
})
