import type { ConsumerConfig, RetryOptions } from "kafkajs"
import type { KafkaTuning } from "./Tuning.js"

/**
 * kafkajs' consumer settings. A crash (our handler failing, or kafkajs giving up after its retries) ends `consume`:
 * no silent restart, except while `restartable` says so (before the first join).
 */
export const consumerConfig = (
  groupId: string,
  tuning: KafkaTuning,
  retry: RetryOptions,
  restartable: () => boolean
): ConsumerConfig => ({
  groupId,
  sessionTimeout: tuning.sessionTimeout,
  rebalanceTimeout: tuning.rebalanceTimeout,
  heartbeatInterval: tuning.heartbeatInterval,
  maxBytesPerPartition: tuning.maxBytesPerPartition,
  maxBytes: tuning.maxBytes,
  minBytes: 1,
  maxWaitTimeInMs: tuning.maxWaitTimeInMs,
  allowAutoTopicCreation: false,
  retry: { ...retry, restartOnFailure: () => Promise.resolve(restartable()) }
})
