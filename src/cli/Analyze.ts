import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Option, Stream } from "effect"
import { resolve } from "node:path"
import type { ArchiveRoot } from "../adapters/ArchiveRoot.js"
import type { PartialState } from "../analyzer/Partial.js"
import { ReportsPrefix } from "../format/Layout.js"
import { ObjectStore } from "../ports/ObjectStore.js"
import { toAnalysis } from "../domain/Stats.js"
import { printLine } from "../terminal/Stdout.js"
import { AnalyzeCliError } from "./AnalyzeError.js"
import { merge } from "./AnalyzeMerge.js"
import { renderAnalysis } from "./Render.js"
import * as Flags from "./Flags.js"

const source = Options.text("source").pipe(
  Options.withPseudoName("ROOT"),
  Options.withDefault("./data"),
  Options.withDescription(
    "Archive root (the folder or prefix that holds reports/): a local folder or s3://bucket/prefix. Default: ./data."
  )
)

// The object stores (the AWS SDK) and the analyzer (worker pool, Parquet reader) load when `analyze` runs, not for --help or other commands.
const implementation = Effect.promise(() =>
  Promise.all([import("../adapters/ArchiveRoot.js"), import("../analyzer/Analyzer.js")])
)

const instant = (name: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("ISO"),
    Options.optional,
    Options.withDescription(description),
    Flags.validate((o: Option.Option<string>) =>
      Option.match(o, {
        onNone: () => Either.right(Option.none<number>()),
        onSome: (s) => Either.map(Flags.parseInstant(`--${name}`, s), Option.some)
      })
    )
  )

/** `i/n` with 0 <= i < n. */
export const parseShard = (
  flag: string,
  s: string
): Either.Either<{ readonly index: number; readonly count: number }, string> =>
  Option.match(Option.fromNullable(/^(\d+)\/(\d+)$/.exec(s.trim())), {
    onNone: () => Either.left(`${flag}: expected i/n with 0 <= i < n (e.g. 0/4), got ${JSON.stringify(s)}`),
    onSome: (m) => {
      const index = Number(m[1])
      const count = Number(m[2])
      return count >= 1 && count <= 100_000 && index < count
        ? Either.right({ index, count })
        : Either.left(`${flag}: expected i/n with 0 <= i < n <= 100000 (e.g. 0/4), got ${JSON.stringify(s)}`)
    }
  })

const shard = Options.text("shard").pipe(
  Options.withPseudoName("i/n"),
  Options.optional,
  Options.withDescription(
    "Fold only shard i of n (e.g. 0/4) and print its partial state as JSON, for `analyze merge`. Default: the whole archive."
  ),
  Flags.validate((o: Option.Option<string>) =>
    Option.match(o, {
      onNone: () => Either.right(Option.none<{ index: number; count: number }>()),
      onSome: (s) => Either.map(parseShard("--shard", s), Option.some)
    })
  )
)

/** A root that is not an archive is an error, not a page of zeros. */
const checkArchive = (root: ArchiveRoot) =>
  Effect.gen(function* () {
    const [Roots] = yield* implementation
    const fs = yield* FileSystem.FileSystem
    const store = yield* ObjectStore
    return yield* Roots.ArchiveRoot.$match(root, {
      Local: ({ folder }) =>
        Effect.gen(function* () {
          if (!(yield* fs.exists(folder)))
            return yield* new AnalyzeCliError({
              message: `--source: no archive at ${folder} (the folder does not exist)`
            })
          if (!(yield* fs.exists(`${folder}/${ReportsPrefix}`))) {
            const hint = /(^|\/)reports\/?$/.test(folder)
              ? `; the archive root is the folder that holds reports/, e.g. --source ${folder.replace(/\/?reports\/?$/, "") || "."}`
              : ""
            return yield* new AnalyzeCliError({
              message: `--source: ${folder} is not an archive (it has no ${ReportsPrefix} folder)${hint}`
            })
          }
        }),
      S3: () =>
        Effect.flatMap(Effect.orDie(Stream.runHead(store.list(ReportsPrefix))), (first) =>
          Option.isNone(first)
            ? Effect.fail(
                new AnalyzeCliError({
                  message: `--source: ${Roots.rootToString(root)} is not an archive (nothing under ${ReportsPrefix})`
                })
              )
            : Effect.void
        )
    })
  })

const canonicalSource = (root: ArchiveRoot) =>
  Effect.map(implementation, ([Roots]) =>
    Roots.ArchiveRoot.$match(root, { Local: ({ folder }) => resolve(folder), S3: () => Roots.rootToString(root) })
  )

export const analyzeCommand = Command.make(
  "analyze",
  {
    source,
    json: Flags.json,
    workers: Flags.workers,
    threshold: Flags.threshold,
    from: instant(
      "from",
      "Only reports with timestamp >= this instant (ISO-8601 with a zone, or a date = its UTC midnight). Default: the first."
    ),
    until: instant(
      "until",
      "Only reports with timestamp < this instant: the interval is [from, until). Default: the last."
    ),
    shard
  },
  (o) =>
    Effect.gen(function* () {
      const [{ parseRoot, rootToString, storeLayer }, { analyze, defaultWorkers }] = yield* implementation
      const root = parseRoot(o.source)
      const interval = Option.all([o.from, o.until])
      if (Option.isSome(interval) && interval.value[0] >= interval.value[1]) {
        return yield* new AnalyzeCliError({ message: `--from must be before --until (the interval is [from, until))` })
      }
      const run = Effect.gen(function* () {
        yield* checkArchive(root)
        return yield* analyze({
          root: yield* canonicalSource(root),
          threshold: o.threshold,
          workers: Option.getOrElse(o.workers, defaultWorkers),
          shard: o.shard,
          from: o.from,
          until: o.until,
          progress: true
        })
      })
      const result = yield* Effect.provide(run, storeLayer(root))
      if (result.files === 0) {
        yield* Effect.logWarning(
          `analyze: no Parquet file under ${rootToString(root)}/${ReportsPrefix}${Option.isSome(o.from) || Option.isSome(o.until) ? " in the interval" : ""}${Option.isSome(o.shard) ? " in this shard" : ""}: the answers are zeros`
        )
      }
      yield* Option.match(o.shard, {
        onSome: (s) => {
          const state: PartialState = {
            peacestatePartial: 1,
            shard: s,
            split: result.split,
            files: result.files,
            stats: result.stats
          }
          return printLine(JSON.stringify(state))
        },
        onNone: () => {
          const analysis = toAnalysis(result.stats)
          return printLine(o.json ? JSON.stringify(analysis) : renderAnalysis(analysis))
        }
      })
    })
).pipe(
  Command.withDescription("Answer the officers' questions over every report of an archive (parallel, worker threads)"),
  Command.withSubcommands([merge])
)
