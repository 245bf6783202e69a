import type { Analysis } from "../domain/Stats.js"
import { fmt } from "../util/Progress.js"

const pct = (x: number) => `${(x * 100).toFixed(2)} %`

/** The analysis as a readable report for a terminal. */
export const renderAnalysis = (a: Analysis): string =>
  [
    `Reports ${fmt(a.reports)} · alerts ${fmt(a.alerts)} (peacescore < ${a.threshold})`,
    "",
    "Weekday vs weekend",
    `  weekday  ${fmt(a.weekdayVsWeekend.weekday.reports).padStart(12)} reports ${fmt(a.weekdayVsWeekend.weekday.alerts).padStart(10)} alerts  ${pct(a.weekdayVsWeekend.weekday.alertsPerReport)} per report`,
    `  weekend  ${fmt(a.weekdayVsWeekend.weekend.reports).padStart(12)} reports ${fmt(a.weekdayVsWeekend.weekend.alerts).padStart(10)} alerts  ${pct(a.weekdayVsWeekend.weekend.alertsPerReport)} per report`,
    "",
    "Alerts by hour (UTC)",
    ...a.alertsByHour.map((n, h) => `  ${String(h).padStart(2, "0")}h ${fmt(n).padStart(8)}`),
    "",
    "Top alert words",
    ...a.topAlertWords.map((w, i) => `  ${String(i + 1).padStart(2)}. ${w.word.padEnd(16)} ${fmt(w.count)}`),
    "",
    "Hotspots (0.01° cells)",
    ...a.hotspots.map((h, i) => `  ${String(i + 1).padStart(2)}. ${h.latitude.toFixed(2)}, ${h.longitude.toFixed(2)}  ${fmt(h.alerts)} alerts`),
    "",
    "Repeat offenders",
    ...a.repeatOffenders.map((o, i) => `  ${String(i + 1).padStart(2)}. ${o.name.padEnd(24)} ${fmt(o.alerts)} alerts`)
  ].join("\n")
