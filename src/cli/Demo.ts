import { Command, Options } from "@effect/cli"
import { Effect, Either, Layer, Option, Redacted } from "effect"
import { parseInteger } from "../config/Parse.js"
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

const serve = Options.text("serve").pipe(
  Options.withPseudoName("PORT"),
  Options.optional,
  Options.withDescription(
    Flags.describe(
      "After the pipeline, keep the officers' console up over the demo's alerts on this port (PORT may be left out: 8080), with a one-time officer password printed; Ctrl-C stops it.",
      { fallback: "off" }
    )
  ),
  Flags.validate((o: Option.Option<string>) =>
    Option.match(o, {
      onNone: () => Either.right(Option.none<number>()),
      onSome: (s) => Either.map(parseInteger("--serve", { min: 0, max: 65535 })(s), Option.some)
    })
  )
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
    json: Flags.json,
    serve
  },
  (o) =>
    Effect.gen(function* () {
      const [
        ,
        Instrument,
        LocalObjectStore,
        { defaultWorkers },
        { runDemo },
        { printLine },
        { fmt },
        { plural, renderAnalysis }
      ] = yield* implementation
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
      }).pipe(Effect.provide(Instrument.ObjectStoreMetrics.pipe(Layer.provide(LocalObjectStore.layer(o.dataDir)))))
      yield* o.json
        ? printLine(JSON.stringify(summary))
        : printLine(
            [
              `produced ${plural(summary.produced, "record")} · rejected ${fmt(summary.rejected)} · ${plural(summary.alerts, "alert")} · archived ${plural(summary.archived, "report")} in ${plural(summary.files, "Parquet file")} under ${o.dataDir}`,
              "",
              renderAnalysis(summary.analysis)
            ].join("\n")
          )
      yield* Option.match(o.serve, {
        onNone: () => Effect.void,
        onSome: (port) =>
          Effect.flatMap(
            Effect.promise(() => import("../console/DemoServe.js")),
            ({ serveDemoConsole }) =>
              serveDemoConsole(o.dataDir, port, summary.analysis, (s) =>
                printLine(
                  `\nconsole: ${s.url} — sign in as ${s.username} with the one-time password ${Redacted.value(s.password)} (a new one each run); Ctrl-C stops it`
                )
              )
          )
      })
    }).pipe(
      // One message log for the pipeline and the console that follows it: the console reads the demo's alerts.
      Effect.provide(
        Layer.unwrapEffect(
          Effect.map(NamesConfig, (names) =>
            Layer.unwrapEffect(
              Effect.map(implementation, ([InMemoryLog, Instrument]) =>
                Instrument.MessageLogMetrics(Option.none()).pipe(
                  Layer.provide(InMemoryLog.layerWith({ forgetConsumedBy: [names.alerterGroup, names.archiverGroup] }))
                )
              )
            )
          )
        )
      )
    )
).pipe(
  Command.withDescription(
    "The whole pipeline in one process, no services: simulator (or --from FILE), stream, alerter, archiver, analyzer"
  )
)
