import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { checkShards, type NamedState, type PartialState } from "../../src/analyzer/Partial.js"
import { empty, ofReports, toAnalysis } from "../../src/domain/Stats.js"
import { reports } from "../../src/simulator/Simulator.js"
import { runCli } from "../support/RunCli.js"

const dir = mkdtempSync(join(tmpdir(), "peacestate-guards-"))
const data = join(dir, "data")
const sim = { seed: 11, count: 8000, drones: 20, startMs: Date.parse("2026-11-06T22:00:00Z"), alertRatio: 0.2 }
const args = [
  "--seed",
  "11",
  "--count",
  "8000",
  "--drones",
  "20",
  "--start",
  "2026-11-06T22:00:00Z",
  "--alert-ratio",
  "0.2"
]
const simulated = Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(reports(sim))))
const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split("\n").at(-1)!)
/** The failure lines of stderr (JSON lines, as stderr is not a terminal here). */
const oneLine = (stderr: string) =>
  stderr
    .trimEnd()
    .split("\n")
    .map((l) => (JSON.parse(l) as { message: string }).message)
    .filter((m) => m.startsWith("peacestate:"))

const state = (index: number, count: number, split: Partial<PartialState["split"]> = {}): NamedState => ({
  name: `s${index}of${count}.json`,
  state: {
    peacestatePartial: 1,
    shard: { index, count },
    split: { source: "/a", threshold: 20, files: 10, filesHash: "abc", ...split },
    files: 1,
    stats: empty(20)
  }
})

describe("analyze merge: refuses what does not add up", () => {
  it("a complete set of one split is accepted, in any order", () => {
    expect(Either.isRight(checkShards([state(2, 3), state(0, 3), state(1, 3)], false))).toBe(true)
  })
  it("the same shard twice", () => {
    expect(checkShards([state(0, 2), state(0, 2), state(1, 2)], false)).toStrictEqual(
      Either.left("shard 0/2 is given twice (s0of2.json, s0of2.json)")
    )
  })
  it("shards of two splits: other counts, threshold, interval, source, file list", () => {
    const mixes: ReadonlyArray<[NamedState, string]> = [
      [state(1, 3), "0/2 vs 1/3"],
      [state(1, 2, { threshold: 30 }), "threshold 20 vs 30"],
      [state(1, 2, { until: "2026-11-07T00:00:00.000Z" }), "interval"],
      [state(1, 2, { source: "/b" }), "source /a vs /b"],
      [state(1, 2, { filesHash: "def" }), "the archive changed between the runs"]
    ]
    mixes.forEach(([other, says]) => {
      const result = checkShards([state(0, 2), other], false)
      expect(Either.isLeft(result)).toBe(true)
      expect(Either.getLeft(result).pipe((o) => o._tag === "Some" && o.value)).toContain(says)
      expect(Either.getLeft(result).pipe((o) => o._tag === "Some" && o.value)).toContain("different splits")
    })
  })
  it("a gap is refused, unless --allow-partial, which says what is missing", () => {
    const gap = checkShards([state(0, 3), state(2, 3)], false)
    expect(Either.isLeft(gap) && gap.left).toContain("shard 1/3 missing")
    expect(checkShards([state(0, 3), state(2, 3)], true)).toStrictEqual(
      Either.right({ split: state(0, 3).state.split, count: 3, present: [0, 2], missing: [1] })
    )
  })
})

