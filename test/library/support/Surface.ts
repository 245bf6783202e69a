// The package's public surface as the tests expect it: per subpath of package.json "exports", the
// runtime names it exports and the direct dependencies importing it loads. Changing the public API
// means changing this table (and docs/LIBRARY.md) on purpose.

const domain = [
  "Alert",
  "Citizen",
  "DefaultThreshold",
  "InvalidReport",
  "Location",
  "MaxReportBytes",
  "Peacescore",
  "Report",
  "SchemaVersion",
  "Stats",
  "Telemetry",
  "Timestamp",
  "alertIdOf",
  "alertsOf",
  "decodeAlert",
  "decodeReport",
  "decodeReportValue",
  "droneIdOf",
  "encodeAlert",
  "encodeReport",
  "explain",
  "hasAlert",
  "isAlert",
  "makeGenerator",
  "reportAt"
]

const ports = ["AlertSink", "LogError", "MessageLog", "ObjectStore", "StoreError"]

export interface Entry {
  readonly exports: ReadonlyArray<string>
  /** Direct dependencies (package.json dependencies/peerDependencies) that importing it loads. */
  readonly dependencies: ReadonlyArray<string>
  /** Light entries load `effect` only: no SDK, no Kafka client, no CLI, no platform. */
  readonly light: boolean
}

export const Surface: Readonly<Record<string, Entry>> = {
  ".": { exports: [...domain, ...ports], dependencies: ["effect"], light: true },
  "./domain": { exports: domain, dependencies: ["effect"], light: true },
  "./ports": { exports: ports, dependencies: ["effect"], light: true },
  "./simulator": { exports: ["reportLines", "reports"], dependencies: ["effect"], light: true },
  "./alerter": {
    exports: [
      "Alerter",
      "AlerterConfig",
      "AlerterLive",
      "AlertSinks",
      "DefaultNames",
      "MaxDeadLetterBytes",
      "Metrics",
      "NamesConfig",
      "StopWhenIdle",
      "deadLetter",
      "launch",
      "truncateDeadLetter",
      "withSettings"
    ],
    dependencies: ["effect"],
    light: true
  },
  "./archive": {
    exports: [
      "AnalyzeError",
      "FooterFetchError",
      "FormatKey",
      "FormatVersion",
      "MetaKeys",
      "ParquetDecodeError",
      "ReportsPrefix",
      "TimestampTextColumn",
      "Unbounded",
      "decodeReports",
      "decodeReportsEither",
      "encodeReports",
      "fileKeyOf",
      "fileNameOf",
      "foldColumns",
      "foldFile",
      "foldFiles",
      "hourFolderOf",
      "partitionOfKey",
      "readFileMeta",
      "readFileMetaRanged",
      "readReportColumns",
      "readReportColumnsEither",
      "readSourcePositions"
    ],
    dependencies: ["effect", "hyparquet", "hyparquet-writer"],
    light: false
  },
  "./archiver": {
    exports: [
      "Archiver",
      "ArchiverConfig",
      "ArchiverLive",
      "DefaultNames",
      "Metrics",
      "NamesConfig",
      "StopWhenIdle",
      "launch",
      "withSettings"
    ],
    dependencies: ["effect", "hyparquet", "hyparquet-writer"],
    light: false
  },
  "./analyzer": {
    exports: ["AnalyzeError", "StatsSchema", "analyze", "defaultWorkers", "hourOfKey", "selectFiles", "workersFor"],
    dependencies: ["@effect/platform", "@effect/platform-node", "effect", "hyparquet"],
    light: false
  },
  "./memory": {
    exports: ["InMemoryLog", "LocalObjectStore"],
    dependencies: ["@effect/platform", "effect"],
    light: false
  },
  "./kafka": { exports: ["KafkaLog"], dependencies: ["effect", "kafkajs"], light: false },
  "./s3": { exports: ["S3ObjectStore"], dependencies: ["@aws-sdk/client-s3", "effect"], light: false }
}

/** Packages (or package scopes, ending in `/`) a light entry must never load. */
export const HeavyPackages = [
  "@aws-sdk/",
  "@smithy/",
  "kafkajs",
  "@effect/cli",
  "@effect/platform",
  "@effect/platform-node",
  "hyparquet",
  "hyparquet-writer"
]

export const isHeavy = (pkg: string): boolean =>
  HeavyPackages.some((h) => (h.endsWith("/") ? pkg.startsWith(h) : pkg === h))
