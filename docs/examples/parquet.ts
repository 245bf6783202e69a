// The Parquet archive format: write reports to a file, read them back, or read only the analysis columns
// and fold them straight into Stats (what the analyzer does for every archive file).
import { Effect, Either, Option } from "effect"
import { isDeepStrictEqual } from "node:util"
import {
  decodeReports,
  encodeReports,
  fileKeyOf,
  foldColumns,
  hourFolderOf,
  readFileMeta,
  readReportColumns
} from "peacestate/archive"
import { makeGenerator, Stats } from "peacestate/domain"

const settings = { seed: 7, drones: 50, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01 }
const generate = makeGenerator(settings)
// An archive file holds the reports of one stream partition, with their offsets in it.
const records = Array.from({ length: 5_000 }, (_, i) => ({ report: generate(i), partition: 3, offset: 1_000 + i }))

const bytes = encodeReports(records) // a Uint8Array: put it in any object store, or write it to disk
const magic = (b: Uint8Array) => new TextDecoder().decode(b)
console.log(`${records.length} reports → ${magic(bytes.subarray(0, 4))}…${magic(bytes.subarray(-4))}`)

// The footer alone tells what a file holds, without reading its pages.
Either.match(readFileMeta(bytes), {
  onLeft: (e) => console.log(`not an archive file: ${e.message}`),
  onRight: (meta) =>
    console.log(
      `footer: ${meta.rows} rows, partition ${Option.getOrUndefined(meta.partition)}, offsets ${Option.getOrUndefined(meta.firstOffset)}..${Option.getOrUndefined(meta.lastOffset)}`
    )
})
console.log(`not Parquet: ${Either.isLeft(readFileMeta(new TextEncoder().encode("hello")))}`)

// Every report comes back equal, with its source position.
const decoded = await Effect.runPromise(decodeReports(bytes))
console.log(`round trip equal: ${isDeepStrictEqual(decoded, records)}`)

// The analyzer reads only the columns it needs and folds them: the same Stats as folding the reports.
const columns = await readReportColumns(bytes)
console.log(
  `columns fold = report fold: ${isDeepStrictEqual(foldColumns(columns, 20), Stats.ofReports(records.map((r) => r.report)))}`
)

// Where the archiver puts such a file (the hour folder of its first report).
console.log(fileKeyOf(hourFolderOf(generate(0).timestamp), "peacewatcher.reports", 3, 1_000))
