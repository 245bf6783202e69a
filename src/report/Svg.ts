import { Data, Effect } from "effect"

// Vega-Lite spec → SVG text on the server: compile to Vega, run a headless View (renderer "none": no canvas,
// no DOM, no browser), `toSVG`. vega and vega-lite load on first use, so commands that draw nothing never pay
// for them. Text in the SVG (words, names from the reports) is escaped by Vega's SVG renderer.

export class ChartError extends Data.TaggedError("ChartError")<{ readonly chart: string; readonly cause: unknown }> {
  override get message(): string {
    return `cannot draw the chart ${this.chart}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

// Imports are cached by the module loader: only the first call loads.
const libraries = Effect.promise(() => Promise.all([import("vega"), import("vega-lite")]))

export const toSvg = (chart: string, spec: Readonly<Record<string, unknown>>): Effect.Effect<string, ChartError> =>
  Effect.flatMap(libraries, ([vega, vegaLite]) =>
    Effect.tryPromise({
      try: () => {
        const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0], {
          logger: vega.logger(vega.Error)
        }).spec
        const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error })
        return view.toSVG().finally(() => view.finalize())
      },
      catch: (cause) => new ChartError({ chart, cause })
    })
  )
