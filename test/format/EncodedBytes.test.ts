import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import type { ArchivedReport } from "../../src/format/ArchivedReport.js"
import { encodeReports } from "../../src/format/EncodeReports.js"
import { makeGenerator } from "../../src/domain/Generator.js"

// The bytes the archive writes are part of its contract (replays overwrite the same objects):
// a refactor of the format code must leave them unchanged. Pinned before the format was split.
const generated = (n: number): ReadonlyArray<ArchivedReport> => {
  const generate = makeGenerator({ seed: 11, drones: 50, startMs: Date.UTC(2026, 10, 2, 9, 0, 0), alertRatio: 0.05 })
  return Array.from({ length: n }, (_, i) => ({ report: generate(i), partition: 3, offset: 3_000_000_000 + i }))
}

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

describe("encodeReports bytes", () => {
  it("are the same as before, with the default options", () => {
    expect(sha256(encodeReports(generated(5_000)))).toBe(
      "279a9e1b84291d96a72f3945d0ff47bd68c0ece4a656cf0770b419349d7398e2"
    )
  })

  it("are the same as before, with small row groups and pages", () => {
    expect(sha256(encodeReports(generated(5_000), { rowGroupRows: 1_500, pageSize: 4_096 }))).toBe(
      "b56e084dfb2ad2cfcad2833ed72b05ff1066633f9972a6a94704b3f3d62f5db3"
    )
  })

  it("are the same as before, for an empty file", () => {
    expect(sha256(encodeReports([]))).toBe("e64961a4955eb6d9801e4205adb72277a82a4d8e8b36f2054da2eafd0399fd4a")
  })
})
