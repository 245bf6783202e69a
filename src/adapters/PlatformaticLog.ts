// The MessageLog on Kafka through @platformatic/kafka: an admin client and a producer for the layer's life, a consumer
// per `consume` call. The same settings as the kafkajs adapter (KafkaLog), the same contract.
import { Effect, Layer } from "effect"
import { type LogError, MessageLog } from "../ports/MessageLog.js"
import type { KafkaSecurity } from "./kafka/Security.js"
import { noSecurity } from "./kafka/Security.js"
import { defaultTuning, type KafkaTuning } from "./kafka/Tuning.js"
import { makeAdmin } from "./platformatic/Admin.js"
import { clientBase } from "./platformatic/Connection.js"
import { makeConsume } from "./platformatic/Consumer.js"
import { makePublish } from "./platformatic/Producer.js"

export const make = (brokers: ReadonlyArray<string>, tuning: KafkaTuning, security: KafkaSecurity) =>
  Effect.gen(function* () {
    const base = yield* clientBase(brokers, tuning, security)
    const admin = yield* makeAdmin(base)
    const publish = yield* makePublish(base)
    const consume = makeConsume({ base, tuning, admin })
    const { committedOffsets, endOffsets, ensureTopic } = admin
    return MessageLog.of({ ensureTopic, publish, consume, endOffsets, committedOffsets })
  })

/** The message log on Kafka brokers through @platformatic/kafka, for tests and tools that pick the brokers themselves. */
export const layerWith = (
  brokers: ReadonlyArray<string>,
  tuning: Partial<KafkaTuning> = {},
  security: KafkaSecurity = noSecurity
): Layer.Layer<MessageLog, LogError> =>
  Layer.scoped(MessageLog, make(brokers, { ...defaultTuning, ...tuning }, security))
