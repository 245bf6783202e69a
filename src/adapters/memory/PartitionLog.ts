/** One partition of the in-memory log, as an immutable value: records in offset order, a prefix possibly forgotten. */
import { Array as Arr, Chunk, Option } from "effect"
import type { LogRecord, OutgoingRecord } from "../../ports/MessageLog.js"

/** The records from offset `start` on (those before were forgotten). */
export interface PartitionLog {
  readonly start: number
  readonly records: Chunk.Chunk<LogRecord>
}

export const empty: PartitionLog = { start: 0, records: Chunk.empty() }

/** The next offset to be written. */
export const endOf = (log: PartitionLog): number => log.start + Chunk.size(log.records)

const encoder = new TextEncoder()
const toBytes = (v: Uint8Array | string): Uint8Array => (typeof v === "string" ? encoder.encode(v) : v)

/** Append each record to the partition `partitionOf` its key, in order, at that partition's end. */
export const append =
  (
    topic: string,
    records: ReadonlyArray<OutgoingRecord>,
    now: number,
    partitionOf: (key: string, partitions: number) => number
  ) =>
  (parts: ReadonlyArray<PartitionLog>): ReadonlyArray<PartitionLog> => {
    const byPartition = Arr.groupBy(records, (r) => String(partitionOf(r.key, parts.length)))
    return Arr.map(parts, (log, partition) =>
      Option.match(Option.fromNullable(byPartition[String(partition)]), {
        onNone: () => log,
        onSome: (rs) => {
          const end = endOf(log)
          const added = Arr.map(rs, (r, i): LogRecord => ({
            topic,
            partition,
            offset: end + i,
            key: Option.some(r.key),
            value: toBytes(r.value),
            headers: r.headers ?? {},
            timestamp: now
          }))
          return { ...log, records: Chunk.appendAll(log.records, Chunk.fromIterable(added)) }
        }
      })
    )
  }

/** Up to `max` records from `position` on; what was forgotten is skipped. */
export const readFrom = (log: PartitionLog, position: number, max: number): ReadonlyArray<LogRecord> => {
  const from = Math.max(position, log.start)
  const to = position + max
  return from >= to ? [] : Chunk.toReadonlyArray(Chunk.take(Chunk.drop(log.records, from - log.start), to - from))
}

/** Forget the records below `upTo` (a forgotten offset stays taken, even past the end). */
export const forgetBelow = (log: PartitionLog, upTo: number): PartitionLog =>
  upTo <= log.start ? log : { start: upTo, records: Chunk.drop(log.records, upTo - log.start) }