describe("peacestate analyze on a real archive", () => {
  it("shards carry their split; merge refuses duplicates, mixtures, gaps and non-states with one line; --allow-partial says PARTIAL", async () => {
    const demo = await runCli([
      "demo",
      ...args,
      "--data-dir",
      data,
      "--json",
      "--workers",
      "0",
      "--max-records-per-file",
      "300"
    ])
    expect(demo.code, demo.stderr).toBe(0)
    const shard = async (spec: string, more: ReadonlyArray<string> = []) => {
      const r = await runCli(["analyze", "--source", data, "--shard", spec, "--workers", "0", ...more])
      expect(r.code, r.stderr).toBe(0)
      const file = join(dir, `${spec.replace("/", "of")}${more.join("")}.json`)
      writeFileSync(file, r.stdout)
      return file
    }
    const [a0, a1, b1, t1] = await Promise.all([
      shard("0/2"),
      shard("1/2"),
      shard("1/3"),
      shard("1/2", ["--threshold", "30"])
    ])
    const s0 = JSON.parse(readFileSync(a0!, "utf8"))
    expect(s0).toMatchObject({
      peacestatePartial: 1,
      shard: { index: 0, count: 2 },
      split: { threshold: 20, source: data }
    })
    expect(s0.split.files).toBeGreaterThan(s0.files)

    const merge = (...files: ReadonlyArray<string>) => runCli(["analyze", "merge", ...files, "--json"])
    const good = await merge(a1!, a0!)
    expect(good.code, good.stderr).toBe(0)
    expect(lastJson(good.stdout)).toStrictEqual(toAnalysis(ofReports(simulated, 20)))

    const bad = join(dir, "not-a-state.json")
    writeFileSync(bad, "hello\nworld\n")
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [[a0!, a0!, a1!], "is given twice"],
      [[a0!, b1!], "different splits (0/2 vs 1/3)"],
      [[a0!, t1!], "threshold 20 vs 30"],
      [[a0!], "incomplete set: shard 1/2 missing"],
      [[bad], "not a partial state of `peacestate analyze --shard i/n`"]
    ]
    const results = await Promise.all(cases.map(([files]) => merge(...files)))
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(1)
      expect(r.stdout).toBe("")
      expect(oneLine(r.stderr)).toHaveLength(1)
      expect(oneLine(r.stderr)[0]).toContain(cases[i]![1])
    })

    const partial = await runCli(["analyze", "merge", "--allow-partial", a0!, "--json"])
    expect(partial.code, partial.stderr).toBe(0)
    expect(lastJson(partial.stdout).partial).toStrictEqual({ shards: [0], of: 2, missing: [1] })
    const partialText = await runCli(["analyze", "merge", "--allow-partial", a0!])
    expect(partialText.stdout).toMatch(/^PARTIAL: only shards 0\/2 of 2; missing 1\/2/)
  }, 240_000)

  it("--from/--until are instants: [from, until) to the millisecond, not to the hour", async () => {
    const from = "2026-11-07T00:17:00Z"
    const until = "2026-11-07T02:30:00.000Z"
    const r = await runCli(["analyze", "--source", data, "--json", "--from", from, "--until", until, "--workers", "0"])
    expect(r.code, r.stderr).toBe(0)
    const inWindow = simulated.filter(
      (x) => Date.parse(x.timestamp) >= Date.parse(from) && Date.parse(x.timestamp) < Date.parse(until)
    )
    expect(inWindow.length).toBe(20 * (60 - 17 + 60 + 30))
    expect(lastJson(r.stdout)).toStrictEqual(toAnalysis(ofReports(inWindow, 20)))
    const reversed = await runCli(["analyze", "--source", data, "--from", until, "--until", from])
    expect(reversed.code).toBe(1)
    expect(reversed.stderr).toContain("--from must be before --until")
    const local = await runCli(["analyze", "--source", data, "--from", "2026-11-07T00:17:00"])
    expect(local.code).toBe(1)
    expect(local.stderr).toContain("--from: expected an ISO-8601 instant with a zone")
  }, 120_000)

  it("a root that is not an archive is an error; an empty interval answers zeros with a warning", async () => {
    const [inside, missing, empty] = await Promise.all([
      runCli(["analyze", "--source", join(data, "reports")]),
      runCli(["analyze", "--source", join(dir, "nothing-here")]),
      runCli(["analyze", "--source", data, "--json", "--from", "2030-01-01", "--until", "2030-01-02"])
    ])
    expect(inside.code).toBe(1)
    expect(inside.stderr).toContain(
      `${join(data, "reports")} is not an archive (it has no reports/ folder); the archive root is the folder that holds reports/, e.g. --source ${data}`
    )
    expect(inside.stdout).toBe("")
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("the folder does not exist")
    expect(empty.code, empty.stderr).toBe(0)
    expect(lastJson(empty.stdout).reports).toBe(0)
    expect(empty.stderr).toContain("no Parquet file under")
    expect(empty.stderr).toContain("in the interval: the answers are zeros")
    const plainFolder = join(dir, "plain")
    mkdirSync(plainFolder)
    const plain = await runCli(["analyze", "--source", plainFolder])
    expect(plain.code).toBe(1)
    expect(plain.stderr).toContain("is not an archive")
  }, 120_000)
})
