// What the fault and operability tests need beyond the process harness (./Processes.ts): the metrics
// endpoint scraped, raw records (bytes and headers) read back, outages of S3 (a relay taken down) and
// of the broker (infra.sh).
import { spawn } from "node:child_process"
import * as net from "node:net"
import { fileURLToPath } from "node:url"
import type { IHeaders } from "kafkajs"
import type { ArchivedReport } from "../../src/archive/ParquetReports.js"
import { kafkaBrokers, s3Env } from "./Infra.js"
import { type ArchiveFile, committedOffsets, endOffsets, kafka, type Proc, sumOf } from "./Processes.js"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))

// -------------------------------------------------------------------------------------- metrics

/** The base URL of a component's metrics server, from its "metrics on http://host:port/metrics" log line. */
export const metricsBase = async (proc: Proc, timeoutMs = 60_000): Promise<string> =>
  (await proc.waitForStderr(/metrics on (http:\/\/[^/\s"]+)\/metrics/, timeoutMs))[1]!

/** `name{labels}` → value of a Prometheus text exposition. */
export const parseMetrics = (text: string): ReadonlyMap<string, number> =>
  new Map(
    text
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.lastIndexOf(" ")), Number(l.slice(l.lastIndexOf(" ") + 1))] as const)
  )

export const scrape = async (base: string): Promise<ReadonlyMap<string, number>> => parseMetrics(await (await fetch(`${base}/metrics`)).text())

/** Sum of one metric over all its label sets. */
export const metricSum = (metrics: ReadonlyMap<string, number>, name: string): number =>
  [...metrics].filter(([k]) => k === name || k.startsWith(`${name}{`)).reduce((n, [, v]) => n + v, 0)

export const httpStatus = async (url: string) => (await fetch(url)).status

// ---------------------------------------------------------------------------------------- Kafka

/** Has the group committed the end of every partition? */
export const caughtUp = async (group: string, topic: string): Promise<boolean> => {
  const [ends, committed] = await Promise.all([endOffsets(topic), committedOffsets(group, topic)])
  return [...ends].every(([p, end]) => end === 0 || committed.get(p) === end)
}

export interface RawRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: Buffer
  readonly headers: Readonly<Record<string, string>>
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(Array.isArray(v) ? v.at(-1) : v)]])))

/** Every record of a topic up to its current end offsets, as bytes with its headers. */
export const readRawTopic = async (topic: string, timeoutMs = 60_000): Promise<ReadonlyArray<RawRecord>> => {
  const ends = await endOffsets(topic)
  if (sumOf(ends) === 0) return []
  const records: Array<RawRecord> = []
  const consumer = kafka().consumer({ groupId: `faults-reader-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, maxBytesPerPartition: 8 * 1024 * 1024 })
  await consumer.connect()
  const next = new Map<number, number>()
  const done = new Promise<void>((resolve) => {
    void consumer.subscribe({ topic, fromBeginning: true }).then(() =>
      consumer.run({
        eachBatch: async ({ batch }) => {
          batch.messages.forEach((m) =>
            records.push({ partition: batch.partition, offset: Number(m.offset), key: m.key?.toString("utf8") ?? "", value: m.value ?? Buffer.alloc(0), headers: headerText(m.headers) })
          )
          next.set(batch.partition, Number(batch.lastOffset()) + 1)
          if ([...ends].every(([p, end]) => end === 0 || (next.get(p) ?? 0) >= end)) resolve()
        }
      })
    )
  })
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`reading ${topic}: ${records.length}/${sumOf(ends)} records in ${timeoutMs} ms`)), timeoutMs).unref())
  await Promise.race([done, timeout]).finally(() => consumer.disconnect())
  return records.filter((r) => r.offset < (ends.get(r.partition) ?? 0))
}

/** The alert ids on an alerts topic, each once. */
export const alertIdsOn = (records: ReadonlyArray<{ readonly value: Buffer | string }>): ReadonlyArray<string> =>
  [...new Set(records.map((r) => (JSON.parse(r.value.toString()) as { alertId: string }).alertId))].sort()

// ------------------------------------------------------------------------------------ S3 archive

export const reportsOf = (files: ReadonlyArray<ArchiveFile>): ReadonlyArray<ArchivedReport> => files.flatMap((f) => f.reports)

// -------------------------------------------------------------------------------------- outages

export interface OutageRelay {
  readonly url: string
  /** Refuse new connections and cut the open ones, as a server that goes away. */
  readonly down: () => Promise<void>
  /** Listen again on the same port. */
  readonly up: () => Promise<void>
  readonly close: () => Promise<void>
}

/** A TCP relay to `target` (an http://host:port URL) that can go down and come back on the same port. */
export const outageRelay = (target: URL): Promise<OutageRelay> =>
  new Promise((resolve) => {
    const sockets = new Set<net.Socket>()
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname)
      const drop = () => {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      sockets.add(client)
      sockets.add(upstream)
      client.on("error", drop).on("close", drop)
      upstream.on("error", drop).on("close", drop)
      client.pipe(upstream).pipe(client)
    })
    const listen = (port: number) => new Promise<number>((ok) => server.listen(port, "127.0.0.1", () => ok((server.address() as net.AddressInfo).port)))
    const down = () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        sockets.forEach((s) => s.destroy())
      })
    void listen(0).then((port) =>
      resolve({ url: `http://127.0.0.1:${port}`, down, up: () => listen(port).then(() => undefined), close: () => (server.listening ? down() : Promise.resolve()) })
    )
  })

const portOf = (hostPort: string) => Number(hostPort.split(":").at(-1))

export const kafkaPort = () => portOf(kafkaBrokers()[0] ?? "127.0.0.1:9092")

export const s3Port = () => Number(new URL(s3Env().endpoint).port)

/**
 * `bash infra/infra.sh <command>` on the services the tests use: the ports come from KAFKA_BROKERS and
 * S3_ENDPOINT (KAFKA_CONTROLLER_PORT: the Kafka port + 1 unless set); PEACESTATE_INFRA_SH names another copy
 * of the script (a second instance, with its own work folder, on other ports).
 */
export const infraCtl = (command: "kafka-stop" | "kafka-start" | "s3-stop" | "s3-start"): Promise<string> =>
  new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      KAFKA_PORT: String(kafkaPort()),
      KAFKA_CONTROLLER_PORT: process.env.KAFKA_CONTROLLER_PORT ?? String(kafkaPort() + 1),
      S3_PORT: String(s3Port())
    }
    const child = spawn("bash", [process.env.PEACESTATE_INFRA_SH ?? "infra/infra.sh", command], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] })
    const out: Array<Buffer> = []
    child.stdout.on("data", (b: Buffer) => out.push(b))
    child.stderr.on("data", (b: Buffer) => out.push(b))
    child.on("error", reject)
    child.on("close", (code) => {
      const text = Buffer.concat(out).toString("utf8")
      if (code === 0) resolve(text)
      else reject(new Error(`infra.sh ${command} failed (exit ${code}):\n${text}`))
    })
  })

export const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.on("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.on("error", () => resolve(false))
  })
