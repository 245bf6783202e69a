// The MessageLog contract once more for each client, over the broker's SASL_SSL listener (SCRAM-SHA-512, the test CA),
// the adapter configured the way a deployment configures it: KAFKA_CLIENT, KAFKA_SSL, KAFKA_SSL_CA and KAFKA_SASL_*
// through Config.
import { afterAll } from "@effect/vitest"
import { ConfigProvider, Layer } from "effect"
import * as KafkaLog from "../../src/adapters/KafkaLog.js"
import { deleteTopicsWithPrefix } from "../support/Kafka.js"
import { kafkaBrokers, secureKafka } from "../support/Infra.js"
import { messageLogContract } from "./MessageLogContract.js"

const secure = secureKafka()
const skip = typeof secure === "string" ? secure : undefined

const settings = (client: KafkaLog.KafkaClient, s: Exclude<typeof secure, string>): Map<string, string> =>
  new Map([
    ["KAFKA_CLIENT", client],
    ["KAFKA_BROKERS", s.sslBrokers],
    ["KAFKA_CLIENT_ID", "peacestate-contract-secure"],
    ["KAFKA_SESSION_TIMEOUT_MS", "6000"],
    ["KAFKA_REBALANCE_TIMEOUT_MS", "5000"],
    ["KAFKA_HEARTBEAT_INTERVAL_MS", "300"],
    ["KAFKA_SSL", "true"],
    ["KAFKA_SSL_CA", s.caFile],
    ["KAFKA_SASL_MECHANISM", "scram-sha-512"],
    ["KAFKA_SASL_USERNAME", s.username],
    ["KAFKA_SASL_PASSWORD", s.password]
  ])

const runPrefixes = KafkaLog.KafkaClients.map((client) =>
  messageLogContract(
    `Kafka (${client}) over SASL_SSL (SCRAM-SHA-512)`,
    typeof secure === "string"
      ? KafkaLog.layerWith(kafkaBrokers())
      : KafkaLog.layer.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(settings(client, secure))))),
    { skip, prefix: `contract.kafka-secure-${client}`, timeout: "60 seconds" }
  )
)

afterAll(async () => {
  if (skip === undefined) await Promise.all(runPrefixes.map(deleteTopicsWithPrefix))
}, 60_000)
