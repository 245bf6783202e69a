import { Effect, Predicate } from "effect"
import { bytesOf, chunksOf } from "./Chunks.js"
import { type Kafka, type Message, Partitioners, type RetryOptions } from "kafkajs"
import { LogError, type OutgoingRecord, RecordTooLarge } from "../../ports/MessageLog.js"
import { attempt, disconnect } from "./Attempt.js"

const toMessage = (r: OutgoingRecord): Message => ({
  key: r.key,
  value: typeof r.value === "string" ? r.value : bytesOf(r.value),
  ...(r.headers === undefined ? {} : { headers: { ...r.headers } })
})

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
        chunksOf(records, toMessage),
        (messages) =>
          attempt(`publish to ${topic}`, () => producer.send({ topic, messages, acks: -1 })).pipe(
            Effect.mapError((e) =>
              Predicate.hasProperty(e.cause, "type") && e.cause.type === "MESSAGE_TOO_LARGE"
                ? new LogError({ operation: e.operation, cause: new RecordTooLarge({ topic, detail: e.message }) })
                : e
            )
          ),
        {
          discard: true
        }
      )
    })
  })
