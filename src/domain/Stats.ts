import { Array as Arr, Order, Record as Rec } from "effect"
import { DefaultThreshold } from "./AlertRule.js"
import type { Report } from "./Report.js"

/**
 * The partial answer to the officers' questions over some reports: a commutative monoid, so files can
 * be folded in any order, on any worker or machine, and combined.
 */
export interface Stats {
  readonly threshold: number
  readonly reports: number
  readonly alerts: number
  readonly weekdayReports: number
  readonly weekdayAlerts: number
  readonly weekendReports: number
  readonly weekendAlerts: number
  readonly alertsByHour: ReadonlyArray<number>
  /** Reports per hour of day (UTC), so that alerts by hour can be read as rates. */
  readonly reportsByHour: ReadonlyArray<number>
  /** Word → occurrences in reports holding at least one alert. */
  readonly alertWords: Readonly<Record<string, number>>
  /** Grid cell "floor(lat*100),floor(lon*100)" → alerts. */
  readonly cells: Readonly<Record<string, number>>
  /** Citizen name → alerts. */
  readonly offenders: Readonly<Record<string, number>>
}

export const empty = (threshold: number = DefaultThreshold): Stats => ({
  threshold,
  reports: 0,
  alerts: 0,
  weekdayReports: 0,
  weekdayAlerts: 0,
  weekendReports: 0,
  weekendAlerts: 0,
  alertsByHour: Arr.replicate(0, 24),
  reportsByHour: Arr.replicate(0, 24),
  alertWords: {},
  cells: {},
  offenders: {}
})

const addCounts = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> =>
  Rec.union(a, b, (x, y) => x + y)

/** The monoid's operation: associative and commutative, `empty` is its identity. */
export const combine = (a: Stats, b: Stats): Stats => ({
  threshold: a.threshold,
  reports: a.reports + b.reports,
  alerts: a.alerts + b.alerts,
  weekdayReports: a.weekdayReports + b.weekdayReports,
  weekdayAlerts: a.weekdayAlerts + b.weekdayAlerts,
  weekendReports: a.weekendReports + b.weekendReports,
  weekendAlerts: a.weekendAlerts + b.weekendAlerts,
  alertsByHour: Arr.zipWith(a.alertsByHour, b.alertsByHour, (x, y) => x + y),
  reportsByHour: Arr.zipWith(a.reportsByHour, b.reportsByHour, (x, y) => x + y),
  alertWords: addCounts(a.alertWords, b.alertWords),
  cells: addCounts(a.cells, b.cells),
  offenders: addCounts(a.offenders, b.offenders)
})

export const combineAll = (threshold: number, all: Iterable<Stats>): Stats =>
  Arr.reduce(Arr.fromIterable(all), empty(threshold), combine)

/** Grid cell key of a location: `floor(latitude*100),floor(longitude*100)`. */
export const cellOf = (latitude: number, longitude: number): string =>
  `${Math.floor(latitude * 100)},${Math.floor(longitude * 100)}`

/** Is this UTC instant on a Saturday or Sunday? */
export const isWeekend = (epochMs: number): boolean => {
  const day = new Date(epochMs).getUTCDay()
  return day === 0 || day === 6
}

const bump = (counts: Readonly<Record<string, number>>, key: string, by: number): Record<string, number> => ({
  ...counts,
  [key]: (counts[key] ?? 0) + by
})

/** Stats of one report: the reference definition of every question (CONTRACT §5). */
export const ofReport = (report: Report, threshold: number = DefaultThreshold): Stats => {
  const ms = Date.parse(report.timestamp)
  const alerting = report.citizens.filter((c) => c.peacescore < threshold)
  const alerts = alerting.length
  const weekend = isWeekend(ms)
  const hour = new Date(ms).getUTCHours()
  const base = empty(threshold)
  return {
    ...base,
    reports: 1,
    alerts,
    weekdayReports: weekend ? 0 : 1,
    weekdayAlerts: weekend ? 0 : alerts,
    weekendReports: weekend ? 1 : 0,
    weekendAlerts: weekend ? alerts : 0,
    alertsByHour: base.alertsByHour.map((n, h) => (h === hour ? alerts : n)),
    reportsByHour: base.reportsByHour.map((n, h) => (h === hour ? 1 : n)),
    alertWords: alerts > 0 ? report.words.reduce((acc, w) => bump(acc, w, 1), base.alertWords) : base.alertWords,
    cells: alerts > 0 ? { [cellOf(report.location.latitude, report.location.longitude)]: alerts } : base.cells,
    offenders: alerting.reduce((acc, c) => bump(acc, c.name, 1), base.offenders)
  }
}

