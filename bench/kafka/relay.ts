/**
 * Child process of bench/kafka.ts (alert latency baseline): a plain kafkajs consume → rule → produce
 * relay with KafkaLog's fetch and producer settings, publishing one alert per (report, citizen < 20)
 * per batch (acks=-1), resolving offsets per batch and committing per batch (as the alerter does)
 * unless `commit` is false. Runs until SIGTERM. Argument: JSON {reportsTopic, alertsTopic, group, commit, maxWaitTimeInMs}.
 */
import { instrumentConsumers, rawKafka, rawProducer } from "./common.js"

const o = JSON.parse(process.argv[2] ?? "{}") as {
  reportsTopic: string
  alertsTopic: string
  group: string
  commit?: boolean
  maxWaitTimeInMs?: number
}
instrumentConsumers("raw")

const kafka = rawKafka("bench-relay")
const producer = rawProducer(kafka)
const consumer = kafka.consumer({
  groupId: o.group,
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  maxBytesPerPartition: 4 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024,
  minBytes: 1,
  maxWaitTimeInMs: o.maxWaitTimeInMs ?? 100
})

interface Wire {
  reportId: string
  droneId: string
  timestamp: string
  location: unknown
  citizens: Array<{ name: string; peacescore: number }>
}

await producer.connect()
await consumer.connect()
await consumer.subscribe({ topic: o.reportsTopic, fromBeginning: true })
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    const detectedAt = new Date().toISOString()
    const alerts: Array<{ key: string; value: string }> = []
    for (const m of batch.messages) {
      const r = JSON.parse(m.value!.toString("utf8")) as Wire
      r.citizens.forEach((c, i) => {
        if (c.peacescore < 20) {
          alerts.push({
            key: r.droneId,
            value: JSON.stringify({
              alertId: `${r.reportId}/${i}`,
              reportId: r.reportId,
              droneId: r.droneId,
              timestamp: r.timestamp,
              location: r.location,
              citizen: c.name,
              peacescore: c.peacescore,
              detectedAt
            })
          })
        }
      })
    }
    if (alerts.length > 0) await producer.send({ topic: o.alertsTopic, messages: alerts, acks: -1 })
    const last = batch.messages.at(-1)
    if (last !== undefined) {
      resolveOffset(last.offset)
      if (o.commit !== false)
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(Number(last.offset) + 1) }
        ])
    }
    await heartbeat()
  }
})

const stop = () => {
  void consumer
    .disconnect()
    .then(() => producer.disconnect())
    .finally(() => process.exit(0))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
