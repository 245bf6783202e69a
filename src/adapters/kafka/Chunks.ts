import { Array as Arr, Option } from "effect"
import type { OutgoingRecord } from "../../ports/MessageLog.js"

// A record batch per partition must stay under the broker's message.max.bytes (1 MiB by default).
const MaxSendBytes = 900_000
const RecordOverhead = 64

const sizeOf = (r: OutgoingRecord) =>
  RecordOverhead +
  r.key.length * 3 +
  (typeof r.value === "string" ? Buffer.byteLength(r.value) : r.value.byteLength) +
  (r.headers === undefined ? 0 : Arr.reduce(Object.entries(r.headers), 0, (n, [k, v]) => n + k.length + v.length * 3))

/** Where each send starts: a record opens a new one when it would take the current one past the limit. */
const sendStarts = (sizes: ReadonlyArray<number>): ReadonlyArray<number> => {
  const running = Arr.scan(sizes, { opens: false, size: MaxSendBytes }, (acc, size) =>
    acc.size + size > MaxSendBytes ? { opens: true, size } : { opens: false, size: acc.size + size }
  )
  return Arr.filterMap(Arr.drop(running, 1), (s, i) => (s.opens ? Option.some(i) : Option.none()))
}

/** Split into sends whose record batches stay under the broker's size limit (one send when small), each mapped by `f`. */
export const chunksOf = <A>(
  records: ReadonlyArray<OutgoingRecord>,
  f: (r: OutgoingRecord) => A
): ReadonlyArray<Array<A>> => {
  const starts = sendStarts(Arr.map(records, sizeOf))
  return Arr.map(starts, (start, i) =>
    Arr.map(
      records.slice(
        start,
        Option.getOrElse(Arr.get(starts, i + 1), () => records.length)
      ),
      f
    )
  )
}

/** A value as bytes, without copying when it already is. */
export const bytesOf = (value: Uint8Array | string): Buffer =>
  typeof value === "string" ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
