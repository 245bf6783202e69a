/**
 * Kernel: the analyzer's hot loop, one pass over a file's rows. Loops with counters and fills maps
 * it creates, because it runs once per report and per citizen (millions per file) and a fold into
 * immutable records would allocate per row; it reads its input only and returns fresh totals, so
 * callers see a pure function. Checked against a plain version in test/analyzer/kernel/FoldRows.test.ts.
 */
import { cellOf } from "../../domain/Stats.js"
import type { Strings } from "../../format/kernel/Gather.js"

const DayMs = 86_400_000
const HourMs = 3_600_000

/** The columns the fold reads, one entry per row unless said. */
export interface FoldInput {
  /** Epoch millis. */
  readonly timestampMs: Float64Array
  readonly latitude: Float64Array
  readonly longitude: Float64Array
  /** Length rows+1; the citizens of row i are [citizenOffsets[i], citizenOffsets[i+1]). */
  readonly citizenOffsets: Int32Array
  /** An array, or a lazily decoded dictionary column: the fold reads the alerting citizens' names only. */
  readonly citizenNames: Strings
  readonly citizenScores: Int32Array
  /** Length rows+1; the words of row i are [wordOffsets[i], wordOffsets[i+1]). */
  readonly wordOffsets: Int32Array
  /** Read for alerting rows only. */
  readonly words: Strings
}

export interface FoldTotals {
  readonly weekdayReports: number
  readonly weekdayAlerts: number
  readonly weekendReports: number
  readonly weekendAlerts: number
  /** 24 entries, by UTC hour. */
  readonly alertsByHour: ReadonlyArray<number>
  readonly reportsByHour: ReadonlyArray<number>
  /** In first-seen order. */
  readonly alertWords: ReadonlyMap<string, number>
  readonly cells: ReadonlyMap<string, number>
  readonly offenders: ReadonlyMap<string, number>
}

/** Where `subarray`/`slice(begin, end)` starts on an array of `length` (negative = from the end). */
const clamp = (at: number, length: number): number => (at < 0 ? Math.max(length + at, 0) : Math.min(at, length))

const increment = (counts: Map<string, number>, key: string, by: number): void => {
  counts.set(key, (counts.get(key) ?? 0) + by)
}

/** Totals of the rows whose timestamp is not outside [from, until); a NaN timestamp counts as a weekday, in no hour. */
export const foldRows = (c: FoldInput, threshold: number, from: number, until: number): FoldTotals => {
  const alertsByHour = new Float64Array(24)
  const reportsByHour = new Float64Array(24)
  const alertWords = new Map<string, number>()
  const cells = new Map<string, number>()
  const offenders = new Map<string, number>()
  let weekdayReports = 0
  let weekdayAlerts = 0
  let weekendReports = 0
  let weekendAlerts = 0
  // The columns in locals, read once: the loop below runs once per report.
  const { citizenNames, citizenOffsets, latitude, longitude, timestampMs, wordOffsets, words } = c
  const scores = c.citizenScores
  const rows = timestampMs.length
  const nScores = scores.length
  const nWords = words.length
  for (let row = 0; row < rows; row++) {
    const ms = timestampMs[row] as number
    if (ms < from || ms >= until) continue
    // 1970-01-01 was a Thursday: day index 0 → Thursday; Saturday/Sunday are 2 and 3 mod 7.
    const day = Math.floor(ms / DayMs)
    const dow = ((((day % 7) + 7) % 7) + 4) % 7 // 0 = Sunday
    const weekend = dow === 0 || dow === 6
    const first = citizenOffsets[row] ?? 0
    const start = clamp(first, nScores)
    const end = Math.max(clamp(citizenOffsets[row + 1] ?? first, nScores), start)
    let alerts = 0
    for (let j = start; j < end; j++) {
      if ((scores[j] as number) < threshold) {
        increment(offenders, citizenNames.at(first + j - start) ?? "", 1)
        alerts++
      }
    }
    if (weekend) weekendReports++
    else weekdayReports++
    const hour = Math.floor((ms - day * DayMs) / HourMs)
    // Typed-array writes ignore a NaN or out-of-range hour, as the reference fold does.
    reportsByHour[hour] = (reportsByHour[hour] ?? 0) + 1
    if (alerts > 0) {
      if (weekend) weekendAlerts += alerts
      else weekdayAlerts += alerts
      alertsByHour[hour] = (alertsByHour[hour] ?? 0) + alerts
      increment(cells, cellOf(latitude[row] ?? 0, longitude[row] ?? 0), alerts)
      const wordsFrom = clamp(wordOffsets[row] ?? 0, nWords)
      const wordsTo = clamp(wordOffsets[row + 1] ?? 0, nWords)
      for (let w = wordsFrom; w < wordsTo; w++) increment(alertWords, words.at(w) as string, 1)
    }
  }
  return {
    weekdayReports,
    weekdayAlerts,
    weekendReports,
    weekendAlerts,
    alertsByHour: Array.from(alertsByHour),
    reportsByHour: Array.from(reportsByHour),
    alertWords,
    cells,
    offenders
  }
}

const sumOf = (parts: ReadonlyArray<FoldTotals>, pick: (t: FoldTotals) => number): number =>
  parts.reduce((n, t) => n + pick(t), 0)

/** One map of every part's counts, keys in first-seen order. */
const mergedCounts = (
  parts: ReadonlyArray<FoldTotals>,
  pick: (t: FoldTotals) => ReadonlyMap<string, number>
): Map<string, number> => {
  const into = new Map<string, number>()
  parts.forEach((t) => pick(t).forEach((n, key) => increment(into, key, n)))
  return into
}

/**
 * The totals of several files as one: the sums, and each count map merged (keys in first-seen order).
 * One pass over every part's keys into maps it creates, where folding file by file into immutable
 * records would copy the growing offender and word counts once per file (the analyzer's second-largest
 * cost on 3M reports before this).
 */
export const sumTotals = (parts: ReadonlyArray<FoldTotals>): FoldTotals => ({
  weekdayReports: sumOf(parts, (t) => t.weekdayReports),
  weekdayAlerts: sumOf(parts, (t) => t.weekdayAlerts),
  weekendReports: sumOf(parts, (t) => t.weekendReports),
  weekendAlerts: sumOf(parts, (t) => t.weekendAlerts),
  alertsByHour: Array.from({ length: 24 }, (_, h) => sumOf(parts, (t) => t.alertsByHour[h] ?? 0)),
  reportsByHour: Array.from({ length: 24 }, (_, h) => sumOf(parts, (t) => t.reportsByHour[h] ?? 0)),
  alertWords: mergedCounts(parts, (t) => t.alertWords),
  cells: mergedCounts(parts, (t) => t.cells),
  offenders: mergedCounts(parts, (t) => t.offenders)
})
