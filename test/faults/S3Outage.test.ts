// Fault: S3 goes away for 20 s while reports keep arriving. The archiver retries with backoff, commits
// nothing it has not stored, and once S3 is back the archive is complete and holds every report once.
//
// The outage is a TCP relay in front of S3 taken down (new connections refused, open ones cut), so the
// other test files can keep using S3 meanwhile. FAULTS_REAL_OUTAGE=1 stops the S3 server itself
// (infra.sh s3-stop / s3-start) instead: only where nothing else uses it.
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { reports } from "../../src/simulator/Simulator.js"
import { caughtUp, infraCtl, metricsBase, metricSum, outageRelay, portOpen, scrape } from "../support/Faults.js"
import { s3Env, skipReason } from "../support/Infra.js"
import {
  checkExactlyOnce,
  cleanExit,
  committedOffsets,
  deleteTopics,
  endOffsets,
  eventually,
  exactlyOnce,
  killLeftovers,
  readS3Archive,
  removeS3Prefix,
  runToEnd,
  sleep,
  startCli,
  sumOf,
  uniqueNames
} from "../support/Processes.js"

const skip = skipReason()
const realOutage = process.env.FAULTS_REAL_OUTAGE === "1"

const Count = 30_000
const Rate = 1_000
const OutageMs = 20_000
const sim = { seed: 23, count: Count, drones: 30, startMs: Date.parse("2026-11-02T00:00:00.000Z"), alertRatio: 0.01 }

