/** `peacestate/kafka`: the Kafka adapter of the `MessageLog` port (`KafkaLog.layer`, `KafkaLog.layerWith`). Loads `kafkajs`. */
export * as KafkaLog from "../adapters/KafkaLog.js"
