/** 1. Alerter throughput: `AlerterLive` (KafkaLog, stream sink) vs a raw kafkajs consumer that only parses and checks. */
import { Effect, Layer } from "effect"
import type { Consumer, EachBatchPayload } from "kafkajs"
import type { KafkaClient, KafkaTuning } from "../../src/adapters/KafkaLog.js"
import { type Names, namesSettings } from "../../src/config/Names.js"
import { rotate, brokers, createTopics, fmt, median } from "./common.js"
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

/** Ours: AlerterLive on KafkaLog.layerFor(client, brokers) (default tuning) with the stream sink to an alerts topic, StopWhenIdle. */
const oursAlert = async (
  client: KafkaClient,
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
      Effect.provide(KafkaLog.layerFor(client, brokers, tuning)),
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
  const oursJs: Array<Throughput> = []
  out(
    `\n1. alerter throughput, ${fmt(n)} reports, ${P.partitions} partitions, fresh group each, ${P.throughputRounds} rotated rounds (median):`
  )
  for (let r = 0; r < P.throughputRounds; r++) {
    const names = namesFor(`thr${r}`)
    const namesJs = namesFor(`thr${r}js`)
    await createTopics(kafka, [names.alertsTopic, names.dlqTopic, namesJs.alertsTopic, namesJs.dlqTopic], P.partitions)
    await rotate(r, [
      async () => raw.push(await rawConsume(sharedTopic, n, `${run}.thr${r}.raw`)),
      async () => ours.push(await oursAlert("platformatic", sharedTopic, n, names)),
      async () => oursJs.push(await oursAlert("kafkajs", sharedTopic, n, namesJs))
    ])
    const [published, publishedJs] = [await endTotal(names.alertsTopic), await endTotal(namesJs.alertsTopic)]
    out(
      `  round ${r + 1}: raw ${secs(raw[r]!.ms)} (${rate(n, raw[r]!.ms)}), ours/platformatic ${secs(ours[r]!.ms)} (${rate(n, ours[r]!.ms)}) → ${(raw[r]!.ms / ours[r]!.ms).toFixed(2)}×, ours/kafkajs ${secs(oursJs[r]!.ms)} (${rate(n, oursJs[r]!.ms)}) → ${(raw[r]!.ms / oursJs[r]!.ms).toFixed(2)}×; published ${fmt(published)} / ${fmt(publishedJs)} alerts, raw found ${fmt(raw[r]!.alerts)} alerting reports and published none`
    )
  }
  const ratiosOf = (xs: Array<Throughput>) => raw.map((x, i) => x.ms / xs[i]!.ms)
  const line = (label: string, xs: Array<Throughput>) => {
    const ratios = ratiosOf(xs)
    out(
      `   ${label.padEnd(58)} ${rate(n, median(xs.map((x) => x.ms))).padStart(10)}  (from first batch: ${rate(n, median(xs.map((x) => x.fromFirstMs)))}); ours/raw ${median(ratios).toFixed(2)}× median of [${ratios.map((x) => x.toFixed(2)).join(", ")}]`
    )
  }
  line("ours   AlerterLive on platformatic + stream sink", ours)
  line("ours   AlerterLive on kafkajs (default) + stream sink", oursJs)
  out(
    `   raw    kafkajs eachBatch, JSON.parse + citizens.some(peacescore < 20), auto-commit, no publish  ${rate(n, median(raw.map((x) => x.ms))).padStart(10)}  (from first batch: ${rate(n, median(raw.map((x) => x.fromFirstMs)))})`
  )
  out(`   target ours/raw ≥ 1.5× (timed: connect → every record handled, commit after publish per batch)`)
}
