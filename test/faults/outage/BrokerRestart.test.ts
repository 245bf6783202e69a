// Fault: the Kafka broker restarts while the simulator produces (--rate) and the alerter and archiver
// consume. Everyone rides it out: the archive holds every produced report exactly once, every alert is
// on the alerts topic (at-least-once: compared as sets).
//
// This stops the shared broker (infra.sh kafka-stop / kafka-start): it runs in its own vitest
// invocation, after the other test files (see package.json "test").
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { alertsOf } from "../../../src/domain/AlertRule.js"
import { reports } from "../../../src/simulator/Simulator.js"
import { alertIdsOn, caughtUp, infraCtl, kafkaPort, metricsBase, metricSum, portOpen, readRawTopic, scrape } from "../../support/Faults.js"
import { skipReason } from "../../support/Infra.js"
import {
  checkExactlyOnce,
  cleanExit,
  deleteTopics,
  endOffsets,
  eventually,
  exactlyOnce,
  killLeftovers,
  readS3Archive,
  removeS3Prefix,
  sleep,
  startCli,
  sumOf,
  uniqueNames
} from "../../support/Processes.js"

const skip = skipReason()

const Count = 24_000
const Rate = 800
const DownMs = Number(process.env.FAULTS_BROKER_DOWN_MS ?? 8_000)
const sim = { seed: 31, count: Count, drones: 40, startMs: Date.parse("2026-11-02T00:00:00.000Z"), alertRatio: 0.05 }

describe.skipIf(skip !== undefined)("fault: broker restart", () => {
  afterEach(killLeftovers)

  it("producer, alerter and archiver ride out a broker restart: nothing lost, archive exactly once, all alerts", async () => {
    const names = uniqueNames("broker-restart", 3)
    const port = kafkaPort()
    try {
      const archiver = startCli("archive", ["archive", "--metrics-port", "0", "--max-records-per-file", "1000"], names)
      const alerter = startCli("alert", ["alert", "--metrics-port", "0"], names)
      const [archiverBase, alerterBase] = await Promise.all([metricsBase(archiver), metricsBase(alerter)])
      const producer = startCli(
        "simulate",
        ["simulate", "--to", "kafka", "--seed", "31", "--count", String(Count), "--drones", "40", "--rate", String(Rate), "--alert-ratio", "0.05"],
        names
      )
      await eventually(
        "both consumers to read some reports",
        async () => {
          const [a, b] = await Promise.all([scrape(archiverBase), scrape(alerterBase)])
          return metricSum(a, "peacestate_files_written_total") >= 1 && metricSum(b, "peacestate_alerts_total") >= 1 ? true : undefined
        },
        60_000
      )

      await infraCtl("kafka-stop")
      expect(await portOpen(port)).toBe(false)
      await sleep(DownMs)
      await infraCtl("kafka-start")
      expect(await portOpen(port)).toBe(true)

      await cleanExit(producer, 120_000)
      // The idempotent producer: a retried send is not written twice.
      const ends = await endOffsets(names.REPORTS_TOPIC)
      expect(sumOf(ends)).toBe(Count)
      expect(archiver.exited(), archiver.stderr().slice(-4000)).toBe(false)
      expect(alerter.exited(), alerter.stderr().slice(-4000)).toBe(false)
      await eventually(
        "both groups to commit everything",
        async () =>
          (await caughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC)) && (await caughtUp(names.ALERTER_GROUP, names.REPORTS_TOPIC)) ? true : undefined,
        90_000,
        500
      )
      archiver.signal("SIGTERM")
      alerter.signal("SIGTERM")
      await Promise.all([cleanExit(archiver, 10_000), cleanExit(alerter, 10_000)])

      const simulated = Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(reports(sim))))
      const files = await readS3Archive(names.S3_PREFIX)
      expect(checkExactlyOnce(names.REPORTS_TOPIC, files, ends)).toMatchObject(exactlyOnce(Count))
      expect(files.flatMap((f) => f.reports.map((r) => r.report.reportId)).sort()).toStrictEqual(simulated.map((r) => r.reportId).sort())

      const expectedAlerts = simulated.flatMap((r) => alertsOf(r, { detectedAt: new Date(0) }).map((a) => a.alertId)).sort()
      const alerts = await readRawTopic(names.ALERTS_TOPIC)
      expect(alerts.length).toBeGreaterThanOrEqual(expectedAlerts.length)
      expect(alertIdsOn(alerts)).toStrictEqual(expectedAlerts)
    } finally {
      if (!(await portOpen(port))) await infraCtl("kafka-start")
      await Promise.all([deleteTopics(names), removeS3Prefix(names.S3_PREFIX)])
    }
  }, 240_000)
})
