import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { commandPathOf, tidyHelp } from "../../src/cli/HelpText.js"
import { parseInstant, parseInteger, parseNumber } from "../../src/cli/Flags.js"
import { runCli } from "../support/RunCli.js"

const entry = fileURLToPath(new URL("../support/cli.ts", import.meta.url))
const Esc = String.fromCharCode(27)
/** The messages of stderr's JSON lines, one per line. */
const messages = (stderr: string): string =>
  stderr
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => (JSON.parse(l) as { message: string }).message)
    .join("\n")
const isJsonLine = (l: string) => Either.isRight(Either.try(() => JSON.parse(l) as unknown))

describe("option values are checked, and the message names the flag", () => {
  it("the parsers", () => {
    expect(parseInteger("--n", { min: 0, max: 10 })("7")).toStrictEqual(Either.right(7))
    expect(parseInteger("--n", { min: 0, max: 10 })("11")).toStrictEqual(
      Either.left("--n: expected an integer in [0, 10], got 11")
    )
    expect(parseInteger("--n", { min: 0, max: 10 })("1.5")).toStrictEqual(
      Either.left('--n: expected an integer in [0, 10], got "1.5"')
    )
    expect(parseInteger("--n", { min: 0, max: 10 })("")).toStrictEqual(
      Either.left('--n: expected an integer in [0, 10], got ""')
    )
    expect(parseNumber("--r", { min: 0, max: 1 })("0.25")).toStrictEqual(Either.right(0.25))
    expect(parseNumber("--r", { min: 0, max: 1 })("NaN")).toStrictEqual(
      Either.left('--r: expected a number in [0, 1], got "NaN"')
    )
    expect(parseNumber("--r", { min: 0, max: 1 })("Infinity")).toStrictEqual(
      Either.left('--r: expected a number in [0, 1], got "Infinity"')
    )
    expect(parseInstant("--from", "2026-11-02")).toStrictEqual(Either.right(Date.parse("2026-11-02T00:00:00Z")))
    expect(parseInstant("--from", "2026-11-02T01:30:00+01:00")).toStrictEqual(
      Either.right(Date.parse("2026-11-02T00:30:00Z"))
    )
    expect(Either.isLeft(parseInstant("--from", "2026-11-02T01:30:00"))).toBe(true)
    expect(Either.isLeft(parseInstant("--from", "yesterday"))).toBe(true)
  })

  it("each command refuses out-of-range and malformed numbers with exit 1", async () => {
    const data = mkdtempSync(join(tmpdir(), "peacestate-opts-"))
    const archive = join(data, "archive")
    mkdirSync(join(archive, "reports"), { recursive: true })
    const cases: ReadonlyArray<[ReadonlyArray<string>, string, Record<string, string>?]> = [
      [
        ["demo", "--threshold", "150", "--data-dir", data],
        "--threshold (or PEACESCORE_THRESHOLD): expected an integer in [0, 100], got 150"
      ],
      [
        ["demo", "--data-dir", data],
        "--threshold (or PEACESCORE_THRESHOLD): expected an integer in [0, 100], got -1",
        { PEACESCORE_THRESHOLD: "-1" }
      ],
      [
        ["demo", "--max-records-per-file", "0", "--data-dir", data],
        "--max-records-per-file: expected an integer in [1, 10000000], got 0"
      ],
      [["analyze", "--workers", "-3", "--source", data], "--workers: expected an integer in [0, 1024], got -3"],
      [["simulate", "--count", "abc"], '--count: expected an integer in [0, 1000000000000], got "abc"'],
      [["simulate", "--drones", "0"], "--drones: expected an integer in [1, 10000000], got 0"],
      [["simulate", "--alert-ratio", "1.5"], "--alert-ratio: expected a number in [0, 1], got 1.5"],
      [["simulate", "--rate", "0"], "--rate: expected a number in [0.001, 10000000], got 0"],
      [["simulate", "--seed", "1.5"], "--seed: expected an integer"],
      [["analyze", "--shard", "2/2", "--source", data], "--shard: expected i/n with 0 <= i < n"],
      [["alert", "--idle-exit", "0s"], "--idle-exit: expected a duration above 0"],
      [
        ["demo", "--count", "10", "--data-dir", join(data, "tp")],
        "TOPIC_PARTITIONS: expected an integer in [1, 10000]",
        { TOPIC_PARTITIONS: "0" }
      ],
      [
        ["analyze", "--source", archive],
        "configuration: ANALYZER_MIN_BYTES_PER_WORKER: expected an integer >= 0 (bytes)",
        { ANALYZER_MIN_BYTES_PER_WORKER: "-1" }
      ],
      [
        ["analyze", "--source", archive],
        'configuration: ANALYZER_MIN_BYTES_PER_WORKER: Expected an integer value but received "lots"',
        { ANALYZER_MIN_BYTES_PER_WORKER: "lots" }
      ],
      [
        ["alert", "--metrics-port", "70000"],
        "--metrics-port (or METRICS_PORT): expected an integer in [0, 65535], got 70000"
      ]
    ]
    const results = await Promise.all(
      cases.map(([args, , env]) => runCli(args, { LOG_LEVEL: "info", ...env }, 120_000))
    )
    results.forEach((r, i) => {
      expect(r.code, `${cases[i]![0].join(" ")}: ${r.stderr}`).toBe(1)
      expect(r.stdout).toBe("")
      expect(messages(r.stderr)).toContain(cases[i]![1])
    })
  }, 240_000)
})

