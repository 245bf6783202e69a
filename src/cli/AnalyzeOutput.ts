import { FileSystem } from "@effect/platform"
import { Clock, Effect, Option } from "effect"
import type { Analysis } from "../domain/Stats.js"
import type { PageProvenance } from "../report/Html.js"
import { AnalyzeCliError } from "./AnalyzeError.js"

// What `analyze` and `analyze merge` do with an answer besides printing it: publish it, draw it.

// Publishing and drawing load only when asked for (vega is large).
export const outputs = Effect.promise(() =>
  Promise.all([import("../analyzer/Published.js"), import("../report/Report.js")])
)

/** Write the HTML report of an answer to a file. */
export const writeHtml = (file: string, analysis: Analysis, provenance: PageProvenance) =>
  Effect.gen(function* () {
    const [, Report] = yield* outputs
    const fs = yield* FileSystem.FileSystem
    const text = yield* Report.renderReport(analysis, provenance, { style: { _tag: "Inline" }, back: Option.none() })
    yield* Effect.mapError(
      fs.writeFileString(file, text),
      (e) => new AnalyzeCliError({ message: `--html: cannot write ${file}: ${e.message}` })
    )
    yield* Effect.logInfo(`analyze: wrote the report to ${file}`)
  })

export const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())
