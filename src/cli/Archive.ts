import { Command, Options } from "@effect/cli"
import { Config, Data, Effect, Layer, Option } from "effect"
import { consumerSettings, withSettings } from "../config/Settings.js"
import * as Flags from "./Flags.js"

const target = Options.text("target").pipe(
  Options.withPseudoName("ROOT"),
  Options.optional,
  Options.withDescription(
    "Archive root: s3://bucket/prefix or a local folder. Default: s3://$S3_BUCKET/$S3_PREFIX. Env: S3_BUCKET, S3_PREFIX."
  )
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
  Promise.all([
    import("../adapters/ArchiveRoot.js"),
    import("../archiver/Archiver.js"),
    import("../ops/Instrument.js"),
    import("./OnKafka.js")
  ])
)

export const archiveCommand = Command.make(
  "archive",
  { target, idleExit: Flags.idleExit, maxRecords: Flags.maxRecordsPerFile, metricsPort: Flags.metricsPort },
  (o) =>
    Effect.gen(function* () {
      const [{ parseRoot, storeLayer }, { Archiver, ArchiverLive }, { ObjectStoreMetrics }, { launchOnKafka }] =
        yield* implementation
      const root = parseRoot(yield* Option.match(o.target, { onNone: () => defaultTarget, onSome: Effect.succeed }))
      yield* launchOnKafka(
        "archiver",
        Archiver,
        ArchiverLive.pipe(Layer.provide(ObjectStoreMetrics.pipe(Layer.provide(storeLayer(root)))))
      )
    }).pipe(withSettings({ MAX_RECORDS_PER_FILE: String(o.maxRecords), ...consumerSettings(o) }))
).pipe(
  Command.withDescription(
    "Long-running archiver on Kafka: reports → Parquet under date/hour partitions on S3 (or a folder), exactly once"
  )
)
