/**
 * Distributed-mode benchmarks on the real Kafka and S3 (`npm run infra:up`, then `eval "$(bash infra/infra.sh env)"`),
 * each contender side by side with a plain kafkajs baseline in the same run, interleaved (ratios and medians matter;
 * absolute numbers on a shared 2-core machine don't):
 *  1. alerter throughput: `runAlerter` (KafkaLog, stream sink) vs a raw kafkajs consumer that only parses and checks
 *  2. alert latency at a sustained rate: report sent → alert published (its CreateTime) / → received downstream
 *  3. `simulate --to kafka` (the CLI command, in process) vs a raw kafkajs producer of the same, pre-generated messages
 *  4. archiver to S3 (the CLI `archive` command as child processes), one vs two instances
 *
 *   node --import tsx bench/kafka.ts [quick] [src] [1 2 3 4]
 *     quick: ≈ 1½ min instead of ≈ 5; src: measure src/ through tsx instead of the build; digits: only those sections
 *   env (experiments): BENCH_DEBUG=1 prints, per latency contender, kafkajs fetch/batch/request timings and its CPU;
 *     BENCH_LATENCY_SECONDS=N; BENCH_LATENCY_EXTRA='[{"label":"…","tuning":{"maxWaitTimeInMs":10}},{"label":"…","root":"../other-build/src"}]'
 *     adds alerter contenders with another KafkaLog tuning or another build to section 2.
 *
 * Every run uses fresh topics and groups named bench.kafka.<run>.*, deleted at the end (and its S3 prefixes).
 */
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3"
import { Effect, Logger, LogLevel, Option, Ref } from "effect"
import type { Consumer, EachBatchPayload } from "kafkajs"
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { cpus, loadavg } from "node:os"
import type * as KafkaLogModule from "../src/adapters/KafkaLog.js"
import type * as AlertSinksModule from "../src/adapters/AlertSinks.js"
import type * as AlerterModule from "../src/alerter/Alerter.js"
import type * as MainModule from "../src/cli/Main.js"
import type * as CountersModule from "../src/util/Counters.js"
import type { KafkaTuning } from "../src/adapters/KafkaLog.js"
import type { Names } from "../src/config/Names.js"
import { makeGenerator } from "../src/domain/Generator.js"
import { encodeReport } from "../src/domain/Codec.js"
import { brokers, chunkBySize, createTopics, fmt, median, messagesOf, quantile, rawKafka, rawProducer, settingsOf, sleep } from "./kafka/common.js"

// What runs in production is the tsc build (bin/peacestate.js → dist/). Under tsx, esbuild's keepNames wraps every
// closure created per call in `__name(…)` (an Object.defineProperty), which makes hot paths such as decodeReport about
// 2× slower than the built code: so the contenders come from dist/ (built first), unless `src` is given.
const useSrc = process.argv.slice(2).includes("src")
const root = useSrc ? "../src" : "../dist/src"
if (!useSrc) {
  const build = spawnSync("npm", ["run", "build"], { encoding: "utf8" })
  if (build.status !== 0) {
    if (!existsSync("dist/src/alerter/Alerter.js")) throw new Error(`npm run build failed and there is no dist/: ${build.stdout}${build.stderr}`)
    console.log(`(npm run build reported errors; tsc still emitted dist/, measuring that: ${(build.stdout + build.stderr).trim().split("\n").slice(-3).join(" | ")})`)
  }
}
const KafkaLog = (await import(`${root}/adapters/KafkaLog.js`)) as typeof KafkaLogModule
const { streamSink } = (await import(`${root}/adapters/AlertSinks.js`)) as typeof AlertSinksModule
const { runAlerter } = (await import(`${root}/alerter/Alerter.js`)) as typeof AlerterModule
const { peacestate } = (await import(`${root}/cli/Main.js`)) as typeof MainModule
const { makeCounters } = (await import(`${root}/util/Counters.js`)) as typeof CountersModule

// The AWS SDK warns once per process that future versions need node >= 22: noise in this table.
const emitWarning = process.emitWarning.bind(process)
process.emitWarning = ((warning: string | Error, ...rest: Array<unknown>) => {
  if (String(typeof warning === "string" ? rest[0] ?? warning : warning.name).includes("NodeVersionSupportWarning")) return
  ;(emitWarning as (...args: Array<unknown>) => void)(warning, ...rest)
}) as typeof process.emitWarning

