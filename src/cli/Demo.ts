import { Command, Options } from "@effect/cli"
import { Effect, Layer, Option } from "effect"
import * as InMemoryLog from "../adapters/InMemoryLog.js"
import * as LocalObjectStore from "../adapters/LocalObjectStore.js"
import { defaultWorkers } from "../analyzer/Analyzer.js"
import { NamesConfig } from "../config/Names.js"
import { runDemo } from "../pipeline/Demo.js"
import { printLine } from "../util/Stdout.js"
import { fmt } from "../util/Progress.js"
import { plural, renderAnalysis } from "./Render.js"
import * as Shared from "./Shared.js"

const from = Options.file("from", { exists: "yes" }).pipe(
  Options.optional,
  Options.withPseudoName("FILE.jsonl"),
  Options.withDescription("Publish the lines of this JSONL file instead of simulating (every non-blank line is one record; a rejected one is named by its line number). Default: simulate.")
)

export const demo = Command.make(
  "demo",
  {
    count: Shared.count(100_000),
    seed: Shared.seed,
    drones: Shared.drones(50),
    start: Shared.start,
    alertRatio: Shared.alertRatio,
    from,
    dataDir: Shared.dataDir,
    threshold: Shared.threshold,
    workers: Shared.workers,
    maxRecords: Shared.maxRecordsPerFile,
    json: Shared.json
  },
  (o) =>
    Effect.gen(function* () {
      const names = yield* NamesConfig
      const summary = yield* runDemo({
        source: Option.match(o.from, {
          onNone: () => ({ _tag: "Simulator", seed: o.seed, count: o.count, drones: o.drones, startMs: o.start, alertRatio: o.alertRatio }) as const,
          onSome: (path) => ({ _tag: "File", path }) as const
        }),
        dataDir: o.dataDir,
        names,
        threshold: o.threshold,
        workers: Option.getOrElse(o.workers, defaultWorkers),
        maxRecordsPerFile: o.maxRecords,
        progress: true
      }).pipe(Effect.provide(Layer.merge(InMemoryLog.layerWith({ forgetConsumedBy: [names.alerterGroup, names.archiverGroup] }), LocalObjectStore.layer(o.dataDir))))
      yield* o.json
        ? printLine(JSON.stringify(summary))
        : printLine(
            [
              `produced ${plural(summary.produced, "record")} · rejected ${fmt(summary.rejected)} · ${plural(summary.alerts, "alert")} · archived ${plural(summary.archived, "report")} in ${plural(summary.files, "Parquet file")} under ${o.dataDir}`,
              "",
              renderAnalysis(summary.analysis)
            ].join("\n")
          )
    })
).pipe(Command.withDescription("The whole pipeline in one process, no services: simulator (or --from FILE), stream, alerter, archiver, analyzer"))
