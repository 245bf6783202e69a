// The S3 archive read back and checked against the topic for exactly-once.
import { Chunk, Effect, Stream } from "effect"
import * as S3ObjectStore from "../../src/adapters/S3ObjectStore.js"
import type { ArchivedReport } from "../../src/format/ArchivedReport.js"
import { decodeReports } from "../../src/format/DecodeReports.js"
import { fileNameOf, hourFolderOf } from "../../src/format/Layout.js"
import { ObjectStore } from "../../src/ports/ObjectStore.js"
import { s3Env } from "./Infra.js"
import { sumOf } from "./Kafka.js"
import "./ServicesEnv.js"

const inStore = <A, E>(prefix: string, f: (store: ObjectStore["Type"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.flatMap(ObjectStore, f).pipe(
      Effect.provide(S3ObjectStore.layer({ bucket: s3Env().bucket, prefix }, { retryFor: "10 seconds" }))
    )
  )

export interface ArchiveFile {
  readonly key: string
  readonly reports: ReadonlyArray<ArchivedReport>
}

/** Every Parquet file of the archive under an S3 prefix, decoded. */
export const readS3Archive = (prefix: string): Promise<ReadonlyArray<ArchiveFile>> =>
  inStore(prefix, (store) =>
    Stream.runCollect(store.list("reports/")).pipe(
      Effect.flatMap((objects) =>
        Effect.forEach(
          Chunk.toReadonlyArray(objects).filter((o) => o.key.endsWith(".parquet")),
          (o) =>
            Effect.flatMap(store.get(o.key), (bytes) =>
              bytes._tag === "None"
                ? Effect.succeed([])
                : Effect.map(decodeReports(bytes.value), (reports) => [{ key: o.key, reports }])
            ),
          { concurrency: 8 }
        )
      ),
      Effect.map((files) => files.flat().sort((a, b) => (a.key < b.key ? -1 : 1)))
    )
  )

export const removeS3Prefix = (prefix: string) =>
  inStore(prefix, (store) =>
    Stream.runCollect(store.list("")).pipe(
      Effect.flatMap((objects) =>
        Effect.forEach(objects, (o) => store.remove(o.key), { concurrency: 16, discard: true })
      )
    )
  ).catch(() => undefined)

/** What the archive holds against what Kafka holds; every list is empty when the archive is exactly-once and complete. */
export interface ExactlyOnceReport {
  /** Records Kafka holds in the reports topic (sum of end offsets). */
  readonly expected: number
  /** Rows in the archive. */
  readonly archived: number
  readonly files: number
  readonly distinctPositions: number
  readonly distinctReportIds: number
  /** (partition/offset) stored more than once, with the keys holding them. */
  readonly duplicatePositions: ReadonlyArray<string>
  readonly duplicateReportIds: ReadonlyArray<string>
  /** Positions below the end offsets with no row. */
  readonly missingPositions: ReadonlyArray<string>
  /** Rows whose position is not in the topic at all. */
  readonly unexpectedPositions: ReadonlyArray<string>
  /** Layout breaches: name ≠ `<topic>+<partition>+<first offset>`, mixed partitions, a gap, another hour. */
  readonly fileProblems: ReadonlyArray<string>
}

const firstN = <A>(items: ReadonlyArray<A>, n = 20) => items.slice(0, n)

/**
 * Check the archive against the topic's end offsets: each (partition, offset) below them exactly once,
 * each reportId exactly once, and every file a contiguous run of one partition within one hour,
 * named after its first offset. Lists are truncated to 20 examples (the counts are in the lengths' stead).
 */
export const checkExactlyOnce = (
  topic: string,
  files: ReadonlyArray<ArchiveFile>,
  ends: ReadonlyMap<number, number>,
  opts: { readonly contiguous?: boolean } = {}
) => {
  const positions = new Map<string, Array<string>>()
  const ids = new Map<string, number>()
  const fileProblems: Array<string> = []
  files.forEach(({ key, reports }) => {
    reports.forEach((r) => {
      const pos = `${r.partition}/${r.offset}`
      const at = positions.get(pos)
      if (at === undefined) positions.set(pos, [key])
      else at.push(key)
      ids.set(r.report.reportId, (ids.get(r.report.reportId) ?? 0) + 1)
    })
    const first = reports[0]
    if (first === undefined) return void fileProblems.push(`${key}: empty`)
    const folder = key.slice(0, key.lastIndexOf("/"))
    const name = key.slice(key.lastIndexOf("/") + 1)
    if (name !== fileNameOf(topic, first.partition, first.offset))
      fileProblems.push(`${key}: first row is ${first.partition}/${first.offset}`)
    if (reports.some((r) => r.partition !== first.partition)) fileProblems.push(`${key}: rows of several partitions`)
    if (reports.some((r) => hourFolderOf(r.report.timestamp) !== folder))
      fileProblems.push(`${key}: a report outside ${folder}`)
    const gap = reports.findIndex(
      (r, i) =>
        i > 0 &&
        (opts.contiguous === false ? r.offset <= reports[i - 1]!.offset : r.offset !== reports[i - 1]!.offset + 1)
    )
    if (gap > 0) fileProblems.push(`${key}: offsets ${reports[gap - 1]!.offset} then ${reports[gap]!.offset}`)
  })
  const duplicatePositions = [...positions]
    .filter(([, keys]) => keys.length > 1)
    .map(([pos, keys]) => `${pos} ×${keys.length} in ${keys.join(", ")}`)
  const expectedPositions = [...ends].flatMap(([p, end]) => Array.from({ length: end }, (_, o) => `${p}/${o}`))
  const expectedSet = new Set(expectedPositions)
  const missing = expectedPositions.filter((pos) => !positions.has(pos))
  const unexpected = [...positions.keys()].filter((pos) => !expectedSet.has(pos))
  const duplicateIds = [...ids].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`)
  const report: ExactlyOnceReport = {
    expected: sumOf(ends),
    archived: files.reduce((n, f) => n + f.reports.length, 0),
    files: files.length,
    distinctPositions: positions.size,
    distinctReportIds: ids.size,
    duplicatePositions: firstN(duplicatePositions),
    duplicateReportIds: firstN(duplicateIds),
    missingPositions: firstN(missing),
    unexpectedPositions: firstN(unexpected),
    fileProblems: firstN(fileProblems)
  }
  return report
}

/** What `checkExactlyOnce` gives for a complete, exactly-once archive of `expected` records (for toMatchObject). */
export const exactlyOnce = (expected: number) => ({
  expected,
  archived: expected,
  distinctPositions: expected,
  distinctReportIds: expected,
  duplicatePositions: [],
  duplicateReportIds: [],
  missingPositions: [],
  unexpectedPositions: [],
  fileProblems: []
})
