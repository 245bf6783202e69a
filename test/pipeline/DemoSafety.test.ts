import { describe, expect, it } from "@effect/vitest"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { isDemoEntry, MarkerName } from "../../src/pipeline/DemoArchive.js"
import { runCli } from "../support/RunCli.js"

const demo = (dataDir: string) =>
  runCli(["demo", "--count", "200", "--drones", "5", "--data-dir", dataDir, "--json", "--workers", "0"])

describe("peacestate demo deletes only what it wrote", () => {
  it("recognises exactly the files and folders the demo writes", () => {
    expect(isDemoEntry(MarkerName, "File")).toBe(true)
    expect(isDemoEntry("date=2026-11-02", "Directory")).toBe(true)
    expect(isDemoEntry("date=2026-11-02/hour=07", "Directory")).toBe(true)
    expect(isDemoEntry("date=2026-11-02/hour=07/peacewatcher.reports+0003+00000000000000000042.parquet", "File")).toBe(
      true
    )
    expect(isDemoEntry("date=2026-11-02/hour=07/notes.parquet", "File")).toBe(false)
    expect(isDemoEntry("date=2026-11-02/a.csv", "File")).toBe(false)
    expect(isDemoEntry("d", "Directory")).toBe(false)
    expect(isDemoEntry("date=2026-11-02/hour=07/x", "Directory")).toBe(false)
  })

  it("a reports/ folder it did not write stops it with exit 1, every byte left in place", async () => {
    const dir = mkdtempSync(join(tmpdir(), "peacestate-safety-"))
    mkdirSync(join(dir, "reports", "d"), { recursive: true })
    writeFileSync(join(dir, "reports", "d", "a.csv"), "precious\n")
    const r = await demo(dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("was not written by peacestate demo")
    expect(readFileSync(join(dir, "reports", "d", "a.csv"), "utf8")).toBe("precious\n")
    expect(readdirSync(join(dir, "reports"))).toStrictEqual(["d"])
  }, 60_000)

  it("replaces its own previous archive, but not once a foreign file sits inside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "peacestate-safety-"))
    const first = await demo(dir)
    expect(first.code, first.stderr).toBe(0)
    expect(existsSync(join(dir, "reports", MarkerName))).toBe(true)
    const again = await demo(dir)
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout.trimEnd().split("\n").at(-1)!).archived).toBe(200)

    const hour = join(dir, "reports", "date=2026-11-02", "hour=00")
    writeFileSync(join(hour, "mine.txt"), "keep me\n")
    const refused = await demo(dir)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("holds date=2026-11-02/hour=00/mine.txt, which the demo did not write")
    expect(readFileSync(join(hour, "mine.txt"), "utf8")).toBe("keep me\n")
    expect(readdirSync(hour).filter((f) => f.endsWith(".parquet")).length).toBeGreaterThan(0)
  }, 90_000)
})
