import { Args, Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Option, ParseResult, Schema } from "effect"
import { checkShards, type NamedState, PartialStateJson, statsOf } from "../analyzer/Partial.js"
import type { PageProvenance } from "../report/Html.js"
import type * as ArchiveRoots from "../adapters/ArchiveRoot.js"
import { combineAll, toAnalysis } from "../domain/Stats.js"
import { printLine } from "../terminal/Stdout.js"
import { AnalyzeCliError } from "./AnalyzeError.js"
import { nowIso, outputs, writeHtml } from "./AnalyzeOutput.js"
import * as Flags from "./Flags.js"
import { renderAnalysis } from "./Render.js"

const roots = Effect.promise(() => Promise.all([import("../adapters/ArchiveRoot.js")]))

const storeOf = (Roots: typeof ArchiveRoots, source: string) => Roots.storeLayer(Roots.parseRoot(source))

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

export const merge = Command.make(
  "merge",
  {
    states: Args.file({ name: "state", exists: "yes" }).pipe(
      Args.repeated,
      Args.withDescription(
        "Partial states written by `analyze --shard i/n`, one per shard; none with --source (read what the shards published)"
      )
    ),
    source: Options.text("source").pipe(
      Options.withPseudoName("ROOT"),
      Options.optional,
      Options.withDescription(
        "Archive root whose shards ran with --publish: merge the partial states under <root>/analysis/shards/ (and remove them once merged and published). Default: the state files given."
      )
    ),
    allowPartial,
    json: Flags.json,
    html: Options.file("html").pipe(
      Options.withPseudoName("FILE"),
      Options.optional,
      Options.withDescription("Also write the merged answers as a self-contained HTML report to FILE. Default: none.")
    ),
    publish: Options.boolean("publish").pipe(
      Options.withDescription(
        "Also store the merged answers with their provenance at <root>/analysis/<generatedAt>.json (the root of --source, else the archive the shards read)."
      )
    )
  },
  (o) =>
    Effect.gen(function* () {
      if (o.states.length > 0 && Option.isSome(o.source)) {
        return yield* new AnalyzeCliError({ message: "give either partial state files or --source, not both" })
      }
      if (o.states.length === 0 && Option.isNone(o.source)) {
        return yield* new AnalyzeCliError({
          message: "nothing to merge: give the partial state files of `analyze --shard i/n`, or --source ROOT"
        })
      }
      const [Roots] = yield* roots
      const [Published] = yield* outputs
      const fromStore = Option.map(o.source, (s) => storeOf(Roots, s))
      const states: ReadonlyArray<NamedState & { readonly key?: string }> = yield* Option.match(fromStore, {
        onNone: () => Effect.forEach(o.states, readState),
        onSome: (layer) =>
          Effect.mapError(
            Effect.provide(Published.publishedShards, layer),
            (e) => new AnalyzeCliError({ message: `--source: ${e.message}` })
          )
      })
      if (states.length === 0) {
        return yield* new AnalyzeCliError({
          message: `--source: no partial state under ${Option.getOrElse(o.source, () => "")}/${Published.ShardsPrefix} (did the shards run with --publish?)`
        })
      }
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
      const provenance: PageProvenance = {
        generatedAt: yield* nowIso,
        source: coverage.split.source,
        from: Option.fromNullable(coverage.split.from),
        until: Option.fromNullable(coverage.split.until),
        shards: { count: coverage.count, covered: coverage.present }
      }
      if (o.publish) {
        const target = Option.getOrElse(fromStore, () => storeOf(Roots, coverage.split.source))
        const where = Option.getOrElse(o.source, () => coverage.split.source)
        const key = yield* Effect.provide(Published.publish(Published.published(analysis, provenance)), target)
        yield* Effect.logInfo(`analyze merge: published the answers at ${where}/${key}`)
        if (Option.isSome(fromStore)) {
          const merged = states.flatMap((s) => (s.key === undefined ? [] : [s.key]))
          yield* Effect.provide(Published.removeShards(merged), target)
          yield* Effect.logInfo(`analyze merge: removed the ${merged.length} merged partial states`)
        }
      }
      yield* Option.match(o.html, {
        onNone: () => Effect.void,
        onSome: (file) => writeHtml(file, analysis, provenance)
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