describe("--help", () => {
  it("shows every option's default and environment variable, and the whole command in the usage line", async () => {
    const [simulate, demo, analyze, merge, alert] = await Promise.all(
      [["simulate"], ["demo"], ["analyze"], ["analyze", "merge"], ["alert"]].map((c) =>
        runCli([...c, "--help"], {}, 60_000)
      )
    )
    expect(simulate!.stdout).toContain("$ peacestate simulate [--to stdout | kafka] [--seed S] [--count N]")
    expect(simulate!.stdout).toContain("Number of reports to produce. Default: 1000.")
    expect(simulate!.stdout).toContain("Default: 2026-11-02T00:00:00.000Z.")
    expect(demo!.stdout).toContain("$ peacestate demo ")
    expect(demo!.stdout).toContain("Number of reports to produce. Default: 100000.")
    expect(demo!.stdout).toContain("--alert-ratio F")
    expect(demo!.stdout).toContain("Default: 20. Env: PEACESCORE_THRESHOLD.")
    expect(analyze!.stdout).toContain("$ peacestate analyze [--source ROOT]")
    expect(analyze!.stdout).toContain("Default: ./data.")
    expect(merge!.stdout).toContain("$ peacestate analyze merge [--source ROOT] [--allow-partial]")
    expect(alert!.stdout).toContain("Env: METRICS_PORT.")
    ;[simulate, demo, analyze, merge, alert].forEach((r) => {
      expect(r!.code).toBe(0)
      expect(r!.stdout).not.toContain(Esc)
      expect(r!.stdout).not.toContain("A user-defined piece of text.")
    })
  }, 120_000)

  const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0
  it.skipIf(!hasScript)(
    "colours only on a terminal, and not with NO_COLOR",
    () => {
      const onTerminal = (env: Record<string, string>) =>
        spawnSync("script", ["-qec", `${process.execPath} --import tsx ${entry} simulate --help`, "/dev/null"], {
          encoding: "utf8",
          env: { ...process.env, ...env }
        }).stdout
      expect(onTerminal({ NO_COLOR: "" })).toContain(Esc)
      expect(onTerminal({ NO_COLOR: "1" })).not.toContain(Esc)
    },
    60_000
  )

  it("tidyHelp: the usage line, colours, the generic text", () => {
    expect(tidyHelp(`${Esc}[1mUSAGE${Esc}[0m\n\n$ merge [--json]\n`, ["peacestate", "analyze", "merge"], false)).toBe(
      "USAGE\n\n$ peacestate analyze merge [--json]\n"
    )
    expect(tidyHelp("$ simulate\n", ["peacestate"], true)).toBe("$ peacestate simulate\n")
    expect(tidyHelp("--count N\n\n  A user-defined piece of text.\n\n  Number.\n", ["peacestate"], false)).toBe(
      "--count N\n\n  Number.\n"
    )
    expect(commandPathOf(["analyze", "merge", "a.json", "--json"], ["analyze", "merge"])).toStrictEqual([
      "peacestate",
      "analyze",
      "merge"
    ])
  })
})

describe("stderr", () => {
  it("is JSON lines when it is not a terminal: progress, logs, warnings and the failure line alike", async () => {
    const data = mkdtempSync(join(tmpdir(), "peacestate-stderr-"))
    const ok = await runCli(
      ["demo", "--count", "500", "--drones", "5", "--data-dir", data, "--workers", "0"],
      { LOG_LEVEL: "debug" },
      60_000
    )
    expect(ok.code, ok.stderr).toBe(0)
    const failed = await runCli(["analyze", "--source", join(data, "reports")], {}, 60_000)
    expect(failed.code).toBe(1)
    ;[ok.stderr, failed.stderr].forEach((stderr) => {
      const lines = stderr.split("\n").filter((l) => l !== "")
      expect(lines.length).toBeGreaterThan(0)
      lines.forEach((l) => expect(isJsonLine(l), l).toBe(true))
    })
    expect(ok.stderr).toContain("analyzed ")
    expect(JSON.parse(failed.stderr.trim().split("\n").at(-1)!).message).toContain("is not an archive")
  }, 120_000)

  const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0
  it.skipIf(!hasScript)(
    "is readable lines on a terminal, with no JSON line",
    () => {
      const data = mkdtempSync(join(tmpdir(), "peacestate-tty-"))
      const out = spawnSync(
        "script",
        ["-qec", `${process.execPath} --import tsx ${entry} analyze --source ${join(data, "missing")}`, "/dev/null"],
        { encoding: "utf8" }
      )
      expect(out.status).toBe(1)
      expect(out.stdout).toContain("peacestate: --source: no archive at")
      expect(out.stdout).not.toContain('"logLevel"')
    },
    60_000
  )
})