const quick = process.argv.slice(2).includes("quick")
const only = process.argv.slice(2).filter((a) => /^[1-4]$/.test(a)).map(Number)
const runs = (section: number) => only.length === 0 || only.includes(section)
const P = {
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
const run = `bench.kafka.${Date.now().toString(36)}`
const kafka = rawKafka("bench-kafka")
const quiet = Logger.withMinimumLogLevel(LogLevel.Warning)
const s3 = process.env.S3_ENDPOINT !== undefined ? { endpoint: process.env.S3_ENDPOINT, bucket: process.env.S3_BUCKET ?? "peacestate" } : undefined

const rate = (n: number, ms: number) => `${fmt((n / ms) * 1000)}/s`
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const out = (line: string) => console.log(line)

// ---------------------------------------------------------------------------------------------------------------
const cpu = cpus()
out(`kafka benchmark (${quick ? "quick" : "full"}): ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}), node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`)
out(`command: node --import tsx bench/kafka.ts${process.argv.length > 2 ? " " + process.argv.slice(2).join(" ") : ""}   (brokers ${brokers.join(",")}, S3 ${s3?.endpoint ?? "none"}, run ${run})`)
out(`our code: ${useSrc ? "src/ through tsx (esbuild keepNames: hot paths ~2× slower than the build)" : "dist/ from `npm run build`, as bin/peacestate.js runs it"}; other processes share the broker and the cores: compare the ratios of each interleaved pair, not absolute numbers.`)

const admin = kafka.admin()
await admin.connect()
const endTotal = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0)
const committedTotal = async (topic: string, group: string) =>
  (await admin.fetchOffsets({ groupId: group, topics: [topic] })).flatMap((t) => t.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)

/** Produce `n` simulated reports into a fresh topic with a raw producer (setup, not timed). */
const preProduce = async (topic: string, n: number, alertRatio: number, drones: number) => {
  await createTopics(kafka, [topic], P.partitions)
  const producer = rawProducer(kafka)
  await producer.connect()
  const settings = settingsOf(7, drones, alertRatio)
  for (let from = 0; from < n; from += 2000) {
    for (const messages of chunkBySize(messagesOf(settings, from, Math.min(2000, n - from)))) await producer.send({ topic, messages, acks: -1 })
  }
  await producer.disconnect()
  const end = await endTotal(topic)
  if (end !== n) throw new Error(`pre-produce: ${topic} holds ${end} records, expected ${n}`)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Alerter throughput
interface Throughput { ms: number; fromFirstMs: number; alerts: number }

const consumerSettings = {
  sessionTimeout: KafkaLog.defaultTuning.sessionTimeout,
  rebalanceTimeout: KafkaLog.defaultTuning.rebalanceTimeout,
  heartbeatInterval: KafkaLog.defaultTuning.heartbeatInterval,
  maxBytesPerPartition: KafkaLog.defaultTuning.maxBytesPerPartition,
  maxBytes: KafkaLog.defaultTuning.maxBytes,
  maxWaitTimeInMs: KafkaLog.defaultTuning.maxWaitTimeInMs,
  minBytes: 1
}

/** Raw kafkajs: eachBatch, JSON.parse every value, count reports with a citizen below 20; kafkajs auto-commit; publishes nothing. */
const rawConsume = async (topic: string, total: number, group: string): Promise<Throughput> => {
  const t0 = performance.now()
  let first = 0
  let count = 0
  let alerts = 0
  const consumer: Consumer = kafka.consumer({ groupId: group, ...consumerSettings })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const doneAt = await new Promise<number>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
          if (first === 0) first = performance.now()
          for (const m of batch.messages) {
            const r = JSON.parse(m.value!.toString("utf8")) as { citizens: Array<{ peacescore: number }> }
            if (r.citizens.some((c) => c.peacescore < 20)) alerts++
          }
          count += batch.messages.length
          resolveOffset(batch.messages.at(-1)!.offset)
          await heartbeat()
          if (count >= total) resolve(performance.now())
        }
      })
      .catch(reject)
  })
  await consumer.disconnect()
  return { ms: doneAt - t0, fromFirstMs: doneAt - first, alerts }
}

