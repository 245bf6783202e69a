import { Array as Arr, Effect, Option } from "effect"
import { type Kafka, type Message, Partitioners, type RetryOptions } from "kafkajs"
import type { OutgoingRecord } from "../../ports/MessageLog.js"
import { attempt, disconnect } from "./Attempt.js"

// A record batch per partition must stay under the broker's message.max.bytes (1 MiB by default).
const MaxSendBytes = 900_000
const RecordOverhead = 64

const toMessage = (r: OutgoingRecord): Message => ({
  key: r.key,
  value: typeof r.value === "string" ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
  ...(r.headers === undefined ? {} : { headers: { ...r.headers } })
})

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

/** Split into sends whose record batches stay under the broker's size limit (one send when small). */
export const chunksOf = (records: ReadonlyArray<OutgoingRecord>): ReadonlyArray<Array<Message>> => {
  const starts = sendStarts(Arr.map(records, sizeOf))
  return Arr.map(starts, (start, i) =>
    Arr.map(
      records.slice(
        start,
        Option.getOrElse(Arr.get(starts, i + 1), () => records.length)
      ),
      toMessage
    )
  )
}

/** An idempotent producer, connected for the scope; `publish` returns once every record was acknowledged by all replicas. */
export const makePublish = (kafka: Kafka, retry: RetryOptions) =>
  Effect.gen(function* () {
    const producer = yield* Effect.acquireRelease(
      Effect.sync(() =>
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
          retry: { ...retry, retries: 10 }
        })
      ).pipe(Effect.tap((p) => attempt("producer connect", () => p.connect()))),
      (p) => disconnect("producer disconnect", () => p.disconnect())
    )
    return Effect.fn("KafkaLog.publish")(function* (topic: string, records: ReadonlyArray<OutgoingRecord>) {
      yield* Effect.forEach(
        chunksOf(records),
        (messages) => attempt(`publish to ${topic}`, () => producer.send({ topic, messages, acks: -1 })),
        {
          discard: true
        }
      )
    })
  })
