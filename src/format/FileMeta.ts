/** Footer-only metadata of archive files: rows, source partition and offsets, without reading any data page. */
import { Data, Effect, Either, Option } from "effect"
import type { FileMetaData } from "hyparquet"
import { parquetMetadata } from "hyparquet"
import { MetaKeys } from "./FormatKeys.js"
import { guarded, type ParquetDecodeError } from "./ParquetDecodeError.js"
import { asBytes, keyValueOf } from "./ParquetFile.js"

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
const columnRange = (
  metadata: FileMetaData,
  name: string
): Option.Option<{ readonly min: number; readonly max: number }> => {
  const stats = metadata.row_groups.map((rg) =>
    Option.flatMap(
      Option.fromNullable(
        rg.columns.find((c) => c.meta_data?.path_in_schema.join(".") === name)?.meta_data?.statistics
      ),
      (s) => Option.all({ min: statNumber(s.min_value ?? s.min), max: statNumber(s.max_value ?? s.max) })
    )
  )
  return stats.length === 0 || stats.some(Option.isNone)
    ? Option.none()
    : Option.some({
        min: Math.min(
          ...stats.map((s) => Option.match(s, { onNone: () => Number.POSITIVE_INFINITY, onSome: (r) => r.min }))
        ),
        max: Math.max(
          ...stats.map((s) => Option.match(s, { onNone: () => Number.NEGATIVE_INFINITY, onSome: (r) => r.max }))
        )
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
  parseFooter(asBytes(bytes))

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
  const fetch = (n: number) =>
    Effect.tryPromise({ try: () => fetchTail(n), catch: (cause) => new FooterFetchError({ cause }) })
  return Effect.flatMap(fetch(FooterGuessBytes), (tail) => {
    const footerLength =
      tail.length >= 8
        ? new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getUint32(tail.length - 8, true)
        : 0
    return footerLength + 8 <= tail.length || tail.length < FooterGuessBytes
      ? parseFooter(tail)
      : Effect.flatMap(fetch(footerLength + 8), parseFooter)
  })
}