describe.skipIf(skip !== undefined)("fault: S3 outage", () => {
  afterEach(killLeftovers)

  it("the archiver retries through a 20 s outage, commits only what it stored, and the archive ends complete and exactly once", async () => {
    const names = uniqueNames("s3-outage", 3)
    const endpoint = new URL(s3Env().endpoint)
    const proxy = await outageRelay(endpoint)
    const outage = realOutage
      ? { down: () => infraCtl("s3-stop").then(() => undefined), up: () => infraCtl("s3-start").then(() => undefined), url: endpoint.origin }
      : { down: proxy.down, up: proxy.up, url: proxy.url }
    try {
      const archiver = startCli("archive", ["archive", "--metrics-port", "0", "--max-records-per-file", "1000"], { ...names, S3_ENDPOINT: outage.url })
      const base = await metricsBase(archiver)
      const producer = startCli(
        "simulate",
        ["simulate", "--to", "kafka", "--seed", "23", "--count", String(Count), "--drones", "30", "--rate", String(Rate)],
        names
      )
      await eventually("the archiver to store some files", async () => (metricSum(await scrape(base), "peacestate_files_written_total") >= 2 ? true : undefined), 60_000)

      await outage.down()
      const downAt = Date.now()
      if (realOutage) expect(await portOpen(Number(endpoint.port))).toBe(false)
      // A put in flight when S3 went away may still land; after that nothing is stored, so nothing is committed.
      await sleep(3_000)
      const frozen = await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC)
      // Backpressure: the blocked put holds the consumer, so reports pile up in Kafka (lag), not in memory.
      const atFreeze = await scrape(base)
      const filesAtFreeze = metricSum(atFreeze, "peacestate_files_written_total")
      const samples = await Array.from({ length: 4 }).reduce<Promise<ReadonlyArray<number>>>(
        (acc) => acc.then(async (seen) => [...seen, await sleep(3_000).then(() => committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC)).then(sumOf)]),
        Promise.resolve([])
      )
      expect(samples.every((n) => n === sumOf(frozen))).toBe(true)
      const during = await scrape(base)
      expect(metricSum(during, "peacestate_files_written_total")).toBe(filesAtFreeze)
      expect(metricSum(during, "peacestate_records_in_total")).toBeGreaterThan(0)
      await sleep(Math.max(0, OutageMs - 2_000 - (Date.now() - downAt)))
      const late = await scrape(base)
      const rss = (m: ReadonlyMap<string, number>) => metricSum(m, "process_resident_memory_bytes")
      const mb = (n: number) => Math.round(n / 1e6)
      console.log(
        `s3 outage: consumer lag ${metricSum(atFreeze, "peacestate_consumer_lag")} → ${metricSum(late, "peacestate_consumer_lag")}, ` +
          `records in ${metricSum(atFreeze, "peacestate_records_in_total")} → ${metricSum(late, "peacestate_records_in_total")}, ` +
          `RSS ${mb(rss(atFreeze))} → ${mb(rss(late))} MB`
      )
      expect(metricSum(late, "peacestate_consumer_lag")).toBeGreaterThan(metricSum(atFreeze, "peacestate_consumer_lag"))
      expect(metricSum(late, "peacestate_records_in_total") - metricSum(atFreeze, "peacestate_records_in_total")).toBeLessThan(2_000)
      expect(rss(late) - rss(atFreeze)).toBeLessThan(64e6)
      await sleep(Math.max(0, OutageMs - (Date.now() - downAt)))
      expect(archiver.exited()).toBe(false)
      expect(archiver.stderr()).toContain("object store request failed, retrying")
      await outage.up()

      await cleanExit(producer, 90_000)
      const ends = await endOffsets(names.REPORTS_TOPIC)
      expect(sumOf(ends)).toBe(Count)
      // The idle flush (every 5 s) stores the last open files and commits them.
      await eventually("the archiver to commit everything", async () => ((await caughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC)) ? true : undefined), 60_000, 500)
      archiver.signal("SIGTERM")
      await cleanExit(archiver, 10_000)

      const files = await readS3Archive(names.S3_PREFIX)
      expect(checkExactlyOnce(names.REPORTS_TOPIC, files, ends)).toMatchObject(exactlyOnce(Count))
      const expected = Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(reports(sim)))).map((r) => r.reportId)
      expect(files.flatMap((f) => f.reports.map((r) => r.report.reportId)).sort()).toStrictEqual([...expected].sort())
    } finally {
      if (realOutage && !(await portOpen(Number(endpoint.port)))) await infraCtl("s3-start")
      await proxy.close()
      await Promise.all([deleteTopics(names), removeS3Prefix(names.S3_PREFIX)])
    }
  }, 180_000)

  it("SIGTERM while S3 is down: the archiver exits within 10 s without committing, and a restart completes the archive exactly once", async () => {
    const names = uniqueNames("s3-outage-stop", 3)
    const proxy = await outageRelay(new URL(s3Env().endpoint))
    const count = 6_000
    try {
      await runToEnd("simulate", ["simulate", "--to", "kafka", "--seed", "29", "--count", String(count), "--drones", "20"], names, 60_000)
      const first = startCli("archive-1", ["archive", "--metrics-port", "0", "--max-records-per-file", "500"], { ...names, S3_ENDPOINT: proxy.url })
      const base = await metricsBase(first)
      await eventually("the archiver to store some files", async () => (metricSum(await scrape(base), "peacestate_files_written_total") >= 2 ? true : undefined), 60_000, 100)
      await proxy.down()
      await sleep(2_000)
      const committed = sumOf(await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))
      const stopAt = Date.now()
      first.signal("SIGTERM")
      const exit = await first.exitWithin(10_000)
      const stopMs = Date.now() - stopAt
      console.log(`s3 outage stop: exit ${exit.code} after ${stopMs} ms; committed ${committed} of ${count}`)
      expect(exit.code).toBe(1)
      expect(first.stderr()).toContain("could not flush and commit within")
      expect(sumOf(await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))).toBe(committed)

      await proxy.up()
      const second = startCli("archive-2", ["archive", "--idle-exit", "5s", "--max-records-per-file", "500"], { ...names, S3_ENDPOINT: proxy.url })
      await cleanExit(second, 90_000)
      const ends = await endOffsets(names.REPORTS_TOPIC)
      expect(checkExactlyOnce(names.REPORTS_TOPIC, await readS3Archive(names.S3_PREFIX), ends)).toMatchObject(exactlyOnce(count))
    } finally {
      await proxy.close()
      await Promise.all([deleteTopics(names), removeS3Prefix(names.S3_PREFIX)])
    }
  }, 180_000)
})
