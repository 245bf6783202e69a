import type { ReportColumns } from "./Columns.js"
import { cellOf, empty, type Stats } from "../domain/Stats.js"

const DayMs = 86_400_000
const HourMs = 3_600_000

/** Rows whose timestamp is in [from, until) (epoch millis); the whole file when unbounded. */
export interface Window {
  readonly from: number
  readonly until: number
}

export const Unbounded: Window = { from: -Infinity, until: Infinity }

const increment = (counts: Map<string, number>, key: string, by: number): Map<string, number> =>
  counts.set(key, (counts.get(key) ?? 0) + by)

/**
 * Stats of one file's columns: the hot loop of the analyzer. It folds into containers it creates
 * itself and returns an immutable Stats, so from outside it is a pure function like `Stats.ofReport`.
 */
export const foldColumns = (c: ReportColumns, threshold: number, window: Window = Unbounded): Stats => {
  const hours = new Float64Array(24)
  const reportHours = new Float64Array(24)
  const weekday = new Float64Array(2) // [reports, alerts]
  const weekend = new Float64Array(2)
  const words = new Map<string, number>()
  const cells = new Map<string, number>()
  const offenders = new Map<string, number>()
  c.timestampMs.forEach((ms, row) => {
    if (ms < window.from || ms >= window.until) return
    // 1970-01-01 was a Thursday: day index 0 → Thursday; Saturday/Sunday are 2 and 3 mod 7.
    const day = Math.floor(ms / DayMs)
    const dow = (((day % 7) + 7) % 7 + 4) % 7 // 0 = Sunday
    const bucket = dow === 0 || dow === 6 ? weekend : weekday
    const from = c.citizenOffsets[row] ?? 0
    const to = c.citizenOffsets[row + 1] ?? from
    const alerts = c.citizenScores.subarray(from, to).reduce((n, score, i) => {
      if (score < threshold) increment(offenders, c.citizenNames[from + i] ?? "", 1)
      return score < threshold ? n + 1 : n
    }, 0)
    bucket[0] = (bucket[0] ?? 0) + 1
    const hour = Math.floor((ms - day * DayMs) / HourMs)
    reportHours[hour] = (reportHours[hour] ?? 0) + 1
    if (alerts > 0) {
      bucket[1] = (bucket[1] ?? 0) + alerts
      hours[hour] = (hours[hour] ?? 0) + alerts
      increment(cells, cellOf(c.latitude[row] ?? 0, c.longitude[row] ?? 0), alerts)
      c.words.slice(c.wordOffsets[row] ?? 0, c.wordOffsets[row + 1] ?? 0).forEach((w) => increment(words, w, 1))
    }
  })
  const base = empty(threshold)
  return {
    ...base,
    reports: (weekday[0] ?? 0) + (weekend[0] ?? 0),
    alerts: (weekday[1] ?? 0) + (weekend[1] ?? 0),
    weekdayReports: weekday[0] ?? 0,
    weekdayAlerts: weekday[1] ?? 0,
    weekendReports: weekend[0] ?? 0,
    weekendAlerts: weekend[1] ?? 0,
    alertsByHour: Array.from(hours),
    reportsByHour: Array.from(reportHours),
    alertWords: Object.fromEntries(words),
    cells: Object.fromEntries(cells),
    offenders: Object.fromEntries(offenders)
  }
}
