import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Option, Stream } from "effect"
import { resolve } from "node:path"
import type { ArchiveRoot } from "../adapters/ArchiveRoot.js"
import type { PageProvenance } from "../report/Html.js"
import type { PartialState } from "../analyzer/Partial.js"
import { ReportsPrefix } from "../format/Layout.js"
import { ObjectStore } from "../ports/ObjectStore.js"
import { JobShardConfig } from "../config/Settings.js"
import { toAnalysis } from "../domain/Stats.js"
import { printLine } from "../terminal/Stdout.js"
import { AnalyzeCliError } from "./AnalyzeError.js"
import { merge } from "./AnalyzeMerge.js"
import { nowIso, outputs, writeHtml } from "./AnalyzeOutput.js"
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

export type ShardChoice = Option.Option<{ readonly index: number; readonly count: number }>

/**
 * The shard to fold: `--shard`, or a Kubernetes Indexed Job pod's `JOB_COMPLETION_INDEX` of `JOB_COMPLETIONS`
 * when both are set (one alone is an error, and so is a flag that disagrees with them).
 */
export const chooseShard = (
  flag: ShardChoice,
  job: { readonly index: Option.Option<number>; readonly count: Option.Option<number> }
): Either.Either<ShardChoice, string> => {
  const fromJob: Either.Either<ShardChoice, string> = Option.match(Option.all([job.index, job.count]), {
    onSome: ([index, count]) =>
      index < count
        ? Either.right(Option.some({ index, count }))
        : Either.left(`JOB_COMPLETION_INDEX (${index}) must be below JOB_COMPLETIONS (${count})`),
    onNone: () =>
      Option.isSome(job.index)
        ? Either.left(
            "JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not: set JOB_COMPLETIONS to the Job's completions (Kubernetes does not)"
          )
        : Option.isSome(job.count)
          ? Either.left("JOB_COMPLETIONS is set but JOB_COMPLETION_INDEX is not (is this pod part of an Indexed Job?)")
          : Either.right(Option.none())
  })
  return Either.flatMap(fromJob, (j) =>
    Option.match(Option.all([flag, j]), {
      onSome: ([f, e]) =>
        f.index === e.index && f.count === e.count
          ? Either.right(flag)
          : Either.left(
              `--shard ${f.index}/${f.count} disagrees with JOB_COMPLETION_INDEX/JOB_COMPLETIONS = ${e.index}/${e.count}`
            ),
      onNone: () => Either.right(Option.orElse(flag, () => j))
    })
  )
}

const html = Options.file("html").pipe(
  Options.withPseudoName("FILE"),
  Options.optional,
  Options.withDescription(
    "Also write the answers as a self-contained HTML report (one chart per question, and the numbers as tables) to FILE. Default: none."
  )
)

const publishFlag = Options.boolean("publish").pipe(
  Options.withDescription(
    "Also store the answers with their provenance at <root>/analysis/<generatedAt>.json, where the console shows the latest; with --shard, the partial state at <root>/analysis/shards/<i>-of-<n>.json for `analyze merge --source`."
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
    shard,
    html,
    publish: publishFlag
  },
  (o) =>
    Effect.gen(function* () {
      const job = yield* Effect.mapError(JobShardConfig, (e) => new AnalyzeCliError({ message: String(e) }))
      const chosen = yield* Either.mapLeft(chooseShard(o.shard, job), (message) => new AnalyzeCliError({ message }))
      if (Option.isSome(chosen) && Option.isSome(o.html)) {
        return yield* new AnalyzeCliError({
          message: "--html draws a whole analysis; a shard prints a partial state: use --html on `analyze merge`"
        })
      }
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
          shard: chosen,
          from: o.from,
          until: o.until,
          progress: true
        })
      })
      const result = yield* Effect.provide(run, storeLayer(root))
      const sourceName = yield* canonicalSource(root)
      if (result.files === 0) {
        yield* Effect.logWarning(
          `analyze: no Parquet file under ${rootToString(root)}/${ReportsPrefix}${Option.isSome(o.from) || Option.isSome(o.until) ? " in the interval" : ""}${Option.isSome(chosen) ? " in this shard" : ""}: the answers are zeros`
        )
      }
      yield* Option.match(chosen, {
        onSome: (s) =>
          Effect.gen(function* () {
            const state: PartialState = {
              peacestatePartial: 1,
              shard: s,
              split: result.split,
              files: result.files,
              stats: result.stats
            }
            if (o.publish) {
              const [Published] = yield* outputs
              const key = yield* Effect.provide(Published.publishShard(state), storeLayer(root))
              yield* Effect.logInfo(`analyze: published shard ${s.index}/${s.count} at ${rootToString(root)}/${key}`)
            }
            yield* printLine(JSON.stringify(state))
          }),
        onNone: () =>
          Effect.gen(function* () {
            const analysis = toAnalysis(result.stats)
            const provenance: PageProvenance = {
              generatedAt: yield* nowIso,
              source: sourceName,
              from: Option.map(o.from, (ms) => new Date(ms).toISOString()),
              until: Option.map(o.until, (ms) => new Date(ms).toISOString()),
              shards: { count: 1, covered: [0] }
            }
            if (o.publish) {
              const [Published] = yield* outputs
              const key = yield* Effect.provide(
                Published.publish(Published.published(analysis, provenance)),
                storeLayer(root)
              )
              yield* Effect.logInfo(`analyze: published the answers at ${rootToString(root)}/${key}`)
            }
            yield* Option.match(o.html, {
              onNone: () => Effect.void,
              onSome: (file) => writeHtml(file, analysis, provenance)
            })
            yield* printLine(o.json ? JSON.stringify(analysis) : renderAnalysis(analysis))
          })
      })
    })
).pipe(
  Command.withDescription("Answer the officers' questions over every report of an archive (parallel, worker threads)"),
  Command.withSubcommands([merge])
)
