import type { Analysis } from "../domain/Stats.js"
import { fmt } from "../terminal/Progress.js"
import { printable } from "../terminal/Stderr.js"

/** "1 alert", "2 alerts". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${fmt(n)} ${n === 1 ? one : many}`

/** Alerts per 100 reports; an alert is a (report, citizen) pair, so this can exceed 100. */
const per100 = (alerts: number, reports: number): string =>
  reports === 0 ? "" : `${((alerts / reports) * 100).toFixed(2)} per 100 reports`

const noData = (what: string) => `no reports ${what}`

const dayRow = (label: string, row: Analysis["weekdayVsWeekend"]["weekday"], missing: string) =>
  row.reports === 0
    ? `  ${label}  ${"—".padStart(12)}          ${noData(missing)}`
    : `  ${label}  ${plural(row.reports, "report").padStart(20)} ${plural(row.alerts, "alert").padStart(14)}  ${per100(row.alerts, row.reports)}`

const listOrNone = (lines: ReadonlyArray<string>, none: string): ReadonlyArray<string> =>
  lines.length === 0 ? [`  ${none}`] : lines

/** The analysis as a readable report for a terminal: counts with their rates, and a word where a row has no data. */
export const renderAnalysis = (a: Analysis): string =>
  [
    `${plural(a.reports, "report")} · ${plural(a.alerts, "alert")} (citizens with peacescore < ${a.threshold})${a.reports > 0 ? ` · ${per100(a.alerts, a.reports)}` : ""}`,
    "",
    "Weekday vs weekend (UTC)",
    dayRow("weekday", a.weekdayVsWeekend.weekday, "from Monday to Friday in the data"),
    dayRow("weekend", a.weekdayVsWeekend.weekend, "on a Saturday or Sunday in the data"),
    "",
    "By hour of day (UTC), summed over every day in the data",
    ...(a.reports === 0
      ? ["  no reports in the data"]
      : [`  hour ${"reports".padStart(12)} ${"alerts".padStart(9)}  rate`]),
    ...(a.reports === 0 ? [] : a.alertsByHour).map((alerts, h) => {
      const reports = a.reportsByHour[h] ?? 0
      return reports === 0
        ? `  ${String(h).padStart(2, "0")}h  ${"—".padStart(12)} ${"—".padStart(9)}  ${noData("in this hour")}`
        : `  ${String(h).padStart(2, "0")}h  ${fmt(reports).padStart(12)} ${fmt(alerts).padStart(9)}  ${per100(alerts, reports)}`
    }),
    "",
    "Top alert words (in reports holding an alert)",
    ...listOrNone(
      a.topAlertWords.map(
        (w, i) => `  ${String(i + 1).padStart(2)}. ${printable(w.word).padEnd(16)} ${plural(w.count, "time")}`
      ),
      "none: no report holds an alert"
    ),
    "",
    "Hotspots (0.01° cells)",
    ...listOrNone(
      a.hotspots.map(
        (h, i) =>
          `  ${String(i + 1).padStart(2)}. ${h.latitude.toFixed(2)}, ${h.longitude.toFixed(2)}  ${plural(h.alerts, "alert")}`
      ),
      "none: no alerts"
    ),
    "",
    "Repeat offenders",
    ...listOrNone(
      a.repeatOffenders.map(
        (o, i) => `  ${String(i + 1).padStart(2)}. ${printable(o.name).padEnd(24)} ${plural(o.alerts, "alert")}`
      ),
      "none: no alerts"
    )
  ].join("\n")
