import { empty, type Stats } from "../domain/Stats.js"
import type { ReportColumns } from "./Columns.js"
import { foldRows, type FoldTotals } from "./kernel/FoldRows.js"

/** Rows whose timestamp is in [from, until) (epoch millis); the whole file when unbounded. */
export interface Window {
  readonly from: number
  readonly until: number
}

export const Unbounded: Window = { from: -Infinity, until: Infinity }

/** The fold's totals as the monoid's Stats. */
export const statsOfTotals = (t: FoldTotals, threshold: number): Stats => ({
  ...empty(threshold),
  reports: t.weekdayReports + t.weekendReports,
  alerts: t.weekdayAlerts + t.weekendAlerts,
  weekdayReports: t.weekdayReports,
  weekdayAlerts: t.weekdayAlerts,
  weekendReports: t.weekendReports,
  weekendAlerts: t.weekendAlerts,
  alertsByHour: t.alertsByHour,
  reportsByHour: t.reportsByHour,
  alertWords: Object.fromEntries(t.alertWords),
  cells: Object.fromEntries(t.cells),
  offenders: Object.fromEntries(t.offenders)
})

/** The kernel's totals of one file's columns, over the rows in `window`. */
export const totalsOfColumns = (c: ReportColumns, threshold: number, window: Window = Unbounded): FoldTotals =>
  foldRows(c, threshold, window.from, window.until)

/** Stats of one file's columns: a pure function like `Stats.ofReport`, over the rows in `window`. */
export const foldColumns = (c: ReportColumns, threshold: number, window: Window = Unbounded): Stats =>
  statsOfTotals(totalsOfColumns(c, threshold, window), threshold)
