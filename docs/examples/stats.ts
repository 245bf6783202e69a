// The statistics monoid: fold reports into Stats in any grouping and order, combine the parts, then answer.
import { isDeepStrictEqual } from "node:util"
import { makeGenerator, Stats } from "peacestate/domain"

// 10 drones for 10 hours from Sunday 8 November 2026, 16:00 UTC: 8 hours of weekend, 2 of a weekday.
const settings = { seed: 7, drones: 10, startMs: Date.parse("2026-11-08T16:00:00Z"), alertRatio: 0.01 }
const generate = makeGenerator(settings)
const reports = Array.from({ length: 6_000 }, (_, i) => generate(i))

// One fold over everything…
const whole = Stats.ofReports(reports)

// …equals folding four shards (on four workers, or four machines) and combining them in any order.
const shards = [0, 1, 2, 3].map((k) => Stats.ofReports(reports.filter((_, i) => i % 4 === k)))
const shuffled = [2, 0, 3, 1].map((k) => shards[k] ?? Stats.empty())
console.log(`shards combined = one fold: ${isDeepStrictEqual(shuffled.reduce(Stats.combine, Stats.empty()), whole)}`)
console.log(`combineAll: ${isDeepStrictEqual(Stats.combineAll(20, shards), whole)}`)
console.log(`empty is the identity: ${isDeepStrictEqual(Stats.combine(Stats.empty(), whole), whole)}`)

// The answers to the officers' questions (CONTRACT §5).
const a = Stats.toAnalysis(whole)
const { weekday, weekend } = a.weekdayVsWeekend
console.log(`${a.reports} reports, ${a.alerts} alerts below ${a.threshold}`)
console.log(
  `alerts per report: weekday ${weekday.alertsPerReport.toFixed(4)} (${weekday.reports} reports), weekend ${weekend.alertsPerReport.toFixed(4)} (${weekend.reports} reports)`
)
console.log(`busiest hour (UTC): ${a.alertsByHour.indexOf(Math.max(...a.alertsByHour))}`)
console.log(
  `top alert words: ${a.topAlertWords
    .slice(0, 3)
    .map((w) => `${w.word} ${w.count}`)
    .join(", ")}`
)
console.log(
  `top hotspot: ${a.hotspots
    .slice(0, 1)
    .map((h) => `${h.latitude},${h.longitude} ${h.alerts}`)
    .join("")}`
)
console.log(
  `top repeat offender: ${a.repeatOffenders
    .slice(0, 1)
    .map((o) => `${o.name} ${o.alerts}`)
    .join("")}`
)

// Another threshold is another fold: Stats carry their threshold.
console.log(`alerts below 30: ${Stats.ofReports(reports, 30).alerts}`)