/** Ours: runAlerter on KafkaLog.layerWith(brokers) (default tuning) with the stream sink to an alerts topic, stopWhenIdle. */
const oursAlert = async (topic: string, total: number, names: Names, tuning: Partial<KafkaTuning> = {}): Promise<Throughput> => {
  const counters = Effect.runSync(makeCounters)
  const t0 = performance.now()
  let first = 0
  let doneAt = 0
  const watch = setInterval(() => {
    const n = Effect.runSync(Ref.get(counters.recordsIn))
    if (n > 0 && first === 0) first = performance.now()
    if (n >= total && doneAt === 0) doneAt = performance.now()
  }, 2)
  await Effect.runPromise(
    runAlerter({ names: { ...names, reportsTopic: topic }, threshold: 20, idleExit: Option.none(), stopWhenIdle: Effect.succeed(true), counters }).pipe(
      Effect.provide(streamSink(names.alertsTopic)),
      Effect.provide(KafkaLog.layerWith(brokers, tuning)),
      quiet
    )
  )
  clearInterval(watch)
  const n = Effect.runSync(Ref.get(counters.recordsIn))
  if (n !== total) throw new Error(`alerter read ${n} records, expected ${total}`)
  if (doneAt === 0) doneAt = performance.now()
  return { ms: doneAt - t0, fromFirstMs: doneAt - first, alerts: Effect.runSync(Ref.get(counters.alerts)) }
}

const namesFor = (tag: string): Names => ({
  reportsTopic: `${run}.${tag}.reports`,
  alertsTopic: `${run}.${tag}.alerts`,
  dlqTopic: `${run}.${tag}.dlq`,
  alerterGroup: `${run}.${tag}.alerter`,
  archiverGroup: `${run}.${tag}.archiver`,
  partitions: P.partitions
})

const sharedTopic = `${run}.reports`
const needShared = runs(1) || runs(4)
if (needShared) {
  const t = performance.now()
  await preProduce(sharedTopic, P.throughputReports, 0.01, P.sharedDrones)
  out(`\nsetup: ${fmt(P.throughputReports)} reports (${P.sharedDrones} drones, alert ratio 0.01) pre-produced into ${sharedTopic} (${P.partitions} partitions) in ${secs(performance.now() - t)}`)
}

if (runs(1)) {
  const n = P.throughputReports
  const raw: Array<Throughput> = []
  const ours: Array<Throughput> = []
  out(`\n1. alerter throughput, ${fmt(n)} reports, ${P.partitions} partitions, fresh group each, ${P.throughputRounds} interleaved rounds (median):`)
  for (let r = 0; r < P.throughputRounds; r++) {
    const names = namesFor(`thr${r}`)
    await createTopics(kafka, [names.alertsTopic, names.dlqTopic], P.partitions)
    const a = async () => raw.push(await rawConsume(sharedTopic, n, `${run}.thr${r}.raw`))
    const b = async () => ours.push(await oursAlert(sharedTopic, n, names))
    // A, B, A, B… with the order swapped every other round so that neither always runs on a warmer broker cache
    if (r % 2 === 0) { await a(); await b() } else { await b(); await a() }
    const published = await endTotal(names.alertsTopic)
    out(`  round ${r + 1}: raw ${secs(raw[r]!.ms)} (${rate(n, raw[r]!.ms)}), ours ${secs(ours[r]!.ms)} (${rate(n, ours[r]!.ms)}) → ${(raw[r]!.ms / ours[r]!.ms).toFixed(2)}×; ours published ${fmt(published)} alerts (${fmt(ours[r]!.alerts)} counted), raw found ${fmt(raw[r]!.alerts)} alerting reports and published none`)
  }
  const ratios = raw.map((x, i) => x.ms / ours[i]!.ms)
  const ratiosFirst = raw.map((x, i) => x.fromFirstMs / ours[i]!.fromFirstMs)
  out(`   ours   runAlerter + KafkaLog (default tuning) + stream sink → alerts topic, commit per batch   ${rate(n, median(ours.map((x) => x.ms))).padStart(10)}  (from first batch: ${rate(n, median(ours.map((x) => x.fromFirstMs)))})`)
  out(`   raw    kafkajs eachBatch, JSON.parse + citizens.some(peacescore < 20), auto-commit, no publish  ${rate(n, median(raw.map((x) => x.ms))).padStart(10)}  (from first batch: ${rate(n, median(raw.map((x) => x.fromFirstMs)))})`)
  out(`   ratio ours/raw: ${median(ratios).toFixed(2)}× median of [${ratios.map((x) => x.toFixed(2)).join(", ")}]  (goal ≥ 0.8×); from first batch ${median(ratiosFirst).toFixed(2)}×  (timed: connect → every record handled)`)
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Alert latency
interface Contender { readonly label: string; readonly kind: "ours" | "raw"; readonly tuning?: Partial<KafkaTuning>; readonly root?: string }
interface Latency { readonly label: string; readonly alerts: number; readonly createP: Array<number>; readonly recvP: Array<number>; readonly detectP: Array<number> }

const spawnTsx = (args: ReadonlyArray<string>) => spawn(process.execPath, ["--import", "tsx", ...args], { stdio: ["ignore", "ignore", "pipe"] })

const waitForGroup = async (group: string, timeoutMs: number) => {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const g = (await admin.describeGroups([group])).groups[0]
    if (g !== undefined && g.state === "Stable" && g.members.length > 0) return
    await sleep(100)
  }
  throw new Error(`group ${group} did not become stable in ${timeoutMs} ms`)
}

