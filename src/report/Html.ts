import { Option } from "effect"
import type { Analysis } from "../domain/Stats.js"
import type { Chart, Table } from "./Charts.js"

// The analysis as one HTML page: a header with the provenance, then per question its chart (inline SVG) and
// its numbers as a table. Self-contained: no script, and nothing fetched — the style sheet is inline in a file,
// or one same-origin link in the console (whose Content-Security-Policy forbids inline style). Every text is
// escaped here; the SVG comes escaped from Vega.

export interface PageProvenance {
  readonly generatedAt: string
  readonly source: string
  readonly from: Option.Option<string>
  readonly until: Option.Option<string>
  readonly shards: { readonly count: number; readonly covered: ReadonlyArray<number> }
}

export interface Drawn {
  readonly chart: Chart
  readonly svg: string
}

export interface PageOptions {
  /** Inline the style sheet (a file) or link it (the console serves it at this path). */
  readonly style: { readonly _tag: "Inline" } | { readonly _tag: "Link"; readonly href: string }
  /** A link back to the console's alerts, on its page. */
  readonly back: Option.Option<string>
}

const entities: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
}

/** Text for HTML content and attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => entities[c] ?? c)

export const ReportCss = `
:root { color-scheme: light; --ink: #101828; --muted: #475467; --line: #eaecf0; --accent: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f9fafb; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 4px; }
header p, .description { color: var(--muted); margin: 0 0 12px; }
nav a { color: var(--accent); }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0 24px; font-size: 14px; }
dl.provenance dt { color: var(--muted); }
dl.provenance dd { margin: 0; overflow-wrap: anywhere; }
section { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 0 0 16px; }
.body { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.chart { overflow-x: auto; margin: 8px 0; max-width: 100%; }
.chart svg { max-width: 100%; height: auto; }
details summary { cursor: pointer; color: var(--muted); }
table { border-collapse: collapse; margin-top: 8px; font-size: 14px; }
th, td { text-align: left; padding: 2px 12px 2px 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
`

const isNumeric = (s: string) => /^-?[0-9][0-9.e+-]*$/.test(s)

const table = (t: Table): string => {
  const numeric = t.columns.map((_, i) => t.rows.length > 0 && t.rows.every((r) => isNumeric(r[i] ?? "")))
  const cell = (tag: "td" | "th", s: string, i: number) =>
    `<${tag}${numeric[i] === true ? ' class="n"' : ""}>${escapeHtml(s)}</${tag}>`
  const head = `<tr>${t.columns.map((c, i) => cell("th", c, i)).join("")}</tr>`
  const body =
    t.rows.length === 0
      ? `<tr><td colspan="${t.columns.length}">no data</td></tr>`
      : t.rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("")
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`
}

const section = ({ chart, svg }: Drawn): string =>
  `<section id="${escapeHtml(chart.id)}"><h2>${escapeHtml(chart.title)}</h2><p class="description">${escapeHtml(chart.description)}</p>` +
  `<div class="body"><figure class="chart" role="img" aria-label="${escapeHtml(chart.title)}">${svg}</figure>` +
  `<details open><summary>The numbers</summary>${table(chart.table)}</details></div></section>`

const interval = (p: PageProvenance) =>
  `${Option.getOrElse(p.from, () => "the first report")} to ${Option.getOrElse(p.until, () => "the last")}`

const shardText = (p: PageProvenance) =>
  p.shards.count === 1
    ? "the whole archive"
    : p.shards.covered.length === p.shards.count
      ? `all ${p.shards.count} shards`
      : `PARTIAL: shards ${p.shards.covered.join(", ")} of ${p.shards.count}`

/** The whole page. */
export const page = (
  analysis: Analysis,
  provenance: PageProvenance,
  drawn: ReadonlyArray<Drawn>,
  options: PageOptions
): string => {
  const style =
    options.style._tag === "Inline"
      ? `<style>${ReportCss}</style>`
      : `<link rel="stylesheet" href="${escapeHtml(options.style.href)}">`
  const facts: ReadonlyArray<readonly [string, string]> = [
    ["reports", String(analysis.reports)],
    ["alerts", String(analysis.alerts)],
    ["threshold", `peacescore < ${analysis.threshold}`],
    ["source", provenance.source],
    ["interval", interval(provenance)],
    ["covers", shardText(provenance)],
    ["generated", provenance.generatedAt]
  ]
  const back = Option.match(options.back, {
    onNone: () => "",
    onSome: (href) => `<nav><a href="${escapeHtml(href)}">← Alerts</a></nav>`
  })
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>PeaceState analysis, ${escapeHtml(provenance.generatedAt)}</title>${style}</head><body><main>${back}` +
    `<header><h1>PeaceState analysis</h1><p>Answers to the officers' questions over every report of the archive (times in UTC).</p>` +
    `<dl class="provenance">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl></header>` +
    drawn.map(section).join("") +
    `</main></body></html>\n`
  )
}
