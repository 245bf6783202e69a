import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import { hasAlert } from "../../src/domain/AlertRule.js"
import { decodeReport } from "../../src/domain/Codec.js"
import type { Report } from "../../src/domain/Report.js"
import { reportLines } from "../../src/simulator/Simulator.js"
import { runCli } from "../support/RunCli.js"

const run = { seed: 42, count: 100_000, drones: 37, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01 }
const collect = (r: typeof run) => Effect.map(Stream.runCollect(reportLines(r)), Chunk.toReadonlyArray)

describe("Simulator", () => {
  it.effect("same arguments give byte-identical output; every line is a valid report", () =>
    Effect.gen(function* () {
      const a = yield* collect(run)
      const b = yield* collect(run)
      expect(a.length).toBe(run.count)
      expect(a.join("\n")).toBe(b.join("\n"))
      const reports = a.map((line) => Either.getOrElse(decodeReport(line), (e) => expect.fail(e.message)) as Report)

      // alert share within [0.5x, 2x] of the target
      const share = reports.filter((r) => hasAlert(r)).length / reports.length
      expect(share).toBeGreaterThanOrEqual(run.alertRatio * 0.5)
      expect(share).toBeLessThanOrEqual(run.alertRatio * 2)

      // per drone, timestamps exactly one minute apart, starting at --start
      const perDrone = new Map<string, Array<Report>>()
      reports.forEach((r) => {
        const list = perDrone.get(r.droneId) ?? []
        list.push(r)
        perDrone.set(r.droneId, list)
      })
      expect(perDrone.size).toBe(run.drones)
      perDrone.forEach((rs) => {
        expect(Date.parse(rs[0]!.timestamp)).toBe(run.startMs)
        rs.slice(1).forEach((r, i) => expect(Date.parse(r.timestamp) - Date.parse(rs[i]!.timestamp)).toBe(60_000))
      })
      expect(new Set(reports.map((r) => r.reportId)).size).toBe(run.count)
    })
  )

  it.effect("other seeds give other reports", () =>
    Effect.gen(function* () {
      const a = yield* collect({ ...run, count: 100 })
      const b = yield* collect({ ...run, count: 100, seed: 43 })
      expect(a.join("\n")).not.toBe(b.join("\n"))
    })
  )

  it.effect("--alert-ratio steers the share of alerting reports", () =>
    Effect.gen(function* () {
      const lines = yield* collect({ ...run, count: 20_000, alertRatio: 0.2 })
      const share = lines.filter((l) => hasAlert(JSON.parse(l))).length / lines.length
      expect(share).toBeGreaterThan(0.1)
      expect(share).toBeLessThan(0.4)
    })
  )

  it("peacestate simulate --to stdout prints the contract's reports", async () => {
    const args = [
      "simulate",
      "--to",
      "stdout",
      "--seed",
      "1",
      "--count",
      "10",
      "--drones",
      "2",
      "--start",
      "2026-11-02T00:00:00Z"
    ]
    const first = await runCli(args)
    const second = await runCli(args)
    expect(first.code).toBe(0)
    expect(first.stdout).toBe(second.stdout)
    const lines = first.stdout.trimEnd().split("\n")
    expect(lines).toHaveLength(10)
    lines.forEach((l) => expect(Either.isRight(decodeReport(l))).toBe(true))
  })

  it("rejects a bad --start with a clear message", async () => {
    const result = await runCli(["simulate", "--start", "yesterday", "--count", "1"])
    expect(result.code).not.toBe(0)
    expect(result.stdout + result.stderr).toContain("--start")
  })
})
