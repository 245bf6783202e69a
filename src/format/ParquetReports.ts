/**
 * Archive files: reports as Parquet, readable unchanged by DuckDB, Spark and Athena.
 *
 * Contract columns (exact names): report_id, drone_id (UTF8), timestamp (INT64 TIMESTAMP(MILLIS,
 * UTC)), latitude, longitude (DOUBLE), citizens (LIST<STRUCT<name UTF8, peacescore INT32>>),
 * words (LIST<UTF8>), battery_pct, altitude_m, speed_mps, temperature_c (DOUBLE),
 * source_partition (INT32), source_offset (INT64). Lists use the standard 3-level encoding
 * (`citizens (LIST) { repeated group list { required group element { name; peacescore } } }`).
 * Every field is REQUIRED (lists are empty, never null) except timestamp_text; DuckDB reports
 * timestamp as TIMESTAMP WITH TIME ZONE. Pages are DATA_PAGE_V2 (all hyparquet-writer writes).
 *
 * Extra columns, which other readers may ignore:
 * - citizen_count, word_count (INT32): list lengths, so the analyzer's reader builds list offsets
 *   without decoding repetition/definition levels (see ReportColumns.ts);
 * - timestamp_text (UTF8, nullable): the timestamp exactly as the drone wrote it, set only when it
 *   is not the canonical `toISOString()` form of its millisecond instant (e.g. "…:00Z" or
 *   microseconds), so a round trip gives back the very same report. Null (≈ 0 bytes) otherwise.
 *
 * Footer key/value metadata: peacestate.format, peacestate.count, peacestate.partition (when every
 * row has the same one), peacestate.first_offset / last_offset (first and last row),
 * peacestate.min_offset / max_offset. `readFileMeta` reads them from the footer alone.
 */
import { Data, Effect, Either, Option } from "effect"
import type { FileMetaData } from "hyparquet"
import { parquetMetadata } from "hyparquet"
import { parquetWriteBuffer } from "hyparquet-writer"
import * as zlib from "node:zlib"
import type { Report } from "../domain/Report.js"
import type { LeafColumn, ParquetDecodeError, ParquetFile } from "./ReportColumns.js"
import {
  CitizenCountColumn,
  FormatKey,
  guarded,
  int32Values,
  keyValueOf,
  lengthIs,
  numberValues,
  openParquet,
  readFlat,
  readFlatOptional,
  readList,
  stringValues,
  WordCountColumn
} from "./ReportColumns.js"

export { ParquetDecodeError } from "./ReportColumns.js"

/** A report with where it was read from in the stream. */
export interface ArchivedReport {
  readonly report: Report
  readonly partition: number
  readonly offset: number
}

/** Version of the file layout (extra columns and footer keys) written by this module. */
export const FormatVersion = "1"
export const TimestampTextColumn = "timestamp_text"

/** Footer keys. */
export const MetaKeys = {
  format: FormatKey,
  count: "peacestate.count",
  partition: "peacestate.partition",
  firstOffset: "peacestate.first_offset",
  lastOffset: "peacestate.last_offset",
  minOffset: "peacestate.min_offset",
  maxOffset: "peacestate.max_offset"
} as const

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

type WriteOptions = Parameters<typeof parquetWriteBuffer>[0]
type SchemaElement = NonNullable<WriteOptions["schema"]>[number]
type ColumnSource = WriteOptions["columnData"][number]

