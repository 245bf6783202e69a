// What Kafka holds, read back with kafkajs: end and committed offsets, every record of a topic; cleanup.
import { type IHeaders, Kafka, logLevel } from "kafkajs"
import { kafkaBrokers } from "./Infra.js"
import type { Names } from "./Names.js"
import { sleep } from "./Wait.js"

export const kafka = () =>
  new Kafka({ brokers: [...kafkaBrokers()], clientId: "peacestate-tests", logLevel: logLevel.NOTHING })

const isRetriable = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "retriable" in e && e.retriable === true

/**
 * Run `f` with a connected admin client. A retriable Kafka error (e.g. "This server is not the leader for
 * that topic-partition" while a new topic's leader is being elected on a loaded machine) is tried again,
 * for up to a minute: the tests check what Kafka holds, not how fast its metadata settles.
 */
export const withAdmin = async <A>(
  f: (admin: ReturnType<Kafka["admin"]>) => Promise<A>,
  deadline = Date.now() + 60_000
): Promise<A> => {
  const admin = kafka().admin()
  const attempt = async () => {
    await admin.connect()
    return await f(admin)
  }
  return attempt()
    .catch(async (e: unknown) => {
      if (!isRetriable(e) || Date.now() > deadline) throw e
      await sleep(500)
      return withAdmin(f, deadline)
    })
    .finally(() => admin.disconnect())
}

/** End offsets per partition: what Kafka holds (the topics are never compacted nor trimmed in a test). */
export const endOffsets = (topic: string): Promise<ReadonlyMap<number, number>> =>
  withAdmin(async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])))

export const sumOf = (offsets: ReadonlyMap<number, number>) => [...offsets.values()].reduce((a, b) => a + b, 0)

/** Committed offsets of a group (partitions without one left out). */
export const committedOffsets = (group: string, topic: string): Promise<ReadonlyMap<number, number>> =>
  withAdmin(
    async (admin) =>
      new Map(
        (await admin.fetchOffsets({ groupId: group, topics: [topic] })).flatMap((t) =>
          t.partitions.filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)] as const)
        )
      )
  )

export interface TopicRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: string
}

export interface RawRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: Buffer
  readonly headers: Readonly<Record<string, string>>
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).flatMap(([k, v]) =>
      v === undefined ? [] : [[k, String(Array.isArray(v) ? v.at(-1) : v)]]
    )
  )

/** Every record of a topic up to its current end offsets, as bytes with its headers. */
export const readRawTopic = async (topic: string, timeoutMs = 60_000): Promise<ReadonlyArray<RawRecord>> => {
  const ends = await endOffsets(topic)
  if (sumOf(ends) === 0) return []
  const records: Array<RawRecord> = []
  const consumer = kafka().consumer({
    groupId: `tests-reader-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    maxBytesPerPartition: 8 * 1024 * 1024
  })
  await consumer.connect()
  const next = new Map<number, number>()
  const done = new Promise<void>((resolve) => {
    void consumer.subscribe({ topic, fromBeginning: true }).then(() =>
      consumer.run({
        eachBatch: async ({ batch }) => {
          batch.messages.forEach((m) =>
            records.push({
              partition: batch.partition,
              offset: Number(m.offset),
              key: m.key?.toString("utf8") ?? "",
              value: m.value ?? Buffer.alloc(0),
              headers: headerText(m.headers)
            })
          )
          next.set(batch.partition, Number(batch.lastOffset()) + 1)
          if ([...ends].every(([p, end]) => end === 0 || (next.get(p) ?? 0) >= end)) resolve()
        }
      })
    )
  })
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`reading ${topic}: ${records.length}/${sumOf(ends)} records in ${timeoutMs} ms`)),
      timeoutMs
    ).unref()
  )
  await Promise.race([done, timeout]).finally(() => consumer.disconnect())
  return records.filter((r) => r.offset < (ends.get(r.partition) ?? 0))
}

/** Every record of a topic up to its current end offsets (a throwaway consumer group), as text. */
export const readTopic = async (topic: string, timeoutMs = 60_000): Promise<ReadonlyArray<TopicRecord>> =>
  (await readRawTopic(topic, timeoutMs)).map(({ key, offset, partition, value }) => ({
    partition,
    offset,
    key,
    value: value.toString("utf8")
  }))

/** Delete the test's topics (only those that exist: kafkajs retries a missing one for ~10 s). */
export const deleteTopics = (names: Names) =>
  withAdmin(async (admin) => {
    const existing = new Set(await admin.listTopics())
    const topics = [names.REPORTS_TOPIC, names.ALERTS_TOPIC, names.DLQ_TOPIC].filter((t) => existing.has(t))
    if (topics.length > 0) await admin.deleteTopics({ topics })
  }).catch(() => undefined)

/** Delete every topic whose name starts with `prefix.` (a contract suite's throw-away topics). */
export const deleteTopicsWithPrefix = (prefix: string) =>
  withAdmin(async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`))
    if (topics.length > 0) await admin.deleteTopics({ topics })
  }).catch(() => undefined)
