import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ofReports, toAnalysis } from "../../src/domain/Stats.js"
import { reports } from "../../src/simulator/Simulator.js"
import { runCli } from "../support/RunCli.js"

const dir = mkdtempSync(join(tmpdir(), "peacestate-analyze-"))
const data = join(dir, "data")
const sim = { seed: 5, count: 6000, drones: 25, startMs: Date.parse("2026-11-06T22:00:00Z"), alertRatio: 0.1 }
const args = [
  "--seed",
  "5",
  "--count",
  "6000",
  "--drones",
  "25",
  "--start",
  "2026-11-06T22:00:00Z",
  "--alert-ratio",
  "0.1"
]
const simulated = Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(reports(sim))))
const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split("\n").at(-1)!)

describe("peacestate analyze", () => {
  it("answers over a folder archive with worker threads, by shards merged, and within --from/--until", async () => {
    const demo = await runCli(["demo", ...args, "--data-dir", data, "--json", "--workers", "1"])
    expect(demo.code, demo.stderr).toBe(0)
    const expected = toAnalysis(ofReports(simulated, 20))

    // ANALYZER_MIN_BYTES_PER_WORKER=0: use the worker pool even for this small archive.
    const full = await runCli(["analyze", "--source", data, "--json", "--workers", "2"], {
      ANALYZER_MIN_BYTES_PER_WORKER: "0",
      LOG_LEVEL: "debug"
    })
    expect(full.code, full.stderr).toBe(0)
    expect(lastJson(full.stdout)).toStrictEqual(expected)
    expect(full.stderr).toMatch(/analyzed \d+\/\d+ files/)
    expect(full.stderr).toContain("with 2 worker threads")

    const shards = await Promise.all(
      [0, 1, 2].map((i) => runCli(["analyze", "--source", data, "--shard", `${i}/3`, "--workers", "1"]))
    )
    shards.forEach((s, i) => writeFileSync(join(dir, `state-${i}.json`), s.stdout))
    const merged = await runCli(["analyze", "merge", ...[0, 1, 2].map((i) => join(dir, `state-${i}.json`)), "--json"])
    expect(merged.code, merged.stderr).toBe(0)
    expect(lastJson(merged.stdout)).toStrictEqual(expected)

    const from = "2026-11-07T01:00:00Z"
    const until = "2026-11-07T03:00:00Z"
    const window = await runCli([
      "analyze",
      "--source",
      data,
      "--json",
      "--from",
      from,
      "--until",
      until,
      "--workers",
      "0",
      "--threshold",
      "30"
    ])
    expect(window.code, window.stderr).toBe(0)
    const inWindow = simulated.filter((r) => r.timestamp >= "2026-11-07T01" && r.timestamp < "2026-11-07T03")
    expect(inWindow.length).toBeGreaterThan(0)
    expect(lastJson(window.stdout)).toStrictEqual(toAnalysis(ofReports(inWindow, 30)))
  }, 240_000)

  it("rejects a malformed --shard with a clear message", async () => {
    const r = await runCli(["analyze", "--source", data, "--shard", "3/3"])
    expect(r.code).not.toBe(0)
    expect(r.stdout + r.stderr).toContain("--shard")
  })
})
