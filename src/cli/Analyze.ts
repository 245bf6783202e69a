import { Args, Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Data, Effect, Either, Option, ParseResult, Schema, Stream } from "effect"
import { resolve } from "node:path"
import type { ArchiveRoot } from "../adapters/ArchiveRoot.js"
import { checkShards, type PartialState, PartialStateJson, statsOf } from "../analyzer/Partial.js"
import { ReportsPrefix } from "../format/Layout.js"
import { ObjectStore } from "../ports/ObjectStore.js"
import { combineAll, toAnalysis } from "../domain/Stats.js"
import { printLine } from "../terminal/Stdout.js"
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

/** A command-line mistake or an input that cannot be analyzed, shown as one line. */
export class AnalyzeCliError extends Data.TaggedError("AnalyzeCliError")<{ readonly message: string }> {}

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

const allowPartial = Options.boolean("allow-partial").pipe(
  Options.withDescription("Merge an incomplete set of shards on purpose; the answer then says which shards it lacks.")
)

/** Read one partial state file; one line naming the file when it is not one. */
const readState = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* Effect.mapError(
      fs.readFileString(file),
      (e) => new AnalyzeCliError({ message: `${file}: cannot read: ${e.message}` })
    )
    const state = yield* Effect.mapError(
      Schema.decodeUnknown(PartialStateJson)(text),
      (e) =>
        new AnalyzeCliError({
          message: `${file}: not a partial state of \`peacestate analyze --shard i/n\` (${ParseResult.ArrayFormatter.formatErrorSync(
            e
          )
            .slice(0, 1)
            .map(
              (i) =>
                `${i.path.length > 0 ? i.path.join(".") + (i.message.startsWith("is ") ? " " : ": ") : ""}${i.message}`
            )
            .join("")
            .replace(/\s+/g, " ")})`
        })
    )
    return { name: file, state }
  })

const merge = Command.make(
  "merge",
  {
    states: Args.file({ name: "state", exists: "yes" }).pipe(
      Args.atLeast(1),
      Args.withDescription("Partial states written by `analyze --shard i/n`, one per shard")
    ),
    allowPartial,
    json: Flags.json
  },
  (o) =>
    Effect.gen(function* () {
      const states = yield* Effect.forEach(o.states, readState)
      const coverage = yield* Either.mapLeft(
        checkShards(states, o.allowPartial),
        (message) => new AnalyzeCliError({ message })
      )
      const analysis = toAnalysis(combineAll(coverage.split.threshold, statsOf(states)))
      const partial =
        coverage.missing.length > 0
          ? Option.some({ shards: coverage.present, of: coverage.count, missing: coverage.missing })
          : Option.none()
      yield* Option.match(partial, {
        onNone: () => Effect.void,
        onSome: (p) =>
          Effect.logWarning(
            `analyze merge: PARTIAL answer: shards ${p.missing.map((i) => `${i}/${p.of}`).join(", ")} are missing`
          )
      })
      yield* printLine(
        o.json
          ? JSON.stringify(
              Option.match(partial, { onNone: () => analysis, onSome: (p) => ({ ...analysis, partial: p }) })
            )
          : Option.match(partial, {
              onNone: () => renderAnalysis(analysis),
              onSome: (p) =>
                `PARTIAL: only shards ${p.shards.map((i) => `${i}/${p.of}`).join(", ")} of ${p.of}; missing ${p.missing.map((i) => `${i}/${p.of}`).join(", ")}\n\n${renderAnalysis(analysis)}`
            })
      )
    })
).pipe(
  Command.withDescription(
    "Combine the partial states of every shard of one split into the answers (refuses duplicates, mixtures and gaps)"
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
