import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as InMemoryLog from "../../src/adapters/InMemoryLog.js"
import * as LocalObjectStore from "../../src/adapters/LocalObjectStore.js"
import { encodeReport } from "../../src/domain/Codec.js"
import { ofReports, toAnalysis } from "../../src/domain/Stats.js"
import { runDemo } from "../../src/pipeline/Demo.js"
import { reports } from "../../src/simulator/Simulator.js"
import { readArchive } from "../support/Archive.js"
import { duckQuery, questionsSql } from "../support/DuckDb.js"
import { runCli } from "../support/RunCli.js"

const sim = { seed: 7, count: 30_000, drones: 40, startMs: Date.parse("2026-11-06T20:00:00Z"), alertRatio: 0.05 }
const dataDir = mkdtempSync(join(tmpdir(), "peacestate-demo-"))

const demo = runDemo({
  source: { _tag: "Simulator", ...sim },
  dataDir,
  threshold: 20,
  workers: 2,
  maxRecordsPerFile: 4000,
  progress: false
}).pipe(
  Effect.provide(
    Layer.mergeAll(InMemoryLog.layer, LocalObjectStore.layer(dataDir)).pipe(Layer.provideMerge(NodeContext.layer))
  )
)

describe("peacestate demo (embedded)", () => {
  // it.live: the consumers poll on the real clock (it.effect would freeze it with the TestClock).
  it.live(
    "archives every produced report exactly once, raises every alert, and the analysis matches a recomputation",
    () =>
      Effect.gen(function* () {
        const summary = yield* demo
        const simulated = Chunk.toReadonlyArray(yield* Stream.runCollect(reports(sim)))
        expect(summary.produced).toBe(sim.count)
        expect(summary.rejected).toBe(0)
        expect(summary.archived).toBe(sim.count)
        expect(summary.alerts).toBe(simulated.flatMap((r) => r.citizens).filter((c) => c.peacescore < 20).length)

        const archive = readArchive(dataDir)
        expect(archive.length).toBe(sim.count)
        expect(summary.files).toBe(new Set(archive.map((a) => a.key)).size)
        expect(new Set(archive.map((a) => `${a.partition}/${a.offset}`)).size).toBe(sim.count)
        expect(new Set(archive.map((a) => a.report.reportId))).toStrictEqual(new Set(simulated.map((r) => r.reportId)))
        // Same reports, byte for byte once re-encoded; each file in the folder of its reports' hour.
        const byId = new Map(simulated.map((r) => [r.reportId, encodeReport(r)]))
        archive.forEach((a) => {
          expect(encodeReport(a.report)).toBe(byId.get(a.report.reportId))
          expect(a.key).toContain(`date=${a.report.timestamp.slice(0, 10)}/hour=${a.report.timestamp.slice(11, 13)}/`)
        })
        expect(summary.analysis).toStrictEqual(toAnalysis(ofReports(simulated, 20)))
      }),
    120_000
  )

  it("the archive reads in DuckDB with the contract's columns and gives the same answers", async () => {
    const glob = `${dataDir}/reports/**/*.parquet`
    const columns = await duckQuery(`DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`)
    const types = Object.fromEntries(columns.map((c) => [c["column_name"], c["column_type"]]))
    expect(types).toMatchObject({
      report_id: "VARCHAR",
      drone_id: "VARCHAR",
      timestamp: expect.stringMatching(/^TIMESTAMP( WITH TIME ZONE)?$/),
      latitude: "DOUBLE",
      longitude: "DOUBLE",
      citizens: 'STRUCT("name" VARCHAR, peacescore INTEGER)[]',
      words: "VARCHAR[]",
      battery_pct: "DOUBLE",
      altitude_m: "DOUBLE",
      speed_mps: "DOUBLE",
      temperature_c: "DOUBLE",
      source_partition: "INTEGER",
      source_offset: "BIGINT"
    })
    expect(Object.keys(types)).toEqual(expect.arrayContaining(["date", "hour"]))

    const simulated = Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(reports(sim))))
    const expected = toAnalysis(ofReports(simulated, 20))
    const q = questionsSql(glob, 20)
    const [totals] = await duckQuery(q.totals)
    expect(Number(totals!["reports"])).toBe(expected.reports)
    expect(Number(totals!["alerts"])).toBe(expected.alerts)
    const wk = await duckQuery(q.weekdayVsWeekend)
    expect(wk.map((r) => [r["weekend"], Number(r["reports"]), Number(r["alerts"])])).toStrictEqual([
      [false, expected.weekdayVsWeekend.weekday.reports, expected.weekdayVsWeekend.weekday.alerts],
      [true, expected.weekdayVsWeekend.weekend.reports, expected.weekdayVsWeekend.weekend.alerts]
    ])
    const hours = await duckQuery(q.alertsByHour)
    const byHour = Array.from({ length: 24 }, (_, h) => Number(hours.find((r) => Number(r["h"]) === h)?.["n"] ?? 0))
    expect(byHour).toStrictEqual(expected.alertsByHour)
    expect(
      (await duckQuery(q.topAlertWords)).map((r) => ({ word: r["word"], count: Number(r["count"]) }))
    ).toStrictEqual(expected.topAlertWords)
    expect(
      (await duckQuery(q.hotspots)).map((r) => ({
        latitude: Number(r["lat"]) / 100,
        longitude: Number(r["lon"]) / 100,
        alerts: Number(r["alerts"])
      }))
    ).toStrictEqual(expected.hotspots)
    expect(
      (await duckQuery(q.repeatOffenders)).map((r) => ({ name: r["name"], alerts: Number(r["alerts"]) }))
    ).toStrictEqual(expected.repeatOffenders)
  }, 120_000)

  it("demo --from a file mixing valid reports and malformed lines: every valid one archived, every bad one rejected with its reason, exit 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "peacestate-from-"))
    const valid = Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(reports({ ...sim, count: 500 })))).map(
      encodeReport
    )
    const bad = [
      "{not json",
      "[]",
      JSON.stringify({ ...JSON.parse(valid[0]!), schemaVersion: 2 }),
      JSON.stringify({ ...JSON.parse(valid[1]!), reportId: "" }),
      JSON.stringify({ ...JSON.parse(valid[2]!), citizens: [{ name: "X", peacescore: 101 }] }),
      JSON.stringify({ ...JSON.parse(valid[3]!), location: { latitude: 95, longitude: 2 } })
    ]
    const lines = [...valid.slice(0, 250), ...bad, "", "   ", ...valid.slice(250)]
    writeFileSync(join(dir, "in.jsonl"), lines.join("\n") + "\n")
    const result = await runCli([
      "demo",
      "--from",
      join(dir, "in.jsonl"),
      "--data-dir",
      join(dir, "data"),
      "--json",
      "--workers",
      "1"
    ])
    expect(result.code, result.stderr).toBe(0)
    const summary = JSON.parse(result.stdout.trimEnd().split("\n").at(-1)!)
    expect(summary.produced).toBe(valid.length + bad.length)
    expect(summary.rejected).toBe(bad.length)
    expect(summary.archived).toBe(valid.length)
    expect(readArchive(join(dir, "data")).length).toBe(valid.length)
    expect(result.stderr).toContain("schemaVersion: expected the literal 1, got 2")
    expect(result.stderr).toContain("citizens[0].peacescore: expected an integer between 0 and 100, got 101")
    // A rejected line is named by its line number in the file (line 251 is the first bad one).
    expect(result.stderr).toContain(`line 251 of ${join(dir, "in.jsonl")}`)
    expect(result.stderr).toContain(`line ${250 + bad.length} of ${join(dir, "in.jsonl")}`)
  }, 120_000)
})