/**
 * One paced producer; every contender (a child process) consumes the same reports topic at the same time with
 * its own group and publishes to its own alerts topic, so they all see the same load and the same machine noise.
 */
const latencyRun = async (ratePerSec: number, seconds: number, contenders: ReadonlyArray<Contender>): Promise<Array<Latency>> => {
  const tag = `lat${ratePerSec}.${Date.now().toString(36)}`
  const reportsTopic = `${run}.${tag}.reports`
  const each = contenders.map((c, i) => ({ ...c, names: { ...namesFor(`${tag}.c${i}`), reportsTopic } }))
  await createTopics(kafka, [reportsTopic, ...each.flatMap((c) => [c.names.alertsTopic, c.names.dlqTopic])], P.partitions)
  const children = each.map((c) => {
    const child =
      c.kind === "ours"
        ? spawnTsx(["bench/kafka/alerter.ts", JSON.stringify({ root: `../${c.root ?? root}`, names: c.names, tuning: c.tuning ?? {} })])
        : spawnTsx(["bench/kafka/relay.ts", JSON.stringify({ reportsTopic, alertsTopic: c.names.alertsTopic, group: c.names.alerterGroup })])
    const log = { text: "" }
    child.stderr.on("data", (d: Buffer) => { log.text += d.toString() })
    return { child, log, exited: new Promise<number | null>((resolve) => child.on("exit", resolve)) }
  })

  // The downstream reader of every alerts topic: arrival time of each alert.
  const sentAt = new Map<string, number>()
  const results = new Map(each.map((c) => [c.names.alertsTopic, { label: c.label, alerts: 0, createP: [] as Array<number>, recvP: [] as Array<number>, detectP: [] as Array<number> }]))
  let measureFrom = Infinity
  const readerGroup = `${run}.${tag}.reader`
  const reader = kafka.consumer({ groupId: readerGroup, ...consumerSettings })
  await reader.connect()
  await reader.subscribe({ topics: each.map((c) => c.names.alertsTopic), fromBeginning: true })
  await reader.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now()
      const res = results.get(batch.topic)!
      for (const m of batch.messages) {
        const a = JSON.parse(m.value!.toString("utf8")) as { reportId: string; detectedAt: string }
        const t = sentAt.get(a.reportId)
        if (t === undefined || t < measureFrom) continue
        res.createP.push(Number(m.timestamp) - t)
        res.recvP.push(now - t)
        res.detectP.push(Date.parse(a.detectedAt) - t)
      }
    }
  })
  await Promise.all([...each.map((c) => waitForGroup(c.names.alerterGroup, 60_000)), waitForGroup(readerGroup, 60_000)])

  // Paced producer: every millisecond, send what is due (send time = the record's CreateTime, set explicitly).
  const producer = rawProducer(kafka)
  await producer.connect()
  const generate = makeGenerator(settingsOf(11, P.drones, P.latencyAlertRatio))
  const t0 = Date.now()
  measureFrom = t0 + P.latencyWarmupSeconds * 1000
  const total = Math.round(ratePerSec * (seconds + P.latencyWarmupSeconds))
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - t0) * ratePerSec) / 1000)) - sent
    if (due <= 0) {
      await sleep(1)
      continue
    }
    const now = Date.now()
    const messages = Array.from({ length: due }, (_, i) => {
      const r = generate(sent + i)
      sentAt.set(r.reportId, now)
      return { key: r.droneId, value: encodeReport(r), timestamp: String(now) }
    })
    sent += due
    await producer.send({ topic: reportsTopic, messages, acks: -1 })
  }
  const producedMs = Date.now() - t0
  await producer.disconnect()
  // Let the last alerts arrive: until every contender's group has committed everything (max 30 s).
  const until = Date.now() + 30_000
  const lags = async () => Promise.all(each.map(async (c) => total - (await committedTotal(reportsTopic, c.names.alerterGroup).catch(() => 0))))
  while (Date.now() < until && (await lags()).some((l) => l > 0)) await sleep(100)
  await sleep(500)
  const lag = await lags()
  children.forEach((c) => c.child.kill("SIGTERM"))
  await reader.disconnect()
  await Promise.all(
    children.map(async (c, i) => {
      const code = await Promise.race([c.exited, sleep(15_000).then(() => "timeout")])
      if (code === "timeout") c.child.kill("SIGKILL")
      if (process.env.BENCH_DEBUG === "1") out(`   ${c.log.text.trim().split("\n").filter((l) => l.startsWith("[")).join(" ")}`)
      if (lag[i]! > 0 || (code !== 0 && code !== null)) out(`   (${each[i]!.label}: exit ${String(code)}, lag ${lag[i]}${c.log.text ? `, stderr: ${c.log.text.slice(-400)}` : ""})`)
    })
  )
  if (producedMs > (seconds + P.latencyWarmupSeconds) * 1000 * 1.05) out(`   (producer fell behind: ${total} reports took ${secs(producedMs)})`)
  return each.map((c) => {
    const r = results.get(c.names.alertsTopic)!
    return { ...r, alerts: r.createP.length }
  })
}

