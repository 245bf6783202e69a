// Archive files: reports as Parquet, readable unchanged by DuckDB, Spark and Athena; the columns and footer
// keys are listed in docs/ARCHITECTURE.md ("The archive file").
import { Option } from "effect"
import { parquetWriteBuffer } from "hyparquet-writer"
import * as zlib from "node:zlib"
import type { ArchivedReport } from "./ArchivedReport.js"
import { CitizenCountColumn, FormatVersion, MetaKeys, TimestampTextColumn, WordCountColumn } from "./FormatKeys.js"

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
  listOf("citizens", [
    { name: "element", repetition_type: required, num_children: 2 },
    utf8Leaf("name"),
    int32("peacescore")
  ]),
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

const schema: ReadonlyArray<SchemaElement> = [
  { name: "root", num_children: columnSchema.length },
  ...columnSchema.flat()
]

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

/** The instant of a timestamp, and its text when that is not the canonical form of the instant. */
const parseTimestamp = (timestamp: string): { readonly ms: number; readonly text: string | undefined } => {
  const ms = Date.parse(timestamp)
  const canonical = Option.getOrUndefined(canonicalTimestamp(ms))
  return { ms: Number.isFinite(ms) ? ms : 0, text: canonical === timestamp ? undefined : timestamp }
}

/** The footer metadata of a batch. */
const footerOf = (records: ReadonlyArray<ArchivedReport>): ReadonlyArray<{ key: string; value: string }> => {
  const first = records[0]
  const last = records[records.length - 1]
  const offsets = records.map((r) => r.offset)
  const partition =
    first !== undefined && records.every((r) => r.partition === first.partition)
      ? Option.some(first.partition)
      : Option.none()
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
export const encodeReports = (
  records: ReadonlyArray<ArchivedReport>,
  options: EncodeOptions = {}
): Uint8Array<ArrayBuffer> => {
  const reports = records.map((r) => r.report)
  // Reports of one minute share a timestamp: parse and check each distinct text once.
  const parsed = new Map(Array.from(new Set(reports.map((r) => r.timestamp)), (t) => [t, parseTimestamp(t)] as const))
  const timestamps = reports.map((r) => parsed.get(r.timestamp) ?? parseTimestamp(r.timestamp))
  // Codecs chosen by measurement (bench/parquet.ts): docs/ARCHITECTURE.md, "The archive file", says why each.
  const columnData: ReadonlyArray<ColumnSource> = [
    { name: "report_id", data: reports.map((r) => r.reportId), codec: "GZIP" },
    { name: "drone_id", data: reports.map((r) => r.droneId) },
    { name: "timestamp", data: timestamps.map((t) => t.ms), codec: "GZIP" },
    { name: "latitude", data: Float64Array.from(reports.map((r) => r.location.latitude)), codec: "UNCOMPRESSED" },
    { name: "longitude", data: Float64Array.from(reports.map((r) => r.location.longitude)), codec: "UNCOMPRESSED" },
    {
      name: "citizens",
      data: reports.map((r) => r.citizens),
      codec: "UNCOMPRESSED",
      encoding: "RLE_DICTIONARY",
      statistics: false
    },
    {
      name: "words",
      data: reports.map((r) => r.words),
      codec: "UNCOMPRESSED",
      encoding: "RLE_DICTIONARY",
      statistics: false
    },
    { name: "battery_pct", data: Float64Array.from(reports.map((r) => r.telemetry.batteryPct)) },
    { name: "altitude_m", data: Float64Array.from(reports.map((r) => r.telemetry.altitudeM)) },
    { name: "speed_mps", data: Float64Array.from(reports.map((r) => r.telemetry.speedMps)) },
    { name: "temperature_c", data: Float64Array.from(reports.map((r) => r.telemetry.temperatureC)) },
    { name: "source_partition", data: Int32Array.from(records.map((r) => r.partition)) },
    {
      name: "source_offset",
      data: BigInt64Array.from(records.map((r) => BigInt(Math.trunc(r.offset)))),
      codec: "GZIP"
    },
    {
      name: CitizenCountColumn,
      data: Int32Array.from(reports.map((r) => r.citizens.length)),
      codec: "GZIP",
      encoding: "PLAIN",
      statistics: false
    },
    {
      name: WordCountColumn,
      data: Int32Array.from(reports.map((r) => r.words.length)),
      codec: "GZIP",
      encoding: "PLAIN",
      statistics: false
    },
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
