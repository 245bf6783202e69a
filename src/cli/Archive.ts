import { Command, Options } from "@effect/cli"
import { Config, Data, Effect, Option } from "effect"
import { NamesConfig } from "../config/Names.js"
import { ObjectStore } from "../ports/ObjectStore.js"
import * as Shared from "./Shared.js"

const target = Options.text("target").pipe(
  Options.withPseudoName("ROOT"),
  Options.optional,
  Options.withDescription("Archive root: s3://bucket/prefix or a local folder. Default: s3://$S3_BUCKET/$S3_PREFIX. Env: S3_BUCKET, S3_PREFIX.")
)

/** `archive` without --target and without S3_BUCKET. */
export class NoArchiveTargetError extends Data.TaggedError("NoArchiveTargetError") {
  override get message(): string {
    return "no archive target: set S3_BUCKET (and S3_PREFIX), or pass --target s3://bucket/prefix or a folder"
  }
}

const defaultTarget = Effect.gen(function* () {
  const bucket = yield* Config.option(Config.string("S3_BUCKET"))
  const prefix = yield* Config.withDefault(Config.string("S3_PREFIX"), "")
  return yield* Option.match(bucket, {
    onNone: () => Effect.fail(new NoArchiveTargetError()),
    onSome: (b) => Effect.succeed(`s3://${b}/${prefix}`)
  })
})

// The implementation (AWS SDK, Parquet writer, Kafka client) loads when the command runs, not for --help or other commands.
const implementation = Effect.promise(() =>
  Promise.all([import("../adapters/ArchiveRoot.js"), import("../archiver/Archiver.js"), import("../util/Counters.js"), import("../util/Metrics.js"), import("./Component.js")])
)

export const archiveCommand = Command.make(
  "archive",
  { target, idleExit: Shared.idleExit, maxRecords: Shared.maxRecordsPerFile, metricsPort: Shared.metricsPort },
  (o) =>
    Effect.gen(function* () {
      const [{ parseRoot, rootToString, storeLayer }, { runArchiver }, { snapshot }, Metrics, { runConsumer }] = yield* implementation
      const names = yield* NamesConfig
      const root = parseRoot(yield* Option.match(o.target, { onNone: () => defaultTarget, onSome: Effect.succeed }))
      yield* runConsumer({ component: "archiver", topic: names.reportsTopic, group: names.archiverGroup, metricsPort: o.metricsPort }, (counters, probe) =>
        Effect.zipRight(
          Effect.logInfo(`archiver: ${names.reportsTopic} → ${rootToString(root)} (group ${names.archiverGroup})`),
          runArchiver({ names, maxRecordsPerFile: o.maxRecords, idleExit: o.idleExit, counters }).pipe(
            Effect.updateService(ObjectStore, Metrics.observeStore(probe)),
            Effect.provide(storeLayer(root)),
            Effect.ensuring(
              Effect.flatMap(snapshot(counters), (c) =>
                Effect.logInfo(`archiver: stopped after ${c.recordsIn} reports: ${c.archived} archived in ${c.files} files, ${c.skipped} already stored, ${c.rejected} bad`)
              )
            )
          )
        )
      )
    })
).pipe(Command.withDescription("Long-running archiver on Kafka: reports → Parquet under date/hour partitions on S3 (or a folder), exactly once"))