const pct = (xs: Array<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return `p50 ${String(quantile(s, 0.5)).padStart(3)} / p99 ${String(quantile(s, 0.99)).padStart(3)} / max ${String(s.at(-1)).padStart(4)} ms`
}

if (runs(2)) {
  out(`\n2. alert latency, report sent → alert, ${P.latencySeconds} s sustained after ${P.latencyWarmupSeconds} s warm-up, alert ratio ${P.latencyAlertRatio}; each contender in its own child process, all consuming the same reports at the same time:`)
  out(`   published = the alert record's CreateTime (stamped by the alerter's kafkajs producer when it builds the produce request) − the report's CreateTime (= our send time)`)
  out(`   received  = arrival at a separate kafkajs reader of the alerts topics − send time;  detected = the alert's detectedAt − send time (report produce + alerter fetch)`)
  const contenders: ReadonlyArray<Contender> = [
    { label: "ours (runAlerter, KafkaLog defaults)", kind: "ours" },
    { label: "raw kafkajs relay (same settings)", kind: "raw" },
    // experiments: BENCH_LATENCY_EXTRA='[{"label":"ours maxWait 10","tuning":{"maxWaitTimeInMs":10}},{"label":"old build","root":"../old-dist/src"}]'
    // adds alerter contenders with another KafkaLog tuning or another build (root relative to bench/)
    ...((JSON.parse(process.env.BENCH_LATENCY_EXTRA ?? "[]") as Array<Omit<Contender, "kind">>).map((c) => ({ ...c, kind: "ours" as const })))
  ]
  for (const r of P.latencyRates) {
    const results = await latencyRun(r, P.latencySeconds, contenders)
    results.forEach((x) =>
      out(`   ${`${fmt(r)}/s`.padStart(7)} ${x.label.padEnd(38)} ${fmt(x.alerts).padStart(6)} alerts: published ${pct(x.createP)}; received ${pct(x.recvP)}; detected ${pct(x.detectP)}`)
    )
  }
  out(`   goal: ours p99 ≤ 20 ms published at 1,000/s. The raw relay = kafkajs eachBatch → JSON.parse → rule → producer.send (acks=-1) → commitOffsets per batch, as the alerter does.`)
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Simulator → Kafka
const cli = Command.run(peacestate, { name: "peacestate", version: "bench" })

if (runs(3)) {
  const n = P.simulateReports
  const args = ["--seed", "1", "--count", String(n), "--drones", String(P.drones)]
  const settings = settingsOf(1, P.drones, 0.01)
  const ours: Array<number> = []
  const raw: Array<number> = []
  out(`\n3. simulator → Kafka, ${fmt(n)} reports (${P.drones} drones), acks=-1, idempotent, 1 in flight, ${P.simulateRounds} interleaved rounds (median):`)
  for (let r = 0; r < P.simulateRounds; r++) {
    const topicOurs = `${run}.sim${r}.ours`
    const topicRaw = `${run}.sim${r}.raw`
    await createTopics(kafka, [topicOurs, topicRaw], P.partitions)
    const a = async () => {
      // pre-generated, outside the timing: the same keys and values, chunked like `simulate` (2,000) and KafkaLog (≤ 900 kB)
      const chunks = Array.from({ length: Math.ceil(n / 2000) }, (_, c) => chunkBySize(messagesOf(settings, c * 2000, Math.min(2000, n - c * 2000)))).flat()
      const t = performance.now()
      const producer = rawProducer(kafka)
      await producer.connect()
      for (const messages of chunks) await producer.send({ topic: topicRaw, messages, acks: -1 })
      await producer.disconnect()
      raw.push(performance.now() - t)
    }
    const b = async () => {
      process.env.REPORTS_TOPIC = topicOurs
      const t = performance.now()
      await Effect.runPromise(cli(["node", "peacestate", "simulate", "--to", "kafka", ...args]).pipe(Effect.provide(NodeContext.layer), quiet))
      ours.push(performance.now() - t)
      delete process.env.REPORTS_TOPIC
    }
    if (r % 2 === 0) { await a(); await b() } else { await b(); await a() }
    const [eo, er] = [await endTotal(topicOurs), await endTotal(topicRaw)]
    if (eo !== n || er !== n) throw new Error(`simulate: topics hold ${eo} (ours) and ${er} (raw) records, expected ${n}`)
    out(`  round ${r + 1}: raw ${secs(raw[r]!)} (${rate(n, raw[r]!)}), ours ${secs(ours[r]!)} (${rate(n, ours[r]!)}) → ${(raw[r]! / ours[r]!).toFixed(2)}×`)
  }
  const ratios = raw.map((x, i) => x / ours[i]!)
  out(`   ours   \`peacestate simulate --to kafka ${args.join(" ")}\` run in process (Command.run; env REPORTS_TOPIC), generate+encode+publish, incl. connect + ensureTopic   ${rate(n, median(ours))}`)
  out(`   raw    kafkajs producer, same messages pre-generated (not timed), same chunks, incl. connect                                                              ${rate(n, median(raw))}`)
  out(`   ratio ours/raw: ${median(ratios).toFixed(2)}× median of [${ratios.map((x) => x.toFixed(2)).join(", ")}]  (goal ≥ 0.8×)`)
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Archiver to S3
const deletePrefix = async (client: S3Client, bucket: string, prefix: string) => {
  let token: string | undefined
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }))
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }))
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined
  } while (token !== undefined)
}

