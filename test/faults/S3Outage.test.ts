// Fault: S3 goes away for 20 s while reports keep arriving. The archiver retries with backoff, commits
// nothing it has not stored, and once S3 is back the archive is complete and holds every report once.
// Production lasts until the archiver has stored files again after the outage, however long the phases
// take on the machine at hand; the outage's phases follow what the archiver is observed to do.
//
// The outage is a TCP relay in front of S3 taken down (new connections refused, open ones cut), so the
// other test files can keep using S3 meanwhile. FAULTS_REAL_OUTAGE=1 stops the S3 server itself
// (infra.sh s3-stop / s3-start) instead: only where nothing else uses it.
import { expect, it } from "@effect/vitest"
import { cleanExit, type Proc, runToEnd } from "../support/Children.js"
import { describeFault, withFaultRun } from "../support/FaultRun.js"
import {
  checkSimulated,
  infraCtl,
  metricsBase,
  metricSum,
  portOpen,
  readReports,
  scrape,
  simulatedPrefix,
  stopWhenCaughtUp
} from "../support/Faults.js"
import { s3Env } from "../support/Infra.js"
import { committedOffsets, endOffsets, sumOf } from "../support/Kafka.js"
import { checkExactlyOnce, exactlyOnce, readS3Archive } from "../support/S3Archive.js"
import { eventually, sleep } from "../support/Wait.js"
const realOutage = process.env.FAULTS_REAL_OUTAGE === "1"

const Rate = 1_000
const OutageMs = 20_000

const RetryLine = /object store request failed, retrying/g
const retries = (proc: Proc) => (proc.stderr().match(RetryLine) ?? []).length

/**
 * Resolves once the archiver has failed an S3 request after this call: it is then blocked in that
 * request's retries, and as it stores and commits in order, nothing it has not stored can be committed
 * until S3 answers again (a request in flight when S3 went away has failed by then).
 */
const blockedOnS3 = (proc: Proc) => {
  const before = retries(proc)
  return eventually(
    "the archiver to retry a failed S3 request",
    () => (retries(proc) > before ? true : undefined),
    60_000,
    100
  )
}

