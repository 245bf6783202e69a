import { Array as Arr, Chunk, Either, Option } from "effect"
import { decodeReport } from "../domain/Codec.js"
import type { ArchivedReport } from "../format/ArchivedReport.js"
import { hourFolderOf } from "../format/Layout.js"
import type { Batch, LogRecord } from "../ports/MessageLog.js"

// The archiver's bookkeeping per partition, pure: which reports go into which file.

/** The file being filled for one partition: a contiguous run of its offsets, all in one hour folder. */
export interface OpenFile {
  readonly folder: string
  readonly first: number
  readonly last: number
  readonly reports: Chunk.Chunk<ArchivedReport>
}

export interface PartitionState {
  /** False until the archive has been checked for files this partition already wrote (resume). */
  readonly resumed: boolean
  /** Offsets up to this one are already in the archive. */
  readonly storedThrough: number
  readonly open: Option.Option<OpenFile>
  /** Closed files whose write was fenced off (see `write`): stored before anything newer, or dropped on revocation. */
  readonly pending: ReadonlyArray<OpenFile>
}

export const fresh: PartitionState = { resumed: false, storedThrough: -1, open: Option.none(), pending: [] }

export type Decoded = { readonly record: LogRecord; readonly report: Option.Option<ArchivedReport> }

/** Append reports to the partition's open file, closing it on an hour change or when it holds `maxRecords`. */
export const append = (maxRecords: number) => (state: PartitionState, decoded: ReadonlyArray<Decoded>) =>
  Arr.reduce(decoded, { state, done: Arr.empty<OpenFile>() }, ({ state, done }, d) =>
    Option.match(d.report, {
      onNone: () => ({ state, done }),
      onSome: (report) => {
        if (d.record.offset <= state.storedThrough) return { state, done }
        const folder = hourFolderOf(report.report.timestamp)
        const current = Option.filter(state.open, (f) => f.folder === folder)
        const closed = Option.isSome(state.open) && Option.isNone(current) ? [...done, state.open.value] : done
        const file: OpenFile = Option.match(current, {
          onNone: () => ({ folder, first: d.record.offset, last: d.record.offset, reports: Chunk.of(report) }),
          onSome: (f) => ({ ...f, last: d.record.offset, reports: Chunk.append(f.reports, report) })
        })
        return Chunk.size(file.reports) >= maxRecords
          ? { state: { ...state, open: Option.none() }, done: [...closed, file] }
          : { state: { ...state, open: Option.some(file) }, done: closed }
      }
    })
  )

/** Each record of a batch with its report, or none when it is not a valid report (counted as rejected). */
export const decode = (batch: Batch): ReadonlyArray<Decoded> =>
  batch.records.map((record) => ({
    record,
    report: Either.match(decodeReport(record.value), {
      onLeft: () => Option.none(),
      onRight: (report) => Option.some({ report, partition: record.partition, offset: record.offset })
    })
  }))
