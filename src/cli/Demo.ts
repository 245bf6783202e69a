import { Command, Options } from "@effect/cli"
import { Effect, Layer, Option } from "effect"
import { NamesConfig } from "../config/Names.js"
import * as Flags from "./Flags.js"

// The pipeline (Parquet writer and reader, the analyzer and its worker pool) loads when the command runs, not for --help or other commands.
const implementation = Effect.promise(() =>
  Promise.all([
    import("../adapters/InMemoryLog.js"),
    import("../ops/Instrument.js"),
    import("../adapters/LocalObjectStore.js"),
    import("../analyzer/Analyzer.js"),
    import("../pipeline/Demo.js"),
    import("../terminal/Stdout.js"),
    import("../terminal/Progress.js"),
    import("./Render.js")
  ])
)

const from = Options.file("from", { exists: "yes" }).pipe(
  Options.optional,
  Options.withPseudoName("FILE.jsonl"),
  Options.withDescription(
    "Publish the lines of this JSONL file instead of simulating (every non-blank line is one record; a rejected one is named by its line number). Default: simulate."
  )
)

export const demo = Command.make(
  "demo",
  {
    count: Flags.count(100_000),
    seed: Flags.seed,
    drones: Flags.drones(50),
    start: Flags.start,
    alertRatio: Flags.alertRatio,
    from,
    dataDir: Flags.dataDir,
    threshold: Flags.threshold,
    workers: Flags.workers,
    maxRecords: Flags.maxRecordsPerFile,
    json: Flags.json
  },
  (o) =>
    Effect.gen(function* () {
      const [
        InMemoryLog,
        Instrument,
        LocalObjectStore,
        { defaultWorkers },
        { runDemo },
        { printLine },
        { fmt },
        { plural, renderAnalysis }
      ] = yield* implementation
      const names = yield* NamesConfig
      const summary = yield* runDemo({
        source: Option.match(o.from, {
          onNone: () =>
            ({
              _tag: "Simulator",
              seed: o.seed,
              count: o.count,
              drones: o.drones,
              startMs: o.start,
              alertRatio: o.alertRatio
            }) as const,
          onSome: (path) => ({ _tag: "File", path }) as const
        }),
        dataDir: o.dataDir,
        threshold: o.threshold,
        workers: Option.getOrElse(o.workers, defaultWorkers),
        maxRecordsPerFile: o.maxRecords,
        progress: true
      }).pipe(
        Effect.provide(
          Layer.merge(
            Instrument.MessageLogMetrics(Option.none()).pipe(
              Layer.provide(InMemoryLog.layerWith({ forgetConsumedBy: [names.alerterGroup, names.archiverGroup] }))
            ),
            Instrument.ObjectStoreMetrics.pipe(Layer.provide(LocalObjectStore.layer(o.dataDir)))
          )
        )
      )
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
).pipe(
  Command.withDescription(
    "The whole pipeline in one process, no services: simulator (or --from FILE), stream, alerter, archiver, analyzer"
  )
)
