/** 2. Alert latency at a sustained rate: report sent → alert published (its CreateTime) / → received downstream. */
import { spawn } from "node:child_process"
import type { KafkaClient, KafkaTuning } from "../../src/adapters/KafkaLog.js"
import { encodeReport } from "../../src/domain/Codec.js"
import { makeGenerator } from "../../src/domain/Generator.js"
import { createTopics, fmt, quantile, rawProducer, settingsOf, sleep } from "./common.js"
import { admin, committedTotal, consumerSettings, kafka, namesFor, out, P, root, run, secs } from "./setup.js"

interface Contender {
  readonly label: string
  readonly kind: "ours" | "raw"
  readonly client?: KafkaClient
  readonly tuning?: Partial<KafkaTuning>
  readonly root?: string
}
interface Latency {
  readonly label: string
  readonly alerts: number
  readonly createP: Array<number>
  readonly recvP: Array<number>
  readonly detectP: Array<number>
}

// BENCH_PROF_DIR=dir: each child writes a V8 CPU profile there on exit (summarize with bench/profile.ts).
const profiling = (name: string) =>
  process.env.BENCH_PROF_DIR !== undefined
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF_DIR}`, `--cpu-prof-name=${name}.cpuprofile`]
    : []
const spawnTsx = (name: string, args: ReadonlyArray<string>) =>
  spawn(process.execPath, [...profiling(name), "--import", "tsx", ...args], { stdio: ["ignore", "ignore", "pipe"] })

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
const latencyRun = async (
  ratePerSec: number,
  seconds: number,
  contenders: ReadonlyArray<Contender>
): Promise<Array<Latency>> => {
  const tag = `lat${ratePerSec}.${Date.now().toString(36)}`
  const reportsTopic = `${run}.${tag}.reports`
  const each = contenders.map((c, i) => ({ ...c, names: { ...namesFor(`${tag}.c${i}`), reportsTopic } }))
  await createTopics(
    kafka,
    [reportsTopic, ...each.flatMap((c) => [c.names.alertsTopic, c.names.dlqTopic])],
    P.partitions
  )
  const children = each.map((c, i) => {
    const child =
      c.kind === "ours"
        ? spawnTsx(`${tag}.c${i}.ours-${c.client ?? "kafkajs"}`, [
            "bench/kafka/alerter.ts",
            JSON.stringify({
              client: c.client ?? "kafkajs",
              root: c.root !== undefined ? `../${c.root}` : root,
              names: c.names,
              tuning: c.tuning ?? {}
            })
          ])
        : spawnTsx(`${tag}.c${i}.raw`, [
            "bench/kafka/relay.ts",
            JSON.stringify({ reportsTopic, alertsTopic: c.names.alertsTopic, group: c.names.alerterGroup })
          ])
    const log = { text: "" }
    child.stderr.on("data", (d: Buffer) => {
      log.text += d.toString()
    })
    return { child, log, exited: new Promise<number | null>((resolve) => child.on("exit", resolve)) }
  })

  // The downstream reader of every alerts topic: arrival time of each alert.
  const sentAt = new Map<string, number>()
  const results = new Map(
    each.map((c) => [
      c.names.alertsTopic,
      {
        label: c.label,
        alerts: 0,
        createP: [] as Array<number>,
        recvP: [] as Array<number>,
        detectP: [] as Array<number>
      }
    ])
  )
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
  const lags = async () =>
    Promise.all(
      each.map(async (c) => total - (await committedTotal(reportsTopic, c.names.alerterGroup).catch(() => 0)))
    )
  while (Date.now() < until && (await lags()).some((l) => l > 0)) await sleep(100)
  await sleep(500)
  const lag = await lags()
  children.forEach((c) => c.child.kill("SIGTERM"))
  await reader.disconnect()
  await Promise.all(
    children.map(async (c, i) => {
      const code = await Promise.race([c.exited, sleep(15_000).then(() => "timeout")])
      if (code === "timeout") c.child.kill("SIGKILL")
      if (process.env.BENCH_DEBUG === "1")
        out(
          `   ${c.log.text
            .trim()
            .split("\n")
            .filter((l) => l.startsWith("["))
            .join(" ")}`
        )
      if (lag[i]! > 0 || (code !== 0 && code !== null))
        out(
          `   (${each[i]!.label}: exit ${String(code)}, lag ${lag[i]}${c.log.text ? `, stderr: ${c.log.text.slice(-400)}` : ""})`
        )
    })
  )
  if (producedMs > (seconds + P.latencyWarmupSeconds) * 1000 * 1.05)
    out(`   (producer fell behind: ${total} reports took ${secs(producedMs)})`)
  return each.map((c) => {
    const r = results.get(c.names.alertsTopic)!
    return { ...r, alerts: r.createP.length }
  })
}

const pct = (xs: Array<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return `p50 ${String(quantile(s, 0.5)).padStart(3)} / p99 ${String(quantile(s, 0.99)).padStart(3)} / max ${String(s.at(-1)).padStart(4)} ms`
}

export const latency = async () => {
  out(
    `\n2. alert latency, report sent → alert, ${P.latencySeconds} s sustained after ${P.latencyWarmupSeconds} s warm-up, alert ratio ${P.latencyAlertRatio}; each contender in its own child process, all consuming the same reports at the same time:`
  )
  out(
    `   published = the alert record's CreateTime (stamped by the alerter's producer when it builds the produce request) − the report's CreateTime (= our send time)`
  )
  out(
    `   received  = arrival at a separate kafkajs reader of the alerts topics − send time;  detected = the alert's detectedAt − send time (report produce + alerter fetch)`
  )
  const contenders: ReadonlyArray<Contender> = [
    { label: "ours on kafkajs (the default)", kind: "ours", client: "kafkajs" },
    { label: "ours on platformatic", kind: "ours", client: "platformatic" },
    { label: "raw kafkajs relay (same settings)", kind: "raw" },
    // experiments: BENCH_LATENCY_EXTRA='[{"label":"ours maxWait 10","tuning":{"maxWaitTimeInMs":10}},{"label":"old build","root":"../old-dist/src"}]'
    // adds alerter contenders with another KafkaLog tuning, client or build (root relative to bench/)
    ...(JSON.parse(process.env.BENCH_LATENCY_EXTRA ?? "[]") as Array<Omit<Contender, "kind">>).map((c) => ({
      ...c,
      kind: "ours" as const
    }))
  ]
  for (const r of P.latencyRates) {
    const results = await latencyRun(r, P.latencySeconds, contenders)
    results.forEach((x) =>
      out(
        `   ${`${fmt(r)}/s`.padStart(7)} ${x.label.padEnd(38)} ${fmt(x.alerts).padStart(6)} alerts: published ${pct(x.createP)}; received ${pct(x.recvP)}; detected ${pct(x.detectP)}`
      )
    )
    const raw = results.find((_, i) => contenders[i]!.kind === "raw")
    if (raw !== undefined)
      results.forEach((x, i) => {
        if (contenders[i]!.kind !== "ours") return
        const q = (xs: Array<number>, p: number) =>
          quantile(
            [...xs].sort((a, b) => a - b),
            p
          )
        const ratio = (xs: Array<number>, ys: Array<number>, p: number) => (q(xs, p) / Math.max(1, q(ys, p))).toFixed(2)
        out(
          `   ${"".padStart(7)} ${`${x.label} / raw`.padEnd(38)} received p50 ${ratio(x.recvP, raw.recvP, 0.5)}× p99 ${ratio(x.recvP, raw.recvP, 0.99)}×; published p50 ${ratio(x.createP, raw.createP, 0.5)}× p99 ${ratio(x.createP, raw.createP, 0.99)}×  (targets p50 ≤ 0.5×, p99 ≤ 1.0×)`
        )
      })
  }
  out(
    `   The raw relay = kafkajs eachBatch → JSON.parse → rule → producer.send (acks=-1) → commitOffsets per batch, as the alerter does.`
  )
}
