/**
 * What every Kafka benchmark shares: our code from the build (or src/), the run's parameters and names, an
 * admin client, and the topic pre-producer. Imported once by bench/kafka.ts; the sections import it too.
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { Logger, LogLevel } from "effect"
import type * as KafkaLogModule from "../../src/adapters/KafkaLog.js"
import type * as AlertSinksModule from "../../src/adapters/AlertSinks.js"
import type * as AlerterModule from "../../src/alerter/Alerter.js"
import type * as MainModule from "../../src/cli/Main.js"
import type * as MetricsModule from "../../src/ops/Metrics.js"
import type * as RunningModule from "../../src/ops/Running.js"
import type * as SettingsModule from "../../src/config/Settings.js"
import type { Names } from "../../src/config/Names.js"
import { chunkBySize, createTopics, fmt, messagesOf, rawKafka, rawProducer, settingsOf } from "./common.js"

// What runs in production is the tsc build (bin/peacestate.js → dist/). Under tsx, esbuild's keepNames wraps every
// closure created per call in `__name(…)` (an Object.defineProperty), which makes hot paths such as decodeReport about
// 2× slower than the built code: so the contenders come from dist/ (built first), unless `src` is given.
export const useSrc = process.argv.slice(2).includes("src")
/** Where our code is, relative to this folder (bench/kafka/), as the alerter child takes it too. */
export const root = useSrc ? "../../src" : "../../dist/src"
if (!useSrc) {
  const build = spawnSync("npm", ["run", "build"], { encoding: "utf8" })
  if (build.status !== 0) {
    if (!existsSync("dist/src/alerter/Alerter.js"))
      throw new Error(`npm run build failed and there is no dist/: ${build.stdout}${build.stderr}`)
    console.log(
      `(npm run build reported errors; tsc still emitted dist/, measuring that: ${(build.stdout + build.stderr).trim().split("\n").slice(-3).join(" | ")})`
    )
  }
}
export const KafkaLog = (await import(`${root}/adapters/KafkaLog.js`)) as typeof KafkaLogModule
export const { streamSink } = (await import(`${root}/adapters/AlertSinks.js`)) as typeof AlertSinksModule
export const { Alerter, AlerterLive } = (await import(`${root}/alerter/Alerter.js`)) as typeof AlerterModule
export const { peacestate } = (await import(`${root}/cli/Main.js`)) as typeof MainModule
export const Metrics = (await import(`${root}/ops/Metrics.js`)) as typeof MetricsModule
export const { launch, StopWhenIdle } = (await import(`${root}/ops/Running.js`)) as typeof RunningModule
export const { withSettings } = (await import(`${root}/config/Settings.js`)) as typeof SettingsModule

// The AWS SDK warns once per process that future versions need node >= 22: noise in this table.
const emitWarning = process.emitWarning.bind(process)
process.emitWarning = ((warning: string | Error, ...rest: Array<unknown>) => {
  if (String(typeof warning === "string" ? (rest[0] ?? warning) : warning.name).includes("NodeVersionSupportWarning"))
    return
  ;(emitWarning as (...args: Array<unknown>) => void)(warning, ...rest)
}) as typeof process.emitWarning

export const quick = process.argv.slice(2).includes("quick")
export const only = process.argv
  .slice(2)
  .filter((a) => /^[1-4]$/.test(a))
  .map(Number)
export const runs = (section: number) => only.length === 0 || only.includes(section)
export const P = {
  throughputReports: quick ? 50_000 : 200_000,
  throughputRounds: quick ? 2 : 3,
  latencySeconds: Number(process.env.BENCH_LATENCY_SECONDS ?? (quick ? 15 : 60)),
  latencyWarmupSeconds: 3,
  latencyRates: [1_000, 5_000],
  latencyAlertRatio: 0.2,
  simulateReports: quick ? 50_000 : 200_000,
  simulateRounds: quick ? 2 : 3,
  archiveRounds: quick ? 1 : 2,
  drones: 500,
  // drones of the shared pre-produced topic (sections 1 and 4): an archive file holds one partition's share of one hour
  // (drones × 60 / 6 reports), so the quick run's 50,000 reports need fewer drones to span several hours
  sharedDrones: quick ? 200 : 500,
  partitions: 6
}
export const run = `bench.kafka.${Date.now().toString(36)}`
export const kafka = rawKafka("bench-kafka")
export const quiet = Logger.withMinimumLogLevel(LogLevel.Warning)
export const s3 =
  process.env.S3_ENDPOINT !== undefined
    ? { endpoint: process.env.S3_ENDPOINT, bucket: process.env.S3_BUCKET ?? "peacestate" }
    : undefined

export const rate = (n: number, ms: number) => `${fmt((n / ms) * 1000)}/s`
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`
export const out = (line: string) => console.log(line)

export const admin = kafka.admin()
await admin.connect()
export const endTotal = async (topic: string) =>
  (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0)
export const committedTotal = async (topic: string, group: string) =>
  (await admin.fetchOffsets({ groupId: group, topics: [topic] }))
    .flatMap((t) => t.partitions)
    .reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)

/** Produce `n` simulated reports into a fresh topic with a raw producer (setup, not timed). */
export const preProduce = async (topic: string, n: number, alertRatio: number, drones: number) => {
  await createTopics(kafka, [topic], P.partitions)
  const producer = rawProducer(kafka)
  await producer.connect()
  const settings = settingsOf(7, drones, alertRatio)
  for (let from = 0; from < n; from += 2000) {
    for (const messages of chunkBySize(messagesOf(settings, from, Math.min(2000, n - from))))
      await producer.send({ topic, messages, acks: -1 })
  }
  await producer.disconnect()
  const end = await endTotal(topic)
  if (end !== n) throw new Error(`pre-produce: ${topic} holds ${end} records, expected ${n}`)
}

export const consumerSettings = {
  sessionTimeout: KafkaLog.defaultTuning.sessionTimeout,
  rebalanceTimeout: KafkaLog.defaultTuning.rebalanceTimeout,
  heartbeatInterval: KafkaLog.defaultTuning.heartbeatInterval,
  maxBytesPerPartition: KafkaLog.defaultTuning.maxBytesPerPartition,
  maxBytes: KafkaLog.defaultTuning.maxBytes,
  maxWaitTimeInMs: KafkaLog.defaultTuning.maxWaitTimeInMs,
  minBytes: 1
}

export const namesFor = (tag: string): Names => ({
  reportsTopic: `${run}.${tag}.reports`,
  alertsTopic: `${run}.${tag}.alerts`,
  dlqTopic: `${run}.${tag}.dlq`,
  alerterGroup: `${run}.${tag}.alerter`,
  archiverGroup: `${run}.${tag}.archiver`,
  consoleGroup: `${run}.${tag}.console`,
  partitions: P.partitions
})

export const sharedTopic = `${run}.reports`