if (runs(4)) {
  if (s3 === undefined) {
    out(`\n4. archiver to S3: skipped (no S3_ENDPOINT; eval "$(bash infra/infra.sh env)")`)
  } else {
    const n = P.throughputReports
    // the built CLI, as deployed (test/support/cli.ts runs the same command from the sources through tsx)
    const archiveCli = useSrc ? ["--import", "tsx", "test/support/cli.ts"] : ["bin/peacestate.js"]
    const startup = (() => {
      const t = performance.now()
      spawnSync(process.execPath, [...archiveCli, "archive", "--help"], { stdio: "ignore" })
      return performance.now() - t
    })()
    const prefixes: Array<string> = []
    const archive = async (instances: number, tag: string) => {
      const group = `${run}.${tag}.archiver`
      const prefix = `${run}-${tag}`
      prefixes.push(prefix)
      const t0 = performance.now()
      const children = Array.from({ length: instances }, () =>
        spawn(process.execPath, [...archiveCli, "archive", "--idle-exit", "3s", "--target", `s3://${s3.bucket}/${prefix}`], {
          env: { ...process.env, REPORTS_TOPIC: sharedTopic, ARCHIVER_GROUP: group, LOG_LEVEL: "info" },
          stdio: ["ignore", "ignore", "pipe"]
        })
      )
      const logs = children.map((c) => {
        const buf = { text: "" }
        c.stderr.on("data", (d: Buffer) => { buf.text += d.toString() })
        return buf
      })
      const exits = children.map((c) => new Promise<number | null>((resolve) => c.on("exit", resolve)))
      // committed offsets over time: the archiver commits each file once it is stored
      let doneAt = 0
      let firstAt = 0
      let first = 0
      let at80 = 0
      let c80 = 0
      const until = Date.now() + 180_000
      while (doneAt === 0 && Date.now() < until) {
        const c = await committedTotal(sharedTopic, group).catch(() => 0)
        const now = performance.now()
        if (c > 0 && firstAt === 0) [firstAt, first] = [now, c]
        if (c >= 0.8 * n && at80 === 0) [at80, c80] = [now, c]
        if (c >= n) doneAt = now
        else await sleep(50)
      }
      const codes = await Promise.all(exits)
      const archivedEach = logs.map((l) => Number(/(\d+) archived in/.exec(l.text)?.[1] ?? 0))
      const archived = archivedEach.reduce((x, y) => x + y, 0)
      const files = logs.reduce((x, l) => x + Number(/archived in (\d+) files/.exec(l.text)?.[1] ?? 0), 0)
      if (doneAt === 0 || archived !== n || codes.some((c) => c !== 0)) {
        throw new Error(`archive ×${instances}: exits ${codes.join(",")}, ${archived} archived of ${n}\n${logs.map((l) => l.text.slice(-1500)).join("\n")}`)
      }
      // steady rate: between the first commit and 80 % committed (leaves out start-up and the idle flush of the last, partial files)
      const steady = at80 > firstAt ? ((c80 - first) / (at80 - firstAt)) * 1000 : NaN
      return { ms: doneAt - t0, files, steady, archivedEach, firstCommitMs: firstAt - t0 }
    }
    type Run = Awaited<ReturnType<typeof archive>>
    const one: Array<Run> = []
    const two: Array<Run> = []
    const show = (x: Run) =>
      `${secs(x.ms)} (${rate(n, x.ms)}; steady ${fmt(x.steady)}/s; first commit after ${secs(x.firstCommitMs)}; ${x.files} files; archived ${x.archivedEach.map(fmt).join(" + ")})`
    out(`\n4. archiver to S3 (S3Proxy), ${fmt(n)} reports on ${P.partitions} partitions, \`node ${archiveCli.join(" ")} archive --idle-exit 3s --target s3://${s3.bucket}/<unique>\` child processes, timed from spawn until the group's committed offsets reach the end (the archiver commits after each file is stored); ${P.archiveRounds} interleaved rounds (median):`)
    for (let r = 0; r < P.archiveRounds; r++) {
      const a = async () => { one.push(await archive(1, `arc${r}x1`)) }
      const b = async () => { two.push(await archive(2, `arc${r}x2`)) }
      if (r % 2 === 0) { await a(); await b() } else { await b(); await a() }
      out(`  round ${r + 1}: one instance ${show(one[r]!)}`)
      out(`           two instances ${show(two[r]!)}`)
    }
    const m1 = median(one.map((x) => x.ms))
    const m2 = median(two.map((x) => x.ms))
    const s1 = median(one.map((x) => x.steady))
    const s2 = median(two.map((x) => x.steady))
    out(`   one instance   ${rate(n, m1).padStart(10)} all archived (${secs(m1)}),  steady ${fmt(s1)}/s`)
    out(`   two instances  ${rate(n, m2).padStart(10)} all archived (${secs(m2)}),  steady ${fmt(s2)}/s  → ${(m1 / m2).toFixed(2)}× one instance end to end, ${(s2 / s1).toFixed(2)}× steady`)
    out(`   (end to end includes process start-up — \`archive --help\` alone takes ${secs(startup)} — and the last, partial file of each partition, written on the idle flush / --idle-exit;`)
    out(`    steady = committed-offset rate between the first commit and 80 % committed. Verified: every run archived all ${fmt(n)} reports exactly once, per the archivers' summaries.)`)
    const client = new S3Client({ endpoint: s3.endpoint, region: process.env.S3_REGION ?? "us-east-1", forcePathStyle: true })
    for (const p of prefixes) await deletePrefix(client, s3.bucket, `${p}/`).catch((e: unknown) => out(`   (could not delete s3://${s3.bucket}/${p}: ${String(e)})`))
    client.destroy()
  }
}

// ---------------------------------------------------------------------------------------------------------------
const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${run}.`))
if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined)
const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${run}.`))
if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined)
await admin.disconnect()
process.exit(0)
