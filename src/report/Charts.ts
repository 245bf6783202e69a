import { Array as Arr } from "effect"
import type { Analysis } from "../domain/Stats.js"

// One chart per question of CONTRACT §5, as Vega-Lite specs (plain JSON, data inline), and the same numbers as a
// table. Pure: rendering the specs to SVG is `Svg.ts`'s work, the page `Html.ts`'s.

export interface Table {
  readonly columns: ReadonlyArray<string>
  /** Cells as text: numbers exactly as in the JSON answer. */
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
}

export interface Chart {
  /** Stable id (the JSON key of the question). */
  readonly id: string
  readonly title: string
  readonly description: string
  readonly spec: Readonly<Record<string, unknown>>
  readonly table: Table
}

const Font = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
const Accent = "#b42318"
const Muted = "#667085"

const config = {
  font: Font,
  background: "white",
  view: { stroke: "transparent" },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, gridColor: "#eaecf0" },
  legend: { labelFontSize: 11, titleFontSize: 12 }
}

const top = (spec: Record<string, unknown>): Record<string, unknown> => ({ config, ...spec })

const hours = Arr.range(0, 23)
const hh = (h: number) => String(h).padStart(2, "0")

const byHour = (a: Analysis): Chart => {
  const values = hours.map((h) => ({
    hour: hh(h),
    alerts: a.alertsByHour[h] ?? 0,
    reports: a.reportsByHour[h] ?? 0
  }))
  const bars = (field: string, title: string, color: string) => ({
    width: 300,
    height: 180,
    title: { text: title, fontSize: 13, anchor: "start" },
    mark: { type: "bar", color },
    encoding: {
      x: {
        field: "hour",
        type: "ordinal",
        title: "hour of day (UTC)",
        axis: { labelAngle: 0, values: ["00", "06", "12", "18"] }
      },
      y: { field, type: "quantitative", title: field }
    }
  })
  return {
    id: "alertsByHour",
    title: "Alerts by hour of day",
    description:
      "Alerts (a citizen below the threshold in a report) per hour of the day, UTC, with the reports of each hour beside them.",
    spec: top({
      data: { values },
      hconcat: [bars("alerts", "Alerts", Accent), bars("reports", "Reports", Muted)]
    }),
    table: {
      columns: ["hour (UTC)", "alerts", "reports"],
      rows: values.map((v) => [v.hour, String(v.alerts), String(v.reports)])
    }
  }
}

const weekdayVsWeekend = (a: Analysis): Chart => {
  const rows = [
    { period: "weekday", ...a.weekdayVsWeekend.weekday },
    { period: "weekend", ...a.weekdayVsWeekend.weekend }
  ]
  return {
    id: "weekdayVsWeekend",
    title: "Weekday vs weekend",
    description: "Alerts per report on Monday to Friday and on Saturday and Sunday (UTC).",
    spec: top({
      data: { values: rows },
      width: 300,
      height: 120,
      encoding: {
        y: { field: "period", type: "nominal", title: "", sort: ["weekday", "weekend"] },
        x: { field: "alertsPerReport", type: "quantitative", title: "alerts per report" }
      },
      layer: [
        { mark: { type: "bar", color: Accent } },
        {
          mark: { type: "text", align: "left", dx: 4, color: "#101828" },
          encoding: { text: { field: "alertsPerReport", type: "quantitative", format: ".4f" } }
        }
      ]
    }),
    table: {
      columns: ["period", "reports", "alerts", "alerts per report"],
      rows: rows.map((r) => [r.period, String(r.reports), String(r.alerts), String(r.alertsPerReport)])
    }
  }
}

/** A horizontal bar chart of a top-10 list, in the answer's order. */
const ranking = (
  id: string,
  title: string,
  description: string,
  label: string,
  values: ReadonlyArray<{ readonly label: string; readonly n: number }>,
  countName: string
): Chart => ({
  id,
  title,
  description,
  spec: top({
    data: { values: values.map((v, rank) => ({ rank, label: v.label, n: v.n })) },
    width: 360,
    height: { step: 20 },
    encoding: {
      y: { field: "label", type: "nominal", title: "", sort: { field: "rank", order: "ascending" } },
      x: { field: "n", type: "quantitative", title: countName }
    },
    layer: [
      { mark: { type: "bar", color: Accent } },
      {
        mark: { type: "text", align: "left", dx: 4, color: "#101828" },
        encoding: { text: { field: "n", type: "quantitative" } }
      }
    ]
  }),
  table: { columns: [label, countName], rows: values.map((v) => [v.label, String(v.n)]) }
})

const hotspots = (a: Analysis): Chart => {
  const cells = a.hotspots.map((h) => ({
    latitude: h.latitude,
    longitude: h.longitude,
    lat2: h.latitude + 0.01,
    lon2: h.longitude + 0.01,
    latc: h.latitude + 0.005,
    lonc: h.longitude + 0.005,
    alerts: h.alerts
  }))
  const coordinate = (title: string) => ({
    type: "quantitative",
    title,
    scale: { zero: false, nice: false, padding: 12 }
  })
  return {
    id: "hotspots",
    title: "Hotspots",
    description:
      "The ten grid cells (0.01° of latitude by 0.01° of longitude) with the most alerts, drawn where they are; darker and larger is more alerts.",
    spec: top({
      data: { values: cells },
      width: 360,
      height: 300,
      layer: [
        {
          mark: { type: "rect", stroke: "#101828", strokeWidth: 0.5 },
          encoding: {
            x: { field: "longitude", ...coordinate("longitude") },
            x2: { field: "lon2" },
            y: { field: "latitude", ...coordinate("latitude") },
            y2: { field: "lat2" },
            color: { field: "alerts", type: "quantitative", scale: { scheme: "reds" }, title: "alerts" }
          }
        },
        {
          mark: { type: "circle", color: Accent, opacity: 0.5 },
          encoding: {
            x: { field: "lonc", type: "quantitative" },
            y: { field: "latc", type: "quantitative" },
            size: { field: "alerts", type: "quantitative", legend: { disable: true }, scale: { range: [30, 400] } }
          }
        }
      ]
    }),
    table: {
      columns: ["latitude", "longitude", "alerts"],
      rows: a.hotspots.map((h) => [String(h.latitude), String(h.longitude), String(h.alerts)])
    }
  }
}

/** The five charts of an analysis, in the order of CONTRACT §5. */
export const charts = (a: Analysis): ReadonlyArray<Chart> => [
  weekdayVsWeekend(a),
  byHour(a),
  ranking(
    "topAlertWords",
    "Top words in alerting reports",
    "Every word occurrence in the reports that hold at least one alert, counted; the ten most frequent.",
    "word",
    a.topAlertWords.map((w) => ({ label: w.word, n: w.count })),
    "count"
  ),
  hotspots(a),
  ranking(
    "repeatOffenders",
    "Repeat offenders",
    "The ten citizens with the most alerts.",
    "name",
    a.repeatOffenders.map((o) => ({ label: o.name, n: o.alerts })),
    "alerts"
  )
]
