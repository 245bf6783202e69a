import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import {
  formatDuration,
  formatLocal,
  formatLocation,
  formatNumber,
  latencyMs
} from "../../../src/console/web/Format.js"
import { alert } from "./Arbitraries.js"

const s = 1_000
const min = 60 * s
const h = 60 * min
const d = 24 * h

describe("formatting", () => {
  it("latencies in ms, s, min, h, d: the largest unit and the next", () => {
    expect(formatDuration(0)).toBe("0 ms")
    expect(formatDuration(12.7)).toBe("12 ms")
    expect(formatDuration(999)).toBe("999 ms")
    expect(formatDuration(1_000)).toBe("1.0 s")
    expect(formatDuration(4_249)).toBe("4.2 s")
    expect(formatDuration(9_999)).toBe("9.9 s")
    expect(formatDuration(42_900)).toBe("42 s")
    expect(formatDuration(3 * min)).toBe("3 min")
    expect(formatDuration(3 * min + 20 * s + 400)).toBe("3 min 20 s")
    expect(formatDuration(2 * h + 5 * min)).toBe("2 h 5 min")
    expect(formatDuration(26 * d + 4 * h + 59 * min)).toBe("26 d 4 h")
    expect(formatDuration(400 * d)).toBe("400 d")
    expect(formatDuration(-1_500)).toBe("−1.5 s")
    expect(formatDuration(NaN)).toBe("—")
    expect(formatDuration(Infinity)).toBe("—")
  })

  it.prop(
    "every latency prints as one or two known units",
    [fc.double({ min: -1e12, max: 1e12, noNaN: true })],
    ([ms]) => {
      expect(formatDuration(ms)).toMatch(/^−?(\d+ ms|\d+\.\d s|\d+ s|\d+ (min|h|d)( \d+ (s|min|h))?)$/)
    }
  )

  it.prop(
    "a longer latency never prints a smaller leading number in the same unit",
    [fc.nat(1e11), fc.nat(1e11)],
    ([a, b]) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a]
      const [nLo, uLo] = formatDuration(lo).split(" ")
      const [nHi, uHi] = formatDuration(hi).split(" ")
      if (uLo === uHi) expect(Number(nLo)).toBeLessThanOrEqual(Number(nHi))
    }
  )

  it.prop("latency is detectedAt − timestamp", [alert], ([a]) => {
    expect(latencyMs(a)).toBe(Date.parse(a.detectedAt) - Date.parse(a.timestamp))
  })

  it("latency of an alert with a malformed date is not a number, printed as —", () => {
    expect(formatDuration(latencyMs({ ...fc.sample(alert, 1)[0]!, detectedAt: "" }))).toBe("—")
  })

  it("local times, positions and numbers", () => {
    expect(formatLocal(new Date(2026, 10, 2, 9, 7, 5).toISOString())).toBe("2026-11-02 09:07:05")
    expect(formatLocal("not a date")).toBe("—")
    expect(formatLocal("")).toBe("—")
    expect(formatLocation({ latitude: 48.856614, longitude: 2.3522219 })).toBe("48.85661, 2.35222")
    expect(formatLocation(undefined)).toBe("—")
    expect(formatNumber(7)).toBe("7")
    expect(formatNumber(NaN)).toBe("—")
  })
})
