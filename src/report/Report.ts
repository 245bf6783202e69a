import { Effect } from "effect"
import type { Analysis } from "../domain/Stats.js"
import { charts } from "./Charts.js"
import { page, type PageOptions, type PageProvenance } from "./Html.js"
import { toSvg } from "./Svg.js"

/** The analysis as a self-contained HTML page: one server-rendered SVG chart per question, and the tables. */
export const renderReport = (analysis: Analysis, provenance: PageProvenance, options: PageOptions) =>
  Effect.map(
    Effect.forEach(charts(analysis), (chart) => Effect.map(toSvg(chart.id, chart.spec), (svg) => ({ chart, svg }))),
    (drawn) => page(analysis, provenance, drawn, options)
  )
