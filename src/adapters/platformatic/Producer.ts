import { Effect } from "effect"
import { compatibilityPartitioner, type MessageToProduce, ProduceAcks, Producer } from "@platformatic/kafka"
import { LogError, type OutgoingRecord, RecordTooLarge } from "../../ports/MessageLog.js"
import { bytesOf, chunksOf } from "../kafka/Chunks.js"
import { answered, attempt, close } from "./Attempt.js"
import type { ClientBase } from "./Connection.js"

const headersOf = (headers: Readonly<Record<string, string>>): Map<Buffer, Buffer> =>
  new Map(Object.entries(headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))

const toMessage =
  (topic: string) =>
  (r: OutgoingRecord): MessageToProduce =>
    r.headers === undefined
      ? { topic, key: Buffer.from(r.key), value: bytesOf(r.value) }
      : { topic, key: Buffer.from(r.key), value: bytesOf(r.value), headers: headersOf(r.headers) }

/**
 * An idempotent producer for the scope; `publish` returns once every record was acknowledged by all in-sync replicas.
 * Keys go to partitions as kafkajs and the Java client put them (murmur2, sign bit masked), so switching clients keeps
 * every drone on its partition.
 */
export const makePublish = (base: ClientBase) =>
  Effect.gen(function* () {
    const producer = yield* Effect.acquireRelease(
      Effect.sync(
        () =>
          new Producer({
            ...base,
            idempotent: true,
            acks: ProduceAcks.ALL,
            partitioner: compatibilityPartitioner,
            autocreateTopics: false
          })
      ),
      (p) => close("producer close", () => p.close())
    )
    return Effect.fn("KafkaLog.publish")(function* (topic: string, records: ReadonlyArray<OutgoingRecord>) {
      yield* Effect.forEach(
        chunksOf(records, toMessage(topic)),
        (messages) =>
          attempt(`publish to ${topic}`, () => producer.send({ messages })).pipe(
            Effect.mapError((e) =>
              answered(e, "MESSAGE_TOO_LARGE")
                ? new LogError({ operation: e.operation, cause: new RecordTooLarge({ topic, detail: e.message }) })
                : e
            )
          ),
        { discard: true }
      )
    })
  })