const required = "REQUIRED" as const
const utf8Leaf = (name: string): SchemaElement => ({
  name,
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  logical_type: { type: "STRING" },
  repetition_type: required
})
const double = (name: string): SchemaElement => ({ name, type: "DOUBLE", repetition_type: required })
const int32 = (name: string): SchemaElement => ({ name, type: "INT32", repetition_type: required })
const int64 = (name: string): SchemaElement => ({ name, type: "INT64", repetition_type: required })
const listOf = (name: string, element: ReadonlyArray<SchemaElement>): ReadonlyArray<SchemaElement> => [
  { name, converted_type: "LIST", logical_type: { type: "LIST" }, repetition_type: required, num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  ...element
]

/** Column order in the file; every element is REQUIRED except timestamp_text. */
const columnSchema: ReadonlyArray<ReadonlyArray<SchemaElement>> = [
  [utf8Leaf("report_id")],
  [utf8Leaf("drone_id")],
  [
    {
      name: "timestamp",
      type: "INT64",
      converted_type: "TIMESTAMP_MILLIS",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      repetition_type: required
    }
  ],
  [double("latitude")],
  [double("longitude")],
  listOf("citizens", [{ name: "element", repetition_type: required, num_children: 2 }, utf8Leaf("name"), int32("peacescore")]),
  listOf("words", [utf8Leaf("element")]),
  [double("battery_pct")],
  [double("altitude_m")],
  [double("speed_mps")],
  [double("temperature_c")],
  [int32("source_partition")],
  [int64("source_offset")],
  [int32(CitizenCountColumn)],
  [int32(WordCountColumn)],
  [{ ...utf8Leaf(TimestampTextColumn), repetition_type: "OPTIONAL" }]
]

const schema: ReadonlyArray<SchemaElement> = [{ name: "root", num_children: columnSchema.length }, ...columnSchema.flat()]

/** zlib level for the GZIP columns: level 6 costs ~1.5 µs/report and saves ~1.1 B/report over level 1. */
const GzipLevel = 6

/** Tuning knobs; the defaults are what the archive uses. */
export interface EncodeOptions {
  /** Rows per row group (default 262,144: a 1M-report file gets 4, so DuckDB/Spark can split it). */
  readonly rowGroupRows?: number
  /** Target uncompressed page size in bytes (default 1 MiB). */
  readonly pageSize?: number
}

const canonicalTimestamp = (ms: number): Option.Option<string> =>
  Number.isFinite(ms) ? Option.some(new Date(ms).toISOString()) : Option.none()

/** The footer metadata of a batch. */
const footerOf = (records: ReadonlyArray<ArchivedReport>): ReadonlyArray<{ key: string; value: string }> => {
  const first = records[0]
  const last = records[records.length - 1]
  const offsets = records.map((r) => r.offset)
  const partition = first !== undefined && records.every((r) => r.partition === first.partition) ? Option.some(first.partition) : Option.none()
  return [
    { key: MetaKeys.format, value: FormatVersion },
    { key: MetaKeys.count, value: String(records.length) },
    ...Option.match(partition, { onNone: () => [], onSome: (p) => [{ key: MetaKeys.partition, value: String(p) }] }),
    ...(first === undefined || last === undefined
      ? []
      : [
          { key: MetaKeys.firstOffset, value: String(first.offset) },
          { key: MetaKeys.lastOffset, value: String(last.offset) },
          { key: MetaKeys.minOffset, value: String(offsets.reduce((a, b) => Math.min(a, b))) },
          { key: MetaKeys.maxOffset, value: String(offsets.reduce((a, b) => Math.max(a, b))) }
        ])
  ]
}

/**
 * Encode reports as one Parquet file (a row group per 262,144 reports).
 * Offsets are stored as INT64 (integers up to 2^53); peacescores as INT32.
 */
export const encodeReports = (records: ReadonlyArray<ArchivedReport>, options: EncodeOptions = {}): Uint8Array<ArrayBuffer> => {
  const reports = records.map((r) => r.report)
  // Reports of one minute share a timestamp: parse and check each distinct text once.
  const parsed = new Map<string, { readonly ms: number; readonly text: string | undefined }>()
  const parse = (timestamp: string) => {
    const known = parsed.get(timestamp)
    if (known !== undefined) return known
    const ms = Date.parse(timestamp)
    const canonical = Option.getOrUndefined(canonicalTimestamp(ms))
    const entry = { ms: Number.isFinite(ms) ? ms : 0, text: canonical === timestamp ? undefined : timestamp }
    parsed.set(timestamp, entry)
    return entry
  }
  const timestamps = reports.map((r) => parse(r.timestamp))
  // Codecs and encodings, column by column (measured on 100k realistic reports, see bench/parquet.ts):
  // - columns the analyzer reads are decoded where it is cheapest: lat/lon PLAIN uncompressed
  //   (a copy; gzip would save 8.5 B/report but cost ~+40 % read time), citizens/words dictionary
  //   indices uncompressed (bit-packed indices do not compress: snappy saved 4 %), counts PLAIN +
  //   GZIP (native inflate, then a zero-copy Int32Array), timestamp PLAIN + GZIP;
  // - the rest favours size: report_id and source_offset GZIP (half of SNAPPY's size), other
  //   columns SNAPPY with hyparquet-writer's automatic dictionaries (drone ids, telemetry).
  // Only PLAIN and dictionary encodings: every Parquet reader (Spark < 3.3's vectorized reader
  // included, which lacks DELTA_*) reads them. No min/max statistics on the lists and counts
  // (useless for pruning, ~5 % of encode time); the flat contract columns keep theirs.
  const columnData: ReadonlyArray<ColumnSource> = [
    { name: "report_id", data: reports.map((r) => r.reportId), codec: "GZIP" },
    { name: "drone_id", data: reports.map((r) => r.droneId) },
    { name: "timestamp", data: timestamps.map((t) => t.ms), codec: "GZIP" },
    { name: "latitude", data: Float64Array.from(reports.map((r) => r.location.latitude)), codec: "UNCOMPRESSED" },
    { name: "longitude", data: Float64Array.from(reports.map((r) => r.location.longitude)), codec: "UNCOMPRESSED" },
    { name: "citizens", data: reports.map((r) => r.citizens), codec: "UNCOMPRESSED", encoding: "RLE_DICTIONARY", statistics: false },
    { name: "words", data: reports.map((r) => r.words), codec: "UNCOMPRESSED", encoding: "RLE_DICTIONARY", statistics: false },
    { name: "battery_pct", data: Float64Array.from(reports.map((r) => r.telemetry.batteryPct)) },
    { name: "altitude_m", data: Float64Array.from(reports.map((r) => r.telemetry.altitudeM)) },
    { name: "speed_mps", data: Float64Array.from(reports.map((r) => r.telemetry.speedMps)) },
    { name: "temperature_c", data: Float64Array.from(reports.map((r) => r.telemetry.temperatureC)) },
    { name: "source_partition", data: Int32Array.from(records.map((r) => r.partition)) },
    { name: "source_offset", data: BigInt64Array.from(records.map((r) => BigInt(Math.trunc(r.offset)))), codec: "GZIP" },
    { name: CitizenCountColumn, data: Int32Array.from(reports.map((r) => r.citizens.length)), codec: "GZIP", encoding: "PLAIN", statistics: false },
    { name: WordCountColumn, data: Int32Array.from(reports.map((r) => r.words.length)), codec: "GZIP", encoding: "PLAIN", statistics: false },
    { name: TimestampTextColumn, data: timestamps.map((t) => t.text), statistics: false }
  ]
  const buffer = parquetWriteBuffer({
    columnData: [...columnData],
    schema: [...schema],
    codec: "SNAPPY",
    compressors: { GZIP: (input: Uint8Array) => zlib.gzipSync(input, { level: GzipLevel }) },
    rowGroupSize: Math.max(1, options.rowGroupRows ?? 262_144),
    pageSize: options.pageSize ?? 1_048_576,
    kvMetadata: [...footerOf(records)],
    createdBy: "peacestate archive (hyparquet-writer)"
  })
  return new Uint8Array(buffer)
}

// ---------------------------------------------------------------------------------------------
// Reading everything back
// ---------------------------------------------------------------------------------------------

/** A flat column, checked to have one value per row. */
const flat = <A extends { readonly length: number }>(
  file: ParquetFile,
  name: string,
  values: (leaf: LeafColumn) => Either.Either<A, ParquetDecodeError>
): Either.Either<A, ParquetDecodeError> => Either.flatMap(Either.flatMap(readFlat(file, name), values), lengthIs(name, file.rows))

const decodeFile = (file: ParquetFile): Either.Either<ReadonlyArray<ArchivedReport>, ParquetDecodeError> =>
  guarded("reports", () =>
    Either.gen(function* () {
      const reportIds = yield* flat(file, "report_id", (l) => stringValues(l, ""))
      const droneIds = yield* flat(file, "drone_id", (l) => stringValues(l, ""))
      const timestamps = yield* flat(file, "timestamp", numberValues)
      const texts = yield* Either.flatMap(readFlatOptional(file, TimestampTextColumn), (leaf) =>
        Option.match(leaf, {
          onNone: () => Either.right<ReadonlyArray<string | undefined>>([]),
          onSome: (l) => Either.flatMap(stringValues(l, undefined), lengthIs(TimestampTextColumn, file.rows))
        })
      )
      const latitude = yield* flat(file, "latitude", numberValues)
      const longitude = yield* flat(file, "longitude", numberValues)
      const battery = yield* flat(file, "battery_pct", numberValues)
      const altitude = yield* flat(file, "altitude_m", numberValues)
      const speed = yield* flat(file, "speed_mps", numberValues)
      const temperature = yield* flat(file, "temperature_c", numberValues)
      const partitions = yield* flat(file, "source_partition", numberValues)
      const offsets = yield* flat(file, "source_offset", numberValues)
      const citizens = yield* readList(file, "citizens", ["name", "peacescore"], CitizenCountColumn)
      const citizenCount = citizens.offsets[file.rows] as number
      const names = yield* Either.flatMap(stringValues(citizens.leaves[0] as LeafColumn, ""), lengthIs("citizens.name", citizenCount))
      const scores = yield* Either.flatMap(int32Values(citizens.leaves[1] as LeafColumn), lengthIs("citizens.peacescore", citizenCount))
      const words = yield* readList(file, "words", [], WordCountColumn)
      const wordValues = yield* Either.flatMap(stringValues(words.leaves[0] as LeafColumn, ""), lengthIs("words", words.offsets[file.rows] as number))
      // Reports of one minute share a timestamp: format each instant once.
      const isoCache = new Map<number, string>()
      const isoOf = (ms: number): string => {
        const cached = isoCache.get(ms)
        if (cached !== undefined) return cached
        const iso = Number.isFinite(ms) ? new Date(ms).toISOString() : ""
        isoCache.set(ms, iso)
        return iso
      }
      return reportIds.map(
        (reportId, i): ArchivedReport => ({
          report: {
            schemaVersion: 1,
            reportId,
            droneId: droneIds[i] ?? "",
            timestamp: texts[i] ?? isoOf(timestamps[i] as number),
            location: { latitude: latitude[i] as number, longitude: longitude[i] as number },
            citizens: names
              .slice(citizens.offsets[i], citizens.offsets[i + 1])
              .map((name, j) => ({ name, peacescore: scores[(citizens.offsets[i] as number) + j] as number })),
            words: wordValues.slice(words.offsets[i], words.offsets[i + 1]),
            telemetry: {
              batteryPct: battery[i] as number,
              altitudeM: altitude[i] as number,
              speedMps: speed[i] as number,
              temperatureC: temperature[i] as number
            }
          },
          partition: partitions[i] as number,
          offset: offsets[i] as number
        })
      )
    })
  )

/** Decode a whole archive file (synchronous; errors as values). */
export const decodeReportsEither = (bytes: ArrayBuffer | Uint8Array): Either.Either<ReadonlyArray<ArchivedReport>, ParquetDecodeError> =>
  Either.flatMap(openParquet(bytes), decodeFile)

/** Decode a whole archive file: every report with its source partition and offset. */
export const decodeReports = (bytes: ArrayBuffer | Uint8Array): Effect.Effect<ReadonlyArray<ArchivedReport>, ParquetDecodeError> =>
  Effect.suspend(() => decodeReportsEither(bytes))

/** Just the (partition, offset) of every row, reading two columns only — for exactly-once / DLQ checks. */
export const readSourcePositions = (
  bytes: ArrayBuffer | Uint8Array
): Effect.Effect<{ readonly partitions: Float64Array; readonly offsets: Float64Array }, ParquetDecodeError> =>
  Effect.suspend(() =>
    Either.flatMap(openParquet(bytes), (file) =>
      Either.all({ partitions: flat(file, "source_partition", numberValues), offsets: flat(file, "source_offset", numberValues) })
    )
  )

// ---------------------------------------------------------------------------------------------
// Footer-only metadata
// ---------------------------------------------------------------------------------------------

/** What the footer says about a file, without reading any data page. */
export interface ArchiveFileMeta {
  readonly rows: number
  /** The source partition, when every row has the same one. */
  readonly partition: Option.Option<number>
  /** Offsets of the first and last row (files of ours only). */
  readonly firstOffset: Option.Option<number>
  readonly lastOffset: Option.Option<number>
  /** Smallest and largest source_offset: our footer keys, else the column statistics. */
  readonly minOffset: Option.Option<number>
  readonly maxOffset: Option.Option<number>
  readonly createdBy: Option.Option<string>
  readonly keyValue: ReadonlyMap<string, string>
}

/** Error reading a footer through a ranged fetch: the fetch failed. */
export class FooterFetchError extends Data.TaggedError("FooterFetchError")<{ readonly cause: unknown }> {}

const numberKey = (kv: ReadonlyMap<string, string>, key: string): Option.Option<number> =>
  Option.filter(
    Option.map(Option.fromNullable(kv.get(key)), (v) => (v.trim() === "" ? Number.NaN : Number(v))),
    Number.isFinite
  )

const statNumber = (v: unknown): Option.Option<number> =>
  typeof v === "bigint" || typeof v === "number" ? Option.some(Number(v)) : Option.none()

/** min/max of a flat column over all row groups, from the column statistics. */
const columnRange = (metadata: FileMetaData, name: string): Option.Option<{ readonly min: number; readonly max: number }> => {
  const stats = metadata.row_groups.map((rg) =>
    Option.flatMap(Option.fromNullable(rg.columns.find((c) => c.meta_data?.path_in_schema.join(".") === name)?.meta_data?.statistics), (s) =>
      Option.all({ min: statNumber(s.min_value ?? s.min), max: statNumber(s.max_value ?? s.max) })
    )
  )
  return stats.length === 0 || stats.some(Option.isNone)
    ? Option.none()
    : Option.some({
        min: Math.min(...stats.map((s) => Option.match(s, { onNone: () => Number.POSITIVE_INFINITY, onSome: (r) => r.min }))),
        max: Math.max(...stats.map((s) => Option.match(s, { onNone: () => Number.NEGATIVE_INFINITY, onSome: (r) => r.max })))
      })
}

const metaOf = (metadata: FileMetaData): ArchiveFileMeta => {
  const kv = keyValueOf(metadata)
  const offsets = columnRange(metadata, "source_offset")
  const partitions = Option.filter(columnRange(metadata, "source_partition"), (r) => r.min === r.max)
  return {
    rows: Number(metadata.num_rows),
    partition: Option.orElse(numberKey(kv, MetaKeys.partition), () => Option.map(partitions, (r) => r.min)),
    firstOffset: numberKey(kv, MetaKeys.firstOffset),
    lastOffset: numberKey(kv, MetaKeys.lastOffset),
    minOffset: Option.orElse(numberKey(kv, MetaKeys.minOffset), () => Option.map(offsets, (r) => r.min)),
    maxOffset: Option.orElse(numberKey(kv, MetaKeys.maxOffset), () => Option.map(offsets, (r) => r.max)),
    createdBy: Option.fromNullable(metadata.created_by),
    keyValue: kv
  }
}

const parseFooter = (tail: Uint8Array): Either.Either<ArchiveFileMeta, ParquetDecodeError> =>
  guarded("footer", () => Either.right(metaOf(parquetMetadata(tail))))

/** Footer metadata of a complete in-memory file. */
export const readFileMeta = (bytes: ArrayBuffer | Uint8Array): Either.Either<ArchiveFileMeta, ParquetDecodeError> =>
  parseFooter(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))

/** First guess of the footer size: one ranged GET is enough for our files (their footer is a few KB). */
const FooterGuessBytes = 64 * 1024

/**
 * Footer metadata through suffix-range reads, e.g. S3 `GetObject` with `Range: bytes=-N`.
 * `fetchTail(n)` must return the last n bytes of the object (or all of it when shorter).
 * One request for our files; a second one only when the footer is larger than 64 KiB.
 */
export const readFileMetaRanged = (
  fetchTail: (suffixLength: number) => Promise<Uint8Array>
): Effect.Effect<ArchiveFileMeta, ParquetDecodeError | FooterFetchError> => {
  const fetch = (n: number) => Effect.tryPromise({ try: () => fetchTail(n), catch: (cause) => new FooterFetchError({ cause }) })
  return Effect.flatMap(fetch(FooterGuessBytes), (tail) => {
    const footerLength =
      tail.length >= 8 ? new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(tail.length - 8, true) : 0
    return footerLength + 8 <= tail.length || tail.length < FooterGuessBytes
      ? parseFooter(tail)
      : Effect.flatMap(fetch(footerLength + 8), parseFooter)
  })
}
