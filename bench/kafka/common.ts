/** Shared pieces of bench/kafka.ts and its child processes: raw kafkajs clients, data, statistics. */
import { type Consumer, Kafka, logLevel, Partitioners, type Message, type Producer } from "kafkajs"
import { encodeReport } from "../../src/domain/Codec.js"
import { makeGenerator, type SimulationSettings } from "../../src/domain/Generator.js"

export const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092")
  .split(",")
  .map((b) => b.trim())
  .filter((b) => b.length > 0)

export const rawKafka = (clientId: string) => new Kafka({ brokers, clientId, logLevel: logLevel.NOTHING })

/** The same producer settings as KafkaLog's: idempotent, one request in flight, default partitioner, acks=-1 on send. */
export const rawProducer = (kafka: Kafka): Producer =>
  kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner
  })

export const settingsOf = (seed: number, drones: number, alertRatio: number): SimulationSettings => ({
  seed,
  drones,
  startMs: Date.parse("2026-11-02T00:00:00.000Z"),
  alertRatio
})

/** Reports `from`..`from+count-1` as kafkajs messages (key = droneId, value = wire JSON), as the simulator makes them. */
export const messagesOf = (settings: SimulationSettings, from: number, count: number): Array<Message> => {
  const generate = makeGenerator(settings)
  return generate
    .many(Array.from({ length: count }, (_, i) => from + i))
    .map((r) => ({ key: r.droneId, value: encodeReport(r) }))
}

// KafkaLog's chunking: sends whose per-partition record batches stay under the broker's 1 MiB limit.
const MaxSendBytes = 900_000
const RecordOverhead = 64
export const chunkBySize = (messages: ReadonlyArray<Message>): Array<Array<Message>> => {
  const chunks: Array<Array<Message>> = []
  let size = MaxSendBytes
  for (const m of messages) {
    const s = RecordOverhead + String(m.key).length * 3 + Buffer.byteLength(m.value as string)
    if (size + s > MaxSendBytes) {
      chunks.push([m])
      size = s
    } else {
      chunks[chunks.length - 1]!.push(m)
      size += s
    }
  }
  return chunks
}

export const createTopics = async (kafka: Kafka, topics: ReadonlyArray<string>, partitions: number) => {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 }))
  })
  await admin.disconnect()
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!

export const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0
    ? NaN
    : s.length % 2 === 1
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

export const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-")

/**
 * With BENCH_DEBUG=1, count the kafkajs consumer's fetches and batch-processing times in this process (every consumer,
 * including KafkaLog's) and print a summary line on stderr at exit.
 */
export const instrumentConsumers = (label: string) => {
  if (process.env.BENCH_DEBUG !== "1") return
  const fetches: Array<number> = []
  const batches: Array<number> = []
  const sizes: Array<number> = []
  const requests = new Map<string, Array<number>>()
  let cpuAtFirstBatch = process.cpuUsage()
  const request = (e: { payload: { apiName: string; duration: number } }) => {
    const xs = requests.get(e.payload.apiName) ?? []
    xs.push(e.payload.duration)
    requests.set(e.payload.apiName, xs)
  }
  const proto = Kafka.prototype as unknown as {
    consumer: (...args: Array<unknown>) => Consumer
    producer: (...args: Array<unknown>) => Producer
  }
  const original = proto.consumer
  const originalProducer = proto.producer
  proto.producer = function (this: unknown, ...args: Array<unknown>) {
    const p = originalProducer.apply(this, args)
    p.on(p.events.REQUEST, request)
    return p
  }
  proto.consumer = function (this: unknown, ...args: Array<unknown>) {
    const c = original.apply(this, args)
    c.on(c.events.REQUEST, request)
    c.on(c.events.FETCH, (e) => {
      fetches.push(e.payload.duration)
    })
    c.on(c.events.START_BATCH_PROCESS, (e) => {
      if (sizes.length === 0) cpuAtFirstBatch = process.cpuUsage()
      sizes.push(e.payload.batchSize)
    })
    c.on(c.events.END_BATCH_PROCESS, (e) => {
      batches.push(e.payload.duration)
    })
    return c
  }
  const summary = (xs: Array<number>) => {
    const s = [...xs].sort((a, b) => a - b)
    return `n ${s.length} mean ${(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)).toFixed(2)} p50 ${quantile(s, 0.5)} p99 ${quantile(s, 0.99)}`
  }
  process.on("exit", () => {
    process.stderr.write(
      `[${label}] fetch ms: ${summary(fetches)} | batch ms: ${summary(batches)} | batch size: ${summary(sizes)} | cpu since the first batch ${((process.cpuUsage(cpuAtFirstBatch).user + process.cpuUsage(cpuAtFirstBatch).system) / 1000).toFixed(0)} ms | requests ${[
        ...requests
      ]
        .filter(([, xs]) => xs.length > 20)
        .map(([api, xs]) => `${api} ${summary(xs)}`)
        .join("; ")}\n`
    )
  })
}

/** Round `round` of a side-by-side comparison: A then B, swapped every other round so neither always runs warmer. */
/** Run every contender once per round, each round starting one further along, so none always goes first. */
export const rotate = async (round: number, contenders: ReadonlyArray<() => Promise<unknown>>): Promise<void> => {
  for (let i = 0; i < contenders.length; i++) await contenders[(round + i) % contenders.length]!()
}

export const alternate = async (round: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<void> => {
  const [first, second] = round % 2 === 0 ? [a, b] : [b, a]
  await first()
  await second()
}
