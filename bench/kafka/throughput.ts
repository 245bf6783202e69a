/** 1. Alerter throughput: `AlerterLive` (KafkaLog, stream sink) vs a raw kafkajs consumer that only parses and checks. */
import { Effect, Layer } from "effect"
import type { Consumer, EachBatchPayload } from "kafkajs"
import type { KafkaTuning } from "../../src/adapters/KafkaLog.js"
import { type Names, namesSettings } from "../../src/config/Names.js"
import { alternate, brokers, createTopics, fmt, median } from "./common.js"
import {
  Alerter,
  AlerterLive,
  consumerSettings,
  endTotal,
  kafka,
  KafkaLog,
  launch,
  Metrics,
  namesFor,
  out,
  P,
  quiet,
  rate,
  run,
  secs,
  StopWhenIdle,
  streamSink,
  withSettings
} from "./setup.js"

interface Throughput {
  ms: number
  fromFirstMs: number
  alerts: number
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

/** Ours: AlerterLive on KafkaLog.layerWith(brokers) (default tuning) with the stream sink to an alerts topic, StopWhenIdle. */
const oursAlert = async (
  topic: string,
  total: number,
  names: Names,
  tuning: Partial<KafkaTuning> = {}
): Promise<Throughput> => {
  // The run's own counts: its metrics tagged with a run of its own, read with the tags in the order the alerter writes them.
  const tags = { run: `${topic}-${performance.now()}`, component: "alerter" }
  const counted = (c: typeof Metrics.recordsIn) => Effect.runSync(Metrics.count(c).pipe(Effect.tagMetrics(tags)))
  const t0 = performance.now()
  let first = 0
  let doneAt = 0
  const watch = setInterval(() => {
    const n = counted(Metrics.recordsIn)
    if (n > 0 && first === 0) first = performance.now()
    if (n >= total && doneAt === 0) doneAt = performance.now()
  }, 2)
  await Effect.runPromise(
    launch(
      Alerter,
      AlerterLive.pipe(
        Layer.provide(streamSink(names.alertsTopic)),
        Layer.provide(Layer.succeed(StopWhenIdle, Effect.succeed(true)))
      )
    ).pipe(
      Effect.provide(KafkaLog.layerWith(brokers, tuning)),
      withSettings({ ...namesSettings(names), REPORTS_TOPIC: topic, PEACESCORE_THRESHOLD: "20" }),
      Effect.tagMetrics("run", tags.run),
      quiet
    )
  )
  clearInterval(watch)
  const n = counted(Metrics.recordsIn)
  if (n !== total) throw new Error(`alerter read ${n} records, expected ${total}`)
  if (doneAt === 0) doneAt = performance.now()
  return { ms: doneAt - t0, fromFirstMs: doneAt - first, alerts: counted(Metrics.alertsPublished) }
}

export const throughput = async (sharedTopic: string) => {
  const n = P.throughputReports
  const raw: Array<Throughput> = []
  const ours: Array<Throughput> = []
  out(
    `\n1. alerter throughput, ${fmt(n)} reports, ${P.partitions} partitions, fresh group each, ${P.throughputRounds} interleaved rounds (median):`
  )
  for (let r = 0; r < P.throughputRounds; r++) {
    const names = namesFor(`thr${r}`)
    await createTopics(kafka, [names.alertsTopic, names.dlqTopic], P.partitions)
    const a = async () => raw.push(await rawConsume(sharedTopic, n, `${run}.thr${r}.raw`))
    const b = async () => ours.push(await oursAlert(sharedTopic, n, names))
    await alternate(r, a, b)
    const published = await endTotal(names.alertsTopic)
    out(
      `  round ${r + 1}: raw ${secs(raw[r]!.ms)} (${rate(n, raw[r]!.ms)}), ours ${secs(ours[r]!.ms)} (${rate(n, ours[r]!.ms)}) → ${(raw[r]!.ms / ours[r]!.ms).toFixed(2)}×; ours published ${fmt(published)} alerts (${fmt(ours[r]!.alerts)} counted), raw found ${fmt(raw[r]!.alerts)} alerting reports and published none`
    )
  }
  const ratios = raw.map((x, i) => x.ms / ours[i]!.ms)
  const ratiosFirst = raw.map((x, i) => x.fromFirstMs / ours[i]!.fromFirstMs)
  out(
    `   ours   AlerterLive + KafkaLog (default tuning) + stream sink → alerts topic, commit per batch   ${rate(n, median(ours.map((x) => x.ms))).padStart(10)}  (from first batch: ${rate(n, median(ours.map((x) => x.fromFirstMs)))})`
  )
  out(
    `   raw    kafkajs eachBatch, JSON.parse + citizens.some(peacescore < 20), auto-commit, no publish  ${rate(n, median(raw.map((x) => x.ms))).padStart(10)}  (from first batch: ${rate(n, median(raw.map((x) => x.fromFirstMs)))})`
  )
  out(
    `   ratio ours/raw: ${median(ratios).toFixed(2)}× median of [${ratios.map((x) => x.toFixed(2)).join(", ")}]  (goal ≥ 0.8×); from first batch ${median(ratiosFirst).toFixed(2)}×  (timed: connect → every record handled)`
  )
}
