import { Args, Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Effect, Either, Option, ParseResult, Schema } from "effect"
import { checkShards, PartialStateJson, statsOf } from "../analyzer/Partial.js"
import { combineAll, toAnalysis } from "../domain/Stats.js"
import { printLine } from "../terminal/Stdout.js"
import { AnalyzeCliError } from "./AnalyzeError.js"
import * as Flags from "./Flags.js"
import { renderAnalysis } from "./Render.js"

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
