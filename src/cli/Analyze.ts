import { Args, Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Option, Schema } from "effect"
import { parseRoot, rootToString, storeLayer } from "../adapters/ArchiveRoot.js"
import { analyze, defaultWorkers } from "../analyzer/Analyzer.js"
import { StatsSchema } from "../analyzer/Protocol.js"
import { combineAll, toAnalysis } from "../domain/Stats.js"
import { printLine } from "../util/Stdout.js"
import { renderAnalysis } from "./Render.js"
import * as Shared from "./Shared.js"

const source = Options.text("source").pipe(
  Options.withDefault("./data"),
  Options.withDescription("Archive root: a local folder or s3://bucket/prefix")
)

const instant = (name: string, description: string) =>
  Options.text(name).pipe(
    Options.optional,
    Options.withDescription(description),
    Shared.validate((o: Option.Option<string>) =>
      Option.match(o, {
        onNone: () => Either.right(Option.none<number>()),
        onSome: (s) => {
          const ms = Date.parse(s)
          return Number.isFinite(ms) ? Either.right(Option.some(ms)) : Either.left(`--${name}: expected an ISO-8601 instant, got ${JSON.stringify(s)}`)
        }
      })
    )
  )

const shard = Options.text("shard").pipe(
  Options.optional,
  Options.withDescription("Fold only shard i of n (e.g. 0/4) and print its partial state as JSON, for `analyze merge`"),
  Shared.validate((o: Option.Option<string>) =>
    Option.match(o, {
      onNone: () => Either.right(Option.none<{ index: number; count: number }>()),
      onSome: (s) => {
        const m = /^(\d+)\/(\d+)$/.exec(s)
        const index = Number(m?.[1])
        const count = Number(m?.[2])
        return m !== undefined && !!m && count >= 1 && index < count
          ? Either.right(Option.some({ index, count }))
          : Either.left(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), got ${JSON.stringify(s)}`)
      }
    })
  )
)

const StatsJson = Schema.parseJson(StatsSchema)

const merge = Command.make(
  "merge",
  { states: Args.file({ name: "state", exists: "yes" }).pipe(Args.atLeast(1), Args.withDescription("Partial states written by `analyze --shard i/n`")), json: Shared.json },
  (o) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const states = yield* Effect.forEach(o.states, (file) =>
        Effect.flatMap(fs.readFileString(file), (text) =>
          Effect.mapError(Schema.decodeUnknown(StatsJson)(text), (e) => new Error(`${file}: not a partial state of peacestate analyze --shard: ${e.message}`))
        )
      )
      const thresholds = new Set(states.map((s) => s.threshold))
      if (thresholds.size > 1) return yield* Effect.fail(new Error(`the states were computed with different thresholds: ${[...thresholds].join(", ")}`))
      const analysis = toAnalysis(combineAll(states[0]?.threshold ?? 20, states))
      yield* printLine(o.json ? JSON.stringify(analysis) : renderAnalysis(analysis))
    })
).pipe(Command.withDescription("Combine the partial states of several shards into the answers"))

export const analyzeCommand = Command.make(
  "analyze",
  {
    source,
    json: Shared.json,
    workers: Shared.workers,
    threshold: Shared.threshold,
    from: instant("from", "Only reports from this hour on (prunes date/hour folders)"),
    until: instant("until", "Only reports before this instant (prunes date/hour folders)"),
    shard
  },
  (o) =>
    Effect.gen(function* () {
      const root = parseRoot(o.source)
      const fs = yield* FileSystem.FileSystem
      if (root._tag === "Local" && !(yield* fs.exists(root.folder))) {
        return yield* Effect.fail(new Error(`--source: no archive at ${root.folder} (the folder does not exist)`))
      }
      const result = yield* analyze({
        root: o.source,
        threshold: o.threshold,
        workers: Option.getOrElse(o.workers, defaultWorkers),
        shard: o.shard,
        from: o.from,
        until: o.until,
        progress: true
      }).pipe(Effect.provide(storeLayer(root)))
      if (result.files === 0) yield* Effect.logWarning(`analyze: no Parquet files under ${rootToString(root)}/reports/`)
      if (Option.isSome(o.shard)) return yield* printLine(JSON.stringify(result.stats))
      const analysis = toAnalysis(result.stats)
      yield* printLine(o.json ? JSON.stringify(analysis) : renderAnalysis(analysis))
    })
).pipe(
  Command.withDescription("Answer the officers' questions over every report of an archive (parallel, worker threads)"),
  Command.withSubcommands([merge])
)
