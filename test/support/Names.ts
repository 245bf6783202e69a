// Names of one test run (topics, groups, S3 prefix) and the consumer-group timing of the fault tests.

/** Topic, group and S3 prefix names of one test run, as the environment of its CLI processes. */
export const uniqueNames = (tag: string, partitions = 6) => {
  const id = `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`
  return {
    REPORTS_TOPIC: `dist.${id}.reports`,
    ALERTS_TOPIC: `dist.${id}.alerts`,
    DLQ_TOPIC: `dist.${id}.dlq`,
    ALERTER_GROUP: `dist.${id}.alerter`,
    ARCHIVER_GROUP: `dist.${id}.archiver`,
    S3_PREFIX: `test-runs/${id}`,
    TOPIC_PARTITIONS: String(partitions)
  }
}
export type Names = ReturnType<typeof uniqueNames>

/**
 * Consumer-group timing for tests (read by src/adapters/KafkaLog.ts): a dead member is noticed after 6 s
 * (the broker's group.min.session.timeout.ms) instead of 30 s, and a rebalance waits at most 10 s for members.
 */
export const FastGroups: Readonly<Record<string, string>> = {
  KAFKA_SESSION_TIMEOUT_MS: "6000",
  KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
  KAFKA_REBALANCE_TIMEOUT_MS: "10000"
}