/** Straightforward recomputation over reports (the reference the fast paths are tested against). */
export const ofReports = (reports: Iterable<Report>, threshold: number = DefaultThreshold): Stats =>
  combineAll(
    threshold,
    Arr.map(Arr.fromIterable(reports), (r) => ofReport(r, threshold))
  )

/** The answer printed by `peacestate analyze --json` (CONTRACT §5). */
export interface Analysis {
  readonly reports: number
  readonly alerts: number
  readonly threshold: number
  readonly weekdayVsWeekend: {
    readonly weekday: { readonly reports: number; readonly alerts: number; readonly alertsPerReport: number }
    readonly weekend: { readonly reports: number; readonly alerts: number; readonly alertsPerReport: number }
  }
  readonly alertsByHour: ReadonlyArray<number>
  /** Reports per hour of day (beyond CONTRACT §5: the denominator of alertsByHour). */
  readonly reportsByHour: ReadonlyArray<number>
  readonly topAlertWords: ReadonlyArray<{ readonly word: string; readonly count: number }>
  readonly hotspots: ReadonlyArray<{ readonly latitude: number; readonly longitude: number; readonly alerts: number }>
  readonly repeatOffenders: ReadonlyArray<{ readonly name: string; readonly alerts: number }>
}

const byCountDescThen = <A>(count: (a: A) => number, tie: Order.Order<A>): Order.Order<A> =>
  Order.combine(Order.reverse(Order.mapInput(Order.number, count)), tie)

const top = <A>(items: ReadonlyArray<A>, order: Order.Order<A>, n = 10): ReadonlyArray<A> =>
  Arr.take(Arr.sort(items, order), n)

const ratio = (alerts: number, reports: number): number => (reports === 0 ? 0 : alerts / reports)

/** Turn the combined partial state into the answers. */
export const toAnalysis = (s: Stats): Analysis => ({
  reports: s.reports,
  alerts: s.alerts,
  threshold: s.threshold,
  weekdayVsWeekend: {
    weekday: {
      reports: s.weekdayReports,
      alerts: s.weekdayAlerts,
      alertsPerReport: ratio(s.weekdayAlerts, s.weekdayReports)
    },
    weekend: {
      reports: s.weekendReports,
      alerts: s.weekendAlerts,
      alertsPerReport: ratio(s.weekendAlerts, s.weekendReports)
    }
  },
  alertsByHour: s.alertsByHour,
  reportsByHour: s.reportsByHour,
  topAlertWords: top(
    Rec.toEntries(s.alertWords).map(([word, count]) => ({ word, count })),
    byCountDescThen(
      (w) => w.count,
      Order.mapInput(Order.string, (w) => w.word)
    )
  ),
  hotspots: top(
    Rec.toEntries(s.cells).map(([cell, alerts]) => {
      const [lat, lon] = cell.split(",").map(Number)
      return { latitude: (lat ?? 0) / 100, longitude: (lon ?? 0) / 100, alerts }
    }),
    byCountDescThen(
      (h) => h.alerts,
      Order.combine(
        Order.mapInput(Order.number, (h) => h.latitude),
        Order.mapInput(Order.number, (h) => h.longitude)
      )
    )
  ),
  repeatOffenders: top(
    Rec.toEntries(s.offenders).map(([name, alerts]) => ({ name, alerts })),
    byCountDescThen(
      (o) => o.alerts,
      Order.mapInput(Order.string, (o) => o.name)
    )
  )
})