describeFault("fault: S3 outage", () => {
  it(
    "the archiver retries through a 20 s outage, commits only what it stored, and the archive ends complete and exactly once",
    () =>
      withFaultRun("s3-outage", { partitions: 3 }, async (run) => {
        const { names } = run
        const endpoint = new URL(s3Env().endpoint)
        const proxy = await run.outageRelay()
        const outage = realOutage
          ? {
              down: () => infraCtl("s3-stop").then(() => undefined),
              up: () => infraCtl("s3-start").then(() => undefined),
              url: endpoint.origin
            }
          : { down: proxy.down, up: proxy.up, url: proxy.url }
        try {
          const archiver = run.archiver("archive", ["--metrics-port", "0", "--max-records-per-file", "1000"], {
            S3_ENDPOINT: outage.url
          })
          const base = await metricsBase(archiver, 90_000)
          const production = run.produce({
            seed: 23,
            drones: 30,
            start: "2026-11-02T00:00:00Z",
            rate: Rate,
            alertRatio: 0.01
          })
          await eventually(
            "the archiver to store some files",
            async () => (metricSum(await scrape(base), "peacestate_files_written_total") >= 2 ? true : undefined),
            90_000
          )

          await outage.down()
          const downAt = Date.now()
          if (realOutage) expect(await portOpen(Number(endpoint.port))).toBe(false)
          // Once a request has failed, nothing more is stored, so nothing more is committed.
          await blockedOnS3(archiver)
          const frozen = await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC)
          // Backpressure: the blocked put holds the consumer, so reports pile up in Kafka (lag), not in memory.
          const atFreeze = await scrape(base)
          const filesAtFreeze = metricSum(atFreeze, "peacestate_files_written_total")
          const samples = await Array.from({ length: 4 }).reduce<Promise<ReadonlyArray<number>>>(
            (acc) =>
              acc.then(async (seen) => [
                ...seen,
                await sleep(3_000)
                  .then(() => committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))
                  .then(sumOf)
              ]),
            Promise.resolve([])
          )
          expect(samples.every((n) => n === sumOf(frozen))).toBe(true)
          const during = await scrape(base)
          expect(metricSum(during, "peacestate_files_written_total")).toBe(filesAtFreeze)
          expect(metricSum(during, "peacestate_records_in_total")).toBeGreaterThan(0)
          // The lag gauge is sampled every 5 s: wait for it to show the reports produced since the freeze.
          const lagAtFreeze = metricSum(atFreeze, "peacestate_consumer_lag")
          await eventually(
            "the consumer lag to grow",
            async () => (metricSum(await scrape(base), "peacestate_consumer_lag") > lagAtFreeze ? true : undefined),
            60_000,
            500
          )
          await sleep(Math.max(0, OutageMs - 2_000 - (Date.now() - downAt)))
          const late = await scrape(base)
          const rss = (m: ReadonlyMap<string, number>) => metricSum(m, "process_resident_memory_bytes")
          const mb = (n: number) => Math.round(n / 1e6)
          console.log(
            `s3 outage: consumer lag ${lagAtFreeze} → ${metricSum(late, "peacestate_consumer_lag")}, ` +
              `records in ${metricSum(atFreeze, "peacestate_records_in_total")} → ${metricSum(late, "peacestate_records_in_total")}, ` +
              `RSS ${mb(rss(atFreeze))} → ${mb(rss(late))} MB; outage ${Math.max(OutageMs, Date.now() - downAt)} ms`
          )
          expect(metricSum(late, "peacestate_files_written_total")).toBe(filesAtFreeze)
          expect(
            metricSum(late, "peacestate_records_in_total") - metricSum(atFreeze, "peacestate_records_in_total")
          ).toBeLessThan(2_000)
          expect(rss(late) - rss(atFreeze)).toBeLessThan(64e6)
          expect(sumOf(await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))).toBe(sumOf(frozen))
          await sleep(Math.max(0, OutageMs - (Date.now() - downAt)))
          expect(archiver.exited()).toBe(false)
          expect(archiver.stderr()).toContain("object store request failed, retrying")
          await outage.up()

          // The archiver stores again (reports still arriving); then production stops and the archiver catches up.
          await eventually(
            "the archiver to store files again",
            async () =>
              metricSum(await scrape(base), "peacestate_files_written_total") > filesAtFreeze ? true : undefined,
            120_000,
            500
          )
          const count = await production.stop()
          // The idle flush (every 5 s) stores the last open files and commits them.
          await stopWhenCaughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC, [archiver])

          const ends = await endOffsets(names.REPORTS_TOPIC)
          expect(sumOf(ends)).toBe(count)
          const files = await readS3Archive(names.S3_PREFIX)
          expect(checkExactlyOnce(names.REPORTS_TOPIC, files, ends)).toMatchObject(exactlyOnce(count))
          // The archive holds the very reports on the topic, which are the simulation's.
          const produced = await readReports(names.REPORTS_TOPIC)
          expect(checkSimulated(production, produced)).toMatchObject(simulatedPrefix(count))
          expect(files.flatMap((f) => f.reports.map((r) => r.report.reportId)).sort()).toStrictEqual(
            produced.map((r) => r.report.reportId).sort()
          )
        } finally {
          // The S3 server itself back before the fixture removes the run's prefix.
          if (realOutage && !(await portOpen(Number(endpoint.port)))) await infraCtl("s3-start")
        }
      }),
    300_000
  )

  it(
    "SIGTERM while S3 is down: the archiver exits within 10 s without committing, and a restart completes the archive exactly once",
    () =>
      withFaultRun("s3-outage-stop", { partitions: 3 }, async ({ names, archiver, outageRelay }) => {
        const proxy = await outageRelay()
        const count = 6_000
        await runToEnd(
          "simulate",
          ["simulate", "--to", "kafka", "--seed", "29", "--count", String(count), "--drones", "20"],
          names,
          60_000
        )
        const first = archiver("archive-1", ["--metrics-port", "0", "--max-records-per-file", "500"], {
          S3_ENDPOINT: proxy.url
        })
        const base = await metricsBase(first, 90_000)
        await eventually(
          "the archiver to store some files",
          async () => (metricSum(await scrape(base), "peacestate_files_written_total") >= 2 ? true : undefined),
          90_000,
          100
        )
        await proxy.down()
        // It holds reports it cannot store (a put, or the idle flush of the last open files, failing).
        await blockedOnS3(first)
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
        const second = archiver("archive-2", ["--idle-exit", "5s", "--max-records-per-file", "500"], {
          S3_ENDPOINT: proxy.url
        })
        await cleanExit(second, 150_000)
        const ends = await endOffsets(names.REPORTS_TOPIC)
        expect(checkExactlyOnce(names.REPORTS_TOPIC, await readS3Archive(names.S3_PREFIX), ends)).toMatchObject(
          exactlyOnce(count)
        )
      }),
    240_000
  )
})
