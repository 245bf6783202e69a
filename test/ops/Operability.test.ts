// Operability of the long-running components against the real Kafka and S3: /metrics, /healthz and
// /readyz; no secret in the logs; SIGTERM/SIGINT flush, commit and exit 0 within 10 s.
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { reports } from "../../src/simulator/Simulator.js"
import { caughtUp, httpStatus, metricsBase, metricSum, scrape } from "../support/Faults.js"
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
  startCli,
  sumOf,
  uniqueNames
} from "../support/Processes.js"

const skip = skipReason()

const simulateArgs = (count: number, extra: ReadonlyArray<string> = []) => [
  "simulate",
  "--to",
  "kafka",
  "--seed",
  "7",
  "--count",
  String(count),
  "--drones",
  "20",
  ...extra
]
const simulatedIds = (count: number) =>
  Chunk.toReadonlyArray(
    Effect.runSync(
      Stream.runCollect(
        reports({ seed: 7, count, drones: 20, startMs: Date.parse("2026-11-02T00:00:00.000Z"), alertRatio: 0.01 })
      )
    )
  ).map((r) => r.reportId)

describe.skipIf(skip !== undefined)("operability", () => {
  afterEach(killLeftovers)

  it("serves /healthz at once, /readyz 503 until the consumer holds partitions, and the counters on /metrics", async () => {
    const names = uniqueNames("ops-metrics", 3)
    try {
      // A broker that never answers: the server is up (healthz 200), the consumer never joins (readyz 503).
      const stuck = startCli("archive-no-kafka", ["archive"], {
        ...names,
        METRICS_PORT: "0",
        KAFKA_BROKERS: "127.0.0.1:1"
      })
      const stuckBase = await metricsBase(stuck)
      expect(await httpStatus(`${stuckBase}/healthz`)).toBe(200)
      expect(await httpStatus(`${stuckBase}/readyz`)).toBe(503)
      expect(await httpStatus(`${stuckBase}/nothing-here`)).toBe(404)
      stuck.signal("SIGKILL")

      await runToEnd("simulate", simulateArgs(3000), names)
      const archiver = startCli("archive", ["archive", "--metrics-port", "0", "--max-records-per-file", "400"], names)
      const alerter = startCli("alert", ["alert"], { ...names, METRICS_PORT: "0" })
      const [archiverBase, alerterBase] = await Promise.all([metricsBase(archiver), metricsBase(alerter)])
      expect(archiverBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      await eventually("archiver ready", async () =>
        (await httpStatus(`${archiverBase}/readyz`)) === 200 ? true : undefined
      )
      await eventually("alerter ready", async () =>
        (await httpStatus(`${alerterBase}/readyz`)) === 200 ? true : undefined
      )
      await eventually(
        "archiver caught up",
        async () => ((await caughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC)) ? true : undefined),
        60_000
      )
      await eventually(
        "alerter caught up",
        async () => ((await caughtUp(names.ALERTER_GROUP, names.REPORTS_TOPIC)) ? true : undefined),
        60_000
      )

      // The lag is sampled every 5 s: wait for a sample taken after the commits.
      const lagOf0 = `peacestate_consumer_lag{component="archiver",topic="${names.REPORTS_TOPIC}",group="${names.ARCHIVER_GROUP}",partition="0"}`
      const archived = await eventually(
        "archiver metrics with zero lag",
        async () => {
          const m = await scrape(archiverBase)
          return m.has(lagOf0) && metricSum(m, "peacestate_consumer_lag") === 0 ? m : undefined
        },
        30_000
      )
      const label = '{component="archiver"}'
      expect(archived.get(`peacestate_records_in_total${label}`)).toBe(3000)
      expect(archived.get(`peacestate_reports_archived_total${label}`)).toBe(3000)
      expect(archived.get(`peacestate_records_rejected_total${label}`)).toBe(0)
      expect(archived.get(`peacestate_files_written_total${label}`)).toBeGreaterThanOrEqual(8)
      expect(archived.get(`peacestate_objects_written_total${label}`)).toBe(
        archived.get(`peacestate_files_written_total${label}`)
      )
      expect(archived.get(`peacestate_object_bytes_written_total${label}`)).toBeGreaterThan(0)
      expect(archived.get(`peacestate_flush_seconds_count${label}`)).toBe(
        archived.get(`peacestate_files_written_total${label}`)
      )
      expect(archived.get(`peacestate_flush_seconds_sum${label}`)).toBeGreaterThan(0)
      expect(archived.get(`peacestate_assigned_partitions${label}`)).toBe(3)
      expect(archived.get(`peacestate_ready${label}`)).toBe(1)
      expect(archived.get("process_resident_memory_bytes")).toBeGreaterThan(10_000_000)
      expect(archived.get(`peacestate_flush_seconds_bucket{component="archiver",le="+Inf"}`)).toBe(
        archived.get(`peacestate_files_written_total${label}`)
      )

      const alerts = await scrape(alerterBase)
      expect(alerts.get('peacestate_records_in_total{component="alerter"}')).toBe(3000)
      expect(alerts.get('peacestate_alerts_total{component="alerter"}')).toBeGreaterThan(0)
      const text = await (await fetch(`${alerterBase}/metrics`)).text()
      expect(text).toContain("# TYPE peacestate_records_in_total counter")
      expect(text).toContain("# TYPE peacestate_consumer_lag gauge")
      expect(text).toContain("# TYPE peacestate_batch_seconds histogram")
      expect(text).toContain("# TYPE peacestate_alert_latency_seconds histogram")

      archiver.signal("SIGTERM")
      alerter.signal("SIGTERM")
      await Promise.all([cleanExit(archiver, 10_000), cleanExit(alerter, 10_000)])
    } finally {
      await Promise.all([deleteTopics(names), removeS3Prefix(names.S3_PREFIX)])
    }
  }, 150_000)

  it("never writes the S3 secret to the logs, at debug level, whether the secret is accepted or refused", async () => {
    const names = uniqueNames("ops-secret", 3)
    const secret = s3Env().secretAccessKey
    expect(secret.length).toBeGreaterThan(0)
    try {
      const produced = startCli("simulate", simulateArgs(200), { ...names, LOG_LEVEL: "debug" })
      const archiver = startCli("archive", ["archive", "--idle-exit", "2s"], { ...names, LOG_LEVEL: "debug" })
      await cleanExit(produced, 60_000)
      await cleanExit(archiver, 90_000)
      expect(archiver.stderr()).toContain('"logLevel":"DEBUG"')
      expect(archiver.stderr()).toContain("stopped after 200 reports")
      expect(archiver.stderr()).not.toContain(secret)
      expect(produced.stderr()).not.toContain(secret)

      const wrong = `wrong-${Math.random().toString(36).slice(2)}-secret`
      const refused = startCli("archive-refused", ["archive", "--idle-exit", "2s"], {
        ...names,
        LOG_LEVEL: "debug",
        AWS_SECRET_ACCESS_KEY: wrong
      })
      expect((await refused.exitWithin(90_000)).code).toBe(1)
      expect(refused.stderr()).toMatch(/SignatureDoesNotMatch|InvalidAccessKeyId|AccessDenied|HTTP 403/)
      expect(refused.stderr()).not.toContain(wrong)
      expect(refused.stderr()).not.toContain(secret)
    } finally {
      await Promise.all([deleteTopics(names), removeS3Prefix(names.S3_PREFIX)])
    }
  }, 150_000)

  it("SIGTERM mid-run: exit 0 within 10 s, the archive holds exactly the committed offsets; a restart completes it exactly once", async () => {
    const names = uniqueNames("ops-sigterm", 3)
    const count = 20_000
    try {
      const producer = startCli("simulate", simulateArgs(count, ["--rate", "2500"]), names)
      const archiver = startCli("archive", ["archive", "--metrics-port", "0", "--max-records-per-file", "500"], names)
      const base = await metricsBase(archiver)
      await eventually(
        "the archiver to consume some reports",
        async () => (metricSum(await scrape(base), "peacestate_records_in_total") >= 2000 ? true : undefined),
        60_000,
        100
      )
      // Mid-run: the producer is still sending.
      expect(producer.exited()).toBe(false)
      archiver.signal("SIGTERM")
      const signalledAt = Date.now()
      await cleanExit(archiver, 10_000)
      expect(Date.now() - signalledAt).toBeLessThan(10_000)

      // Nothing partial: every offset below the committed ones is stored once, nothing beyond them.
      const committed = await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC)
      expect(sumOf(committed)).toBeGreaterThanOrEqual(2000)
      expect(checkExactlyOnce(names.REPORTS_TOPIC, await readS3Archive(names.S3_PREFIX), committed)).toMatchObject(
        exactlyOnce(sumOf(committed))
      )

      // The producer finishes; a second archiver takes over from the committed offsets and completes the archive.
      await cleanExit(producer, 60_000)
      const ends = await endOffsets(names.REPORTS_TOPIC)
      expect(sumOf(ends)).toBe(count)
      await runToEnd("archive-again", ["archive", "--idle-exit", "3s"], names, 90_000)
      const files = await readS3Archive(names.S3_PREFIX)
      expect(checkExactlyOnce(names.REPORTS_TOPIC, files, ends)).toMatchObject(exactlyOnce(count))
      expect(files.flatMap((f) => f.reports.map((r) => r.report.reportId)).sort()).toStrictEqual(
        [...simulatedIds(count)].sort()
      )
    } finally {
      await Promise.all([deleteTopics(names), removeS3Prefix(names.S3_PREFIX)])
    }
  }, 150_000)

  it("SIGINT: the alerter commits and exits 0 within 10 s", async () => {
    const names = uniqueNames("ops-sigint", 3)
    try {
      await runToEnd("simulate", simulateArgs(2000), names)
      const alerter = startCli("alert", ["alert", "--metrics-port", "0"], names)
      const base = await metricsBase(alerter)
      await eventually(
        "the alerter to read everything",
        async () => (metricSum(await scrape(base), "peacestate_records_in_total") === 2000 ? true : undefined),
        60_000
      )
      alerter.signal("SIGINT")
      const signalledAt = Date.now()
      await cleanExit(alerter, 10_000)
      expect(Date.now() - signalledAt).toBeLessThan(10_000)
      expect(await caughtUp(names.ALERTER_GROUP, names.REPORTS_TOPIC)).toBe(true)
    } finally {
      await deleteTopics(names)
    }
  }, 120_000)
})
