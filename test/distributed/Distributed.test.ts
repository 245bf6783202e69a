// The distributed pipeline on the real Kafka and S3: the simulator publishes 30,000 reports (40 drones,
// seed 11) to a 6-partition topic while TWO alerter and TWO archiver processes run at once, each leaving
// by --idle-exit. Then: every report Kafka holds is in the S3 archive exactly once (by position and by
// reportId, byte-identical to what `simulate --to stdout` prints); the alerts topic holds exactly the set
// of alerts the rule gives over those reports; nothing is dead-lettered; and the analyzer over the S3
// archive answers what the embedded demo and the reference fold (Stats.ofReports) answer.
import { afterEach, describe, expect, it } from "@effect/vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Either } from "effect"
import type { Alert } from "../../src/domain/Alert.js"
import { alertsOf } from "../../src/domain/AlertRule.js"
import { decodeReport, encodeReport } from "../../src/domain/Codec.js"
import type { Report } from "../../src/domain/Report.js"
import { type Analysis, ofReports, toAnalysis } from "../../src/domain/Stats.js"
import { skipReason } from "../support/Infra.js"
import {
  archiverTotals,
  checkExactlyOnce,
  cleanExit,
  deleteTopics,
  endOffsets,
  exactlyOnce,
  FastGroups,
  killLeftovers,
  lastJsonLine,
  readS3Archive,
  readTopic,
  removeS3Prefix,
  runToEnd,
  startCli,
  sumOf,
  uniqueNames
} from "../support/Processes.js"

const skip = skipReason()

const Count = 30_000
const Simulation = ["--seed", "11", "--count", String(Count), "--drones", "40", "--start", "2026-11-02T00:00:00Z"]
const IdleExit = "10s"

const decodeLine = (line: string): Report =>
  Either.getOrElse(decodeReport(new TextEncoder().encode(line)), (e) => {
    throw new Error(`simulate --to stdout printed a bad report: ${e.message}`)
  })

/** An alert without its detection time, which differs from run to run. */
const stable = ({ detectedAt: _, ...rest }: Alert) => rest

describe.skipIf(skip !== undefined)("distributed: simulator → Kafka → 2 alerters + 2 archivers → S3 → analyzer", () => {
  afterEach(killLeftovers)

  it("archives every report once, raises exactly the expected alerts, dead-letters nothing, and analyzes like the embedded run", async () => {
    const started = Date.now()
    const names = uniqueNames("distributed", 6)
    const env = { ...names, ...FastGroups }
    const dataDir = mkdtempSync(join(tmpdir(), "peacestate-distributed-"))
    try {
      const alerters = [1, 2].map((i) => startCli(`alert-${i}`, ["alert", "--idle-exit", IdleExit], env))
      const archivers = [1, 2].map((i) => startCli(`archive-${i}`, ["archive", "--idle-exit", IdleExit], env))
      await runToEnd("simulate", ["simulate", "--to", "kafka", ...Simulation], env, 60_000)
      const exits = await Promise.all([...alerters, ...archivers].map((p) => cleanExit(p, 120_000)))
      const pipelineMs = Date.now() - started

      // What Kafka holds, what the archive holds, what the alerts and dead-letter topics hold.
      const ends = await endOffsets(names.REPORTS_TOPIC)
      expect(sumOf(ends)).toBe(Count)
      const files = await readS3Archive(names.S3_PREFIX)
      const check = checkExactlyOnce(names.REPORTS_TOPIC, files, ends)
      expect(check).toMatchObject(exactlyOnce(Count))
      const alertRecords = await readTopic(names.ALERTS_TOPIC)
      expect(sumOf(await endOffsets(names.DLQ_TOPIC))).toBe(0)

      // The reference: the same simulation on stdout, the alert rule over it, the embedded demo.
      const lines = (
        await runToEnd("simulate-stdout", ["simulate", "--to", "stdout", ...Simulation], {}, 60_000)
      ).stdout
        .split("\n")
        .filter((l) => l !== "")
      expect(lines).toHaveLength(Count)
      const reports = lines.map(decodeLine)
      const lineOf = new Map(lines.map((line, i) => [reports[i]!.reportId, line]))

      // Archived exactly the reports `simulate --to stdout` prints, byte for byte once encoded again.
      const archived = files.flatMap((f) => f.reports)
      expect(new Set(archived.map((r) => r.report.reportId))).toEqual(new Set(lineOf.keys()))
      const differing = archived.filter((r) => encodeReport(r.report) !== lineOf.get(r.report.reportId))
      expect(differing.map((r) => r.report.reportId).slice(0, 5)).toEqual([])

      // Alerts: exactly the rule's set (at-least-once allows duplicates; clean exits should leave none).
      const detectedAt = new Date(0)
      const expectedAlerts = reports.flatMap((r) => alertsOf(r, { detectedAt }))
      expect(expectedAlerts.length).toBeGreaterThan(100)
      const received = alertRecords.map((r) => JSON.parse(r.value) as Alert)
      const expectedById = new Map(expectedAlerts.map((a) => [a.alertId, stable(a)]))
      expect(new Set(received.map((a) => a.alertId))).toEqual(new Set(expectedById.keys()))
      const wrong = received.filter((a) => JSON.stringify(stable(a)) !== JSON.stringify(expectedById.get(a.alertId)))
      expect(wrong.slice(0, 3)).toEqual([])
      const droneKeyed = alertRecords.filter((r, i) => r.key !== received[i]!.droneId)
      expect(droneKeyed).toEqual([])
      const duplicateAlerts = received.length - expectedById.size

      // The analyzer over S3 = the embedded demo's analysis = the reference fold.
      const analyzed = lastJsonLine<Analysis>(
        (
          await runToEnd(
            "analyze",
            ["analyze", "--source", `s3://${process.env.S3_BUCKET ?? "peacestate"}/${names.S3_PREFIX}`, "--json"],
            {},
            60_000
          )
        ).stdout
      )
      const demo = lastJsonLine<{
        produced: number
        rejected: number
        alerts: number
        archived: number
        files: number
        analysis: Analysis
      }>((await runToEnd("demo", ["demo", ...Simulation, "--data-dir", dataDir, "--json"], {}, 120_000)).stdout)
      const reference = toAnalysis(ofReports(reports))
      expect(reference.reports).toBe(Count)
      expect(reference.alerts).toBe(expectedAlerts.length)
      expect(analyzed).toEqual(reference)
      expect(demo.analysis).toEqual(reference)
      expect(demo).toMatchObject({ produced: Count, rejected: 0, alerts: expectedAlerts.length, archived: Count })

      const totals = archivers.map(archiverTotals)
      console.log(
        `distributed: ${Count} reports, ${check.files} files, ${expectedAlerts.length} alerts (+${duplicateAlerts} duplicates), ` +
          `archivers ${JSON.stringify(totals)}, exits ${exits.map((e) => e.code).join(",")}, pipeline ${pipelineMs} ms, total ${Date.now() - started} ms`
      )
      expect(duplicateAlerts).toBe(0)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
      await removeS3Prefix(names.S3_PREFIX)
      await deleteTopics(names)
    }
  }, 240_000)
})
