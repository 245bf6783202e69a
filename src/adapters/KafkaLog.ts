// The MessageLog on Kafka, through either client: kafkajs (adapters/kafka, the default) or @platformatic/kafka
// (adapters/platformatic): the admin client, producer and per-call consumer, for the layer's life. KAFKA_CLIENT picks
// one; why kafkajs stays the default is measured in BENCHMARKS.md ("Choosing the Kafka client").
import { Config, type ConfigError, Effect, Layer } from "effect"
import { Kafka, logLevel } from "kafkajs"
import { type LogError, MessageLog } from "../ports/MessageLog.js"
import { makeAdmin } from "./kafka/Admin.js"
import { makeConsume } from "./kafka/Consumer.js"
import { logCreatorOf } from "./kafka/Logging.js"
import { makePublish } from "./kafka/Producer.js"
import { clientSecurity, type KafkaSecurity, noSecurity, SecurityConfig } from "./kafka/Security.js"
import { defaultTuning, type KafkaTuning, retryOf, TuningConfig } from "./kafka/Tuning.js"

export { type KafkaSecurity, noSecurity, SecurityConfig } from "./kafka/Security.js"
export { defaultTuning, type KafkaTuning } from "./kafka/Tuning.js"

/** The Kafka clients behind the port; the first is the default. */
export const KafkaClients = ["kafkajs", "platformatic"] as const
export type KafkaClient = (typeof KafkaClients)[number]

/** `KAFKA_CLIENT`: kafkajs (default) or platformatic. */
export const ClientConfig: Config.Config<KafkaClient> = Config.withDefault(
  Config.literal(...KafkaClients)("KAFKA_CLIENT"),
  "kafkajs"
)

/** kafkajs: an admin client and a producer for the layer's life; a consumer per `consume`. */
const make = (brokers: ReadonlyArray<string>, tuning: KafkaTuning, security: KafkaSecurity) =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const retry = retryOf(tuning)
    const kafka = new Kafka({
      ...(yield* clientSecurity(security)),
      brokers: [...brokers],
      clientId: tuning.clientId,
      logLevel: logLevel.INFO,
      logCreator: logCreatorOf(runtime),
      retry
    })
    const admin = yield* makeAdmin(kafka, retry)
    const publish = yield* makePublish(kafka, retry)
    const consume = makeConsume({ kafka, tuning, retry, admin, runtime })
    const { committedOffsets, endOffsets, ensureTopic } = admin
    return MessageLog.of({ ensureTopic, publish, consume, endOffsets, committedOffsets })
  })

/** The message log on Kafka brokers through kafkajs, for tests and tools that pick the brokers themselves. */
export const layerWith = (
  brokers: ReadonlyArray<string>,
  tuning: Partial<KafkaTuning> = {},
  security: KafkaSecurity = noSecurity
): Layer.Layer<MessageLog, LogError> =>
  Layer.scoped(MessageLog, make(brokers, { ...defaultTuning, ...tuning }, security))

/** The message log on Kafka brokers through the given client. */
export const layerFor = (
  client: KafkaClient,
  brokers: ReadonlyArray<string>,
  tuning: Partial<KafkaTuning> = {},
  security: KafkaSecurity = noSecurity
): Layer.Layer<MessageLog, LogError> =>
  client === "kafkajs"
    ? layerWith(brokers, tuning, security)
    : // Loaded only when chosen: importing this module loads kafkajs and nothing of the other client.
      Layer.unwrapEffect(
        Effect.map(
          Effect.promise(() => import("./PlatformaticLog.js")),
          (PlatformaticLog) => PlatformaticLog.layerWith(brokers, tuning, security)
        )
      )

/**
 * The message log on Kafka, connected on build and disconnected on release: `KAFKA_CLIENT` (kafkajs or platformatic),
 * `KAFKA_BROKERS` (comma-separated, default 127.0.0.1:9092), `KAFKA_CLIENT_ID` (peacestate), and the group timeouts
 * `KAFKA_SESSION_TIMEOUT_MS`, `KAFKA_REBALANCE_TIMEOUT_MS`, `KAFKA_HEARTBEAT_INTERVAL_MS` (tests lower them for fast
 * rebalances), and TLS/SASL (see SecurityConfig).
 */
export const layer: Layer.Layer<MessageLog, LogError | ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(Config.all([ClientConfig, TuningConfig, SecurityConfig]), ([client, { brokers, ...tuning }, security]) =>
    layerFor(
      client,
      brokers
        .split(",")
        .map((b) => b.trim())
        .filter((b) => b.length > 0),
      tuning,
      security
    )
  )
)
