import { Config } from "effect"

/** Group-membership and fetch settings; the defaults suit production, tests lower the timeouts. */
export interface KafkaTuning {
  readonly clientId: string
  readonly sessionTimeout: number
  readonly rebalanceTimeout: number
  readonly heartbeatInterval: number
  /** kafkajs retries of one operation (connect, fetch loop, commit) before `consume` fails. */
  readonly retries: number
  readonly maxWaitTimeInMs: number
  readonly maxBytesPerPartition: number
  readonly maxBytes: number
}

export const defaultTuning: KafkaTuning = {
  clientId: "peacestate",
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  retries: 8,
  maxWaitTimeInMs: 100,
  maxBytesPerPartition: 4 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024
}

/** The client's retry policy for one operation. */
export const retryOf = (tuning: KafkaTuning) => ({
  retries: tuning.retries,
  initialRetryTime: 300,
  maxRetryTime: 30_000
})

/** The brokers and tuning from the environment (see KafkaLog.layer). */
export const TuningConfig = Config.all({
  brokers: Config.withDefault(Config.string("KAFKA_BROKERS"), "127.0.0.1:9092"),
  clientId: Config.withDefault(Config.string("KAFKA_CLIENT_ID"), defaultTuning.clientId),
  sessionTimeout: Config.withDefault(Config.integer("KAFKA_SESSION_TIMEOUT_MS"), defaultTuning.sessionTimeout),
  rebalanceTimeout: Config.withDefault(Config.integer("KAFKA_REBALANCE_TIMEOUT_MS"), defaultTuning.rebalanceTimeout),
  heartbeatInterval: Config.withDefault(Config.integer("KAFKA_HEARTBEAT_INTERVAL_MS"), defaultTuning.heartbeatInterval)
})
