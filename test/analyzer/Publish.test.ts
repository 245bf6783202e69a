import { describe, expect, it } from "@effect/vitest"
import { Either, Option, Schema } from "effect"
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PublishedJson } from "../../src/analyzer/Published.js"
import { chooseShard } from "../../src/cli/Analyze.js"
import { runCli } from "../support/RunCli.js"

const dir = mkdtempSync(join(tmpdir(), "peacestate-publish-"))
const data = join(dir, "data")
const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split("\n").at(-1)!)
const published = (root: string) =>
  readdirSync(join(root, "analysis"))
    .filter((f) => f.endsWith(".json"))
    .sort()
const decode = (file: string) => Schema.decodeUnknownSync(PublishedJson)(readFileSync(file, "utf8"))
const job = (index?: number, count?: number) => ({
  index: Option.fromNullable(index),
  count: Option.fromNullable(count)
})

describe("the shard of a Kubernetes Indexed Job", () => {
  it("is --shard, or JOB_COMPLETION_INDEX of JOB_COMPLETIONS; a half-set or disagreeing environment is refused", () => {
    const s = (index: number, count: number) => Option.some({ index, count })
    expect(chooseShard(Option.none(), job())).toStrictEqual(Either.right(Option.none()))
    expect(chooseShard(s(1, 4), job())).toStrictEqual(Either.right(s(1, 4)))
    expect(chooseShard(Option.none(), job(2, 4))).toStrictEqual(Either.right(s(2, 4)))
    expect(chooseShard(s(2, 4), job(2, 4))).toStrictEqual(Either.right(s(2, 4)))
    expect(Either.getLeft(chooseShard(s(1, 4), job(2, 4)))).toStrictEqual(
      Option.some("--shard 1/4 disagrees with JOB_COMPLETION_INDEX/JOB_COMPLETIONS = 2/4")
    )
    expect(Either.getLeft(chooseShard(Option.none(), job(2)))).toStrictEqual(
      Option.some(
        "JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not: set JOB_COMPLETIONS to the Job's completions (Kubernetes does not)"
      )
    )
    expect(Either.isLeft(chooseShard(Option.none(), job(undefined, 4)))).toBe(true)
    expect(Either.getLeft(chooseShard(Option.none(), job(4, 4)))).toStrictEqual(
      Option.some("JOB_COMPLETION_INDEX (4) must be below JOB_COMPLETIONS (4)")
    )
  })
})

describe("analyze --publish, --html, and an Indexed Job's shards", () => {
  it("publishes what it prints, shards from the environment equal --shard, and merge --source publishes the whole", async () => {
    const demo = await runCli(["demo", "--seed", "3", "--count", "5000", "--data-dir", data, "--json"])
    expect(demo.code, demo.stderr).toBe(0)
    const expected = lastJson(demo.stdout).analysis

    // A whole run: stdout, the published object and the HTML report agree.
    const html = join(dir, "report.html")
    const whole = await runCli([
      "analyze",
      "--source",
      data,
      "--json",
      "--publish",
      "--html",
      html,
      "--until",
      "2030-01-01"
    ])
    expect(whole.code, whole.stderr).toBe(0)
    expect(lastJson(whole.stdout)).toStrictEqual(expected)
    const [first] = published(data)
    const object = decode(join(data, "analysis", first!))
    expect(`${object.generatedAt}.json`).toBe(first)
    const { generatedAt, source, from, until, shards, ...answer } = object
    expect(answer).toStrictEqual(expected)
    expect(source).toBe(data)
    expect(from).toStrictEqual(Option.none())
    expect(until).toStrictEqual(Option.some("2030-01-01T00:00:00.000Z"))
    expect(shards).toStrictEqual({ count: 1, covered: [0] })
    expect(Date.parse(generatedAt)).toBeGreaterThan(Date.now() - 600_000)
    // It round-trips: the stored text is exactly the encoding of what it decodes to.
    expect(readFileSync(join(data, "analysis", first!), "utf8")).toBe(`${Schema.encodeSync(PublishedJson)(object)}\n`)
    const page = readFileSync(html, "utf8")
    expect(page.match(/<svg[\s>]/g)?.length).toBe(5)
    expect(page).toContain(`<dd>${expected.reports}</dd>`)

    // Shard 1 of 3 from the environment is the shard of --shard 1/3, to the byte.
    const byFlag = await runCli(["analyze", "--source", data, "--shard", "1/3"])
    const byEnv = await runCli(["analyze", "--source", data], { JOB_COMPLETION_INDEX: "1", JOB_COMPLETIONS: "3" })
    expect(byFlag.code, byFlag.stderr).toBe(0)
    expect(byEnv.code, byEnv.stderr).toBe(0)
    expect(byEnv.stdout).toBe(byFlag.stdout)

    // The Job: each pod publishes its partial state; the merge step finds them, publishes the whole, removes them.
    const pods = await Promise.all(
      [0, 1, 2].map((i) =>
        runCli(["analyze", "--source", data, "--publish"], { JOB_COMPLETION_INDEX: String(i), JOB_COMPLETIONS: "3" })
      )
    )
    pods.forEach((p) => expect(p.code, p.stderr).toBe(0))
    expect(readdirSync(join(data, "analysis", "shards")).sort()).toStrictEqual([
      "0-of-3.json",
      "1-of-3.json",
      "2-of-3.json"
    ])
    const merged = await runCli(["analyze", "merge", "--source", data, "--publish", "--json"])
    expect(merged.code, merged.stderr).toBe(0)
    expect(lastJson(merged.stdout)).toStrictEqual(expected)
    const all = published(data)
    expect(all.length).toBe(2)
    const latest = decode(join(data, "analysis", all[1]!))
    expect(latest.shards).toStrictEqual({ count: 3, covered: [0, 1, 2] })
    expect(latest.reports).toBe(expected.reports)
    expect(readdirSync(join(data, "analysis", "shards"))).toStrictEqual([])

    // --html on a shard is refused (a shard prints a partial state).
    const shardHtml = await runCli(["analyze", "--source", data, "--shard", "0/2", "--html", join(dir, "x.html")])
    expect(shardHtml.code).not.toBe(0)
    expect(shardHtml.stderr).toContain("--html draws a whole analysis")
    expect(existsSync(join(dir, "x.html"))).toBe(false)
  }, 600_000)
})
