// What the fault and operability tests need beyond the process harness (./Processes.ts): the metrics
// endpoint scraped, raw records (bytes and headers) read back, outages (./Outages.ts).
import { Either } from "effect"
import type { ArchivedReport } from "../../src/format/ArchivedReport.js"
import { decodeReport, encodeReport } from "../../src/domain/Codec.js"
import { makeGenerator } from "../../src/domain/Generator.js"
import type { Report } from "../../src/domain/Report.js"
import { cleanExit, type Exit, type Proc } from "./Children.js"
import { committedOffsets, endOffsets, readTopic } from "./Kafka.js"

export { type RawRecord, readRawTopic } from "./Kafka.js"
import type { Production } from "./Production.js"
import type { ArchiveFile } from "./S3Archive.js"
import { sleep } from "./Wait.js"

export * from "./Outages.js"

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

export const scrape = async (base: string): Promise<ReadonlyMap<string, number>> =>
  parseMetrics(await (await fetch(`${base}/metrics`)).text())

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

/**
 * Wait until `group` has committed the end of every partition of `topic` (the test's producer stopped
 * first), then SIGTERM its `members` and expect them to exit 0. Fails at once when a member exits before.
 * This is how the fault tests end their consumers: by what the group has done, not by an --idle-exit
 * that a stall on a busy machine could trigger early, or a fixed wait.
 */
export const stopWhenCaughtUp = async (
  group: string,
  topic: string,
  members: ReadonlyArray<Proc>,
  timeoutMs = 180_000
): Promise<ReadonlyArray<Exit>> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const gone = members.find((m) => m.exited())
    if (gone !== undefined)
      throw new Error(
        `${gone.name} exited before ${group} committed all of ${topic}; stderr tail:\n${gone.stderr().slice(-4000)}`
      )
    if (await caughtUp(group, topic).catch(() => false)) break
    if (Date.now() > deadline) throw new Error(`${group} did not commit all of ${topic} within ${timeoutMs} ms`)
    await sleep(500)
  }
  members.forEach((m) => m.signal("SIGTERM"))
  return Promise.all(members.map((m) => cleanExit(m, 30_000)))
}

export interface TopicReport {
  readonly partition: number
  readonly offset: number
  readonly value: string
  readonly report: Report
}

/** Every record of a reports topic, decoded (a record that is not a valid report fails the call). */
export const readReports = async (topic: string): Promise<ReadonlyArray<TopicReport>> =>
  (await readTopic(topic)).map((r) => ({
    partition: r.partition,
    offset: r.offset,
    value: r.value,
    report: Either.getOrElse(decodeReport(r.value), (e) => {
      throw new Error(`${topic} ${r.partition}/${r.offset} is not a valid report: ${e.message}`)
    })
  }))

/** What a stopped production left on the topic against its simulation; every list is empty when it is the simulation's prefix. */
export interface SimulatedCheck {
  readonly records: number
  /** reportIds on the topic more than once (a retried send written twice). */
  readonly duplicates: ReadonlyArray<string>
  /** reportIds the simulation does not give (within the records on the topic and one send more). */
  readonly unknown: ReadonlyArray<string>
  /** Records whose bytes differ from the simulation's report. */
  readonly differing: ReadonlyArray<string>
  /** Positions in the simulation not on the topic, before the last send (a lost send). */
  readonly missing: ReadonlyArray<number>
}

/**
 * Check the topic against the simulation `production` ran: each report at most once, byte for byte, and
 * every report of the simulation up to the last one sent. Only the last send (the one the stop may have
 * cut short) may be partly missing. Lists are truncated to 20 examples.
 */
export const checkSimulated = (
  production: Pick<Production, "settings" | "sendSize">,
  records: ReadonlyArray<TopicReport>
): SimulatedCheck => {
  const generate = makeGenerator(production.settings)
  const sim = generate.many(Array.from({ length: records.length + production.sendSize }, (_, i) => i))
  const indexOf = new Map(sim.map((r, i) => [r.reportId, i]))
  const seen = new Map<string, number>()
  const unknown: Array<string> = []
  const differing: Array<string> = []
  records.forEach((r) => {
    const id = r.report.reportId
    seen.set(id, (seen.get(id) ?? 0) + 1)
    const index = indexOf.get(id)
    if (index === undefined) unknown.push(`${id} at ${r.partition}/${r.offset}`)
    else if (r.value !== encodeReport(sim[index]!)) differing.push(`${id} at ${r.partition}/${r.offset}`)
  })
  const last = [...seen.keys()].reduce((max, id) => Math.max(max, indexOf.get(id) ?? -1), -1)
  const missing = Array.from({ length: Math.max(0, last + 1 - production.sendSize) }, (_, i) => i).filter(
    (i) => !seen.has(sim[i]!.reportId)
  )
  return {
    records: records.length,
    duplicates: [...seen]
      .filter(([, n]) => n > 1)
      .map(([id, n]) => `${id} ×${n}`)
      .slice(0, 20),
    unknown: unknown.slice(0, 20),
    differing: differing.slice(0, 20),
    missing: missing.slice(0, 20)
  }
}

/** What `checkSimulated` gives for a clean prefix of `records` reports (for toMatchObject). */
export const simulatedPrefix = (records: number) => ({
  records,
  duplicates: [],
  unknown: [],
  differing: [],
  missing: []
})

/** The alert ids on an alerts topic, each once. */
export const alertIdsOn = (records: ReadonlyArray<{ readonly value: Buffer | string }>): ReadonlyArray<string> =>
  [...new Set(records.map((r) => (JSON.parse(r.value.toString()) as { alertId: string }).alertId))].sort()

// ------------------------------------------------------------------------------------ S3 archive

export const reportsOf = (files: ReadonlyArray<ArchiveFile>): ReadonlyArray<ArchivedReport> =>
  files.flatMap((f) => f.reports)
