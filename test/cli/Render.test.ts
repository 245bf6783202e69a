import { describe, expect, it } from "@effect/vitest"
import { plural, renderAnalysis } from "../../src/cli/Render.js"
import { ofReports, toAnalysis } from "../../src/domain/Stats.js"
import type { Report } from "../../src/domain/Report.js"
import { printable } from "../../src/terminal/Stderr.js"

const report = (timestamp: string, scores: ReadonlyArray<number>, name = "Ada Morel"): Report => ({
  schemaVersion: 1,
  reportId: `r-${timestamp}`,
  droneId: "pw-1",
  timestamp,
  location: { latitude: 48.85, longitude: 2.35 },
  citizens: scores.map((peacescore) => ({ name, peacescore })),
  words: ["queue"],
  telemetry: { batteryPct: 50, altitudeM: 10, speedMps: 1, temperatureC: 20 }
})

describe("the officers' summary", () => {
  it("counts with their rates, a word where a row has no data, singular and plural", () => {
    // Monday 2026-11-02: 00h twice (one alert of two reports), 01h once, no weekend.
    const text = renderAnalysis(
      toAnalysis(
        ofReports(
          [
            report("2026-11-02T00:10:00.000Z", [5]),
            report("2026-11-02T00:20:00.000Z", [90]),
            report("2026-11-02T01:00:00.000Z", [50])
          ],
          20
        )
      )
    )
    expect(text).toContain("3 reports · 1 alert (citizens with peacescore < 20) · 33.33 per 100 reports")
    expect(text).toMatch(/weekday +3 reports +1 alert +33\.33 per 100 reports/)
    expect(text).toContain("no reports on a Saturday or Sunday in the data")
    expect(text).toMatch(/00h +2 +1 +50\.00 per 100 reports/)
    expect(text).toMatch(/01h +1 +0 +0\.00 per 100 reports/)
    expect(text).toMatch(/02h +— +— +no reports in this hour/)
    expect(text).toMatch(/Ada Morel +1 alert\n?/)
    expect(text).not.toContain("1 alerts")
    expect(renderAnalysis(toAnalysis(ofReports([], 20)))).toContain("none: no alerts")
    expect(plural(2, "alert")).toBe("2 alerts")
    expect(plural(1_000, "alert")).toBe("1,000 alerts")
  })

  it("a name is shown as text: a terminal escape in it is never interpreted", () => {
    const evil = `Eve${String.fromCharCode(27)}[2J\rX`
    const text = renderAnalysis(toAnalysis(ofReports([report("2026-11-02T00:10:00.000Z", [5], evil)], 20)))
    expect(text).not.toContain(String.fromCharCode(27))
    expect(text).toContain("Eve\\u001b[2J\\u000dX")
    expect(printable("plain é")).toBe("plain é")
  })
})
