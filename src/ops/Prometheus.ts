import { Array as Arr, Effect, Metric, type MetricLabel, type MetricPair, MetricState, Option, Order } from "effect"
import { residentMemory } from "./Metrics.js"

/** The content type of the Prometheus text exposition, format 0.0.4. */
export const ContentType = "text/plain; version=0.0.4; charset=utf-8"

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const labelText = (labels: ReadonlyArray<readonly [string, string]>) =>
  labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`

const number = (n: number) => (n === Infinity ? "+Inf" : n === -Infinity ? "-Inf" : String(n))

// The fiber's tags (component, run) come last in Effect's keys; shown first, they group the lines by component.
const Leading = ["component", "run"]

const tagsOf = (labels: ReadonlyArray<MetricLabel.MetricLabel>): ReadonlyArray<readonly [string, string]> => {
  const [others, leading] = Arr.partition(labels, (l) => Leading.includes(l.key))
  return [
    ...Arr.sort(
      leading,
      Order.mapInput(Order.number, (l: MetricLabel.MetricLabel) => Leading.indexOf(l.key))
    ),
    ...others
  ].map((l) => [l.key, l.value] as const)
}

type Family = { readonly type: "counter" | "gauge" | "histogram"; readonly lines: ReadonlyArray<string> }

const familyOf = (pair: MetricPair.MetricPair.Untyped): Option.Option<Family> => {
  const name = pair.metricKey.name
  const tags = tagsOf(pair.metricKey.tags)
  const state = pair.metricState
  return MetricState.isCounterState(state)
    ? Option.some({ type: "counter", lines: [`${name}${labelText(tags)} ${number(Number(state.count))}`] })
    : MetricState.isGaugeState(state)
      ? Option.some({ type: "gauge", lines: [`${name}${labelText(tags)} ${number(Number(state.value))}`] })
      : MetricState.isHistogramState(state)
        ? Option.some({
            type: "histogram",
            lines: [
              ...state.buckets.map(([le, n]) => `${name}_bucket${labelText([...tags, ["le", number(le)]])} ${n}`),
              // Effect's boundaries end at +Inf already; the bucket is written once.
              ...(state.buckets.some(([le]) => le === Infinity)
                ? []
                : [`${name}_bucket${labelText([...tags, ["le", "+Inf"]])} ${state.count}`]),
              `${name}_sum${labelText(tags)} ${number(state.sum)}`,
              `${name}_count${labelText(tags)} ${state.count}`
            ]
          })
        : Option.none()
}

/** Every metric of the registry (counters, gauges, histograms), as Prometheus text: one family per name, sorted. */
export const render = (pairs: ReadonlyArray<MetricPair.MetricPair.Untyped>): string => {
  const families = Arr.filterMap(pairs, (pair) => Option.map(familyOf(pair), (f) => ({ pair, ...f })))
  const byName = Arr.groupBy(families, (f) => f.pair.metricKey.name)
  return (
    Arr.sort(Object.keys(byName), Order.string)
      .map((name) => {
        const members = byName[name] ?? []
        const help = Option.getOrElse(
          Option.flatMap(Arr.head(members), (m) => m.pair.metricKey.description),
          () => name
        )
        const type = Option.match(Arr.head(members), { onNone: () => "untyped", onSome: (m) => m.type })
        const lines = Arr.sort(
          members.flatMap((m) => m.lines),
          Order.string
        )
        return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join("\n")
      })
      .join("\n") + "\n"
  )
}

/** The registry now, with the process's memory sampled at the moment of the scrape. */
export const scrape: Effect.Effect<string> = Effect.zipRight(
  Metric.set(residentMemory, process.memoryUsage.rss()),
  Effect.map(Metric.snapshot, render)
)
