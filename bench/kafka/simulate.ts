/** 3. `simulate --to kafka` (the CLI command, in process) vs a raw kafkajs producer of the same, pre-generated messages. */
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { chunkBySize, createTopics, fmt, median, messagesOf, rawProducer, rotate, settingsOf } from "./common.js"
import { endTotal, kafka, out, P, peacestate, quiet, rate, run, secs } from "./setup.js"

const cli = Command.run(peacestate, { name: "peacestate", version: "bench" })
export const simulate = async () => {
  const n = P.simulateReports
  const args = ["--seed", "1", "--count", String(n), "--drones", String(P.drones)]
  const settings = settingsOf(1, P.drones, 0.01)
  const ours: Array<number> = []
  const oursJs: Array<number> = []
  const raw: Array<number> = []
  out(
    `\n3. simulator → Kafka, ${fmt(n)} reports (${P.drones} drones), acks=-1, idempotent, 1 in flight, ${P.simulateRounds} interleaved rounds (median):`
  )
  for (let r = 0; r < P.simulateRounds; r++) {
    const topicOurs = `${run}.sim${r}.ours`
    const topicRaw = `${run}.sim${r}.raw`
    const topicJs = `${run}.sim${r}.js`
    await createTopics(kafka, [topicOurs, topicRaw, topicJs], P.partitions)
    const a = async () => {
      // pre-generated, outside the timing: the same keys and values, chunked like `simulate` (2,000) and KafkaLog (≤ 900 kB)
      const chunks = Array.from({ length: Math.ceil(n / 2000) }, (_, c) =>
        chunkBySize(messagesOf(settings, c * 2000, Math.min(2000, n - c * 2000)))
      ).flat()
      const t = performance.now()
      const producer = rawProducer(kafka)
      await producer.connect()
      for (const messages of chunks) await producer.send({ topic: topicRaw, messages, acks: -1 })
      await producer.disconnect()
      raw.push(performance.now() - t)
    }
    const oursOn = (client: "platformatic" | "kafkajs", topic: string, into: Array<number>) => async () => {
      process.env.REPORTS_TOPIC = topic
      process.env.KAFKA_CLIENT = client
      const t = performance.now()
      await Effect.runPromise(
        cli(["node", "peacestate", "simulate", "--to", "kafka", ...args]).pipe(Effect.provide(NodeContext.layer), quiet)
      )
      into.push(performance.now() - t)
      delete process.env.REPORTS_TOPIC
      delete process.env.KAFKA_CLIENT
    }
    await rotate(r, [a, oursOn("platformatic", topicOurs, ours), oursOn("kafkajs", topicJs, oursJs)])
    const [eo, er, ej] = [await endTotal(topicOurs), await endTotal(topicRaw), await endTotal(topicJs)]
    if (eo !== n || er !== n || ej !== n)
      throw new Error(
        `simulate: topics hold ${eo} (ours), ${ej} (ours on kafkajs) and ${er} (raw) records, expected ${n}`
      )
    out(
      `  round ${r + 1}: raw ${secs(raw[r]!)} (${rate(n, raw[r]!)}), ours/platformatic ${secs(ours[r]!)} (${rate(n, ours[r]!)}) → ${(raw[r]! / ours[r]!).toFixed(2)}×, ours/kafkajs ${secs(oursJs[r]!)} (${rate(n, oursJs[r]!)}) → ${(raw[r]! / oursJs[r]!).toFixed(2)}×`
    )
  }
  const ratios = raw.map((x, i) => x / ours[i]!)
  const ratiosJs = raw.map((x, i) => x / oursJs[i]!)
  out(
    `   ours   \`peacestate simulate --to kafka ${args.join(" ")}\` run in process (Command.run; env REPORTS_TOPIC), generate+encode+publish, incl. connect + ensureTopic   ${rate(n, median(ours))}`
  )
  out(
    `   raw    kafkajs producer, same messages pre-generated (not timed), same chunks, incl. connect                                                              ${rate(n, median(raw))}`
  )
  out(
    `   ratio ours/raw: platformatic ${median(ratios).toFixed(2)}× median of [${ratios.map((x) => x.toFixed(2)).join(", ")}], kafkajs (default) ${median(ratiosJs).toFixed(2)}× of [${ratiosJs.map((x) => x.toFixed(2)).join(", ")}]  (target ≥ 1.0×)`
  )
}
