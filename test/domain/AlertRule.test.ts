import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { alertsOf, DefaultThreshold } from "../../src/domain/AlertRule.js"
import * as Arb from "../support/Arbitraries.js"

const detectedAt = new Date("2026-11-28T04:00:00.012Z")

describe("Alert rule", () => {
  it.prop(
    "one alert per citizen below the threshold, carrying the report's fields",
    [Arb.report, fc.integer({ min: 0, max: 101 })],
    ([r, threshold]) => {
      const alerts = alertsOf(r, { threshold, detectedAt })
      const expected = r.citizens.flatMap((c, i) => (c.peacescore < threshold ? [{ c, i }] : []))
      expect(alerts.map((a) => a.alertId)).toStrictEqual(expected.map(({ i }) => `${r.reportId}/${i}`))
      alerts.forEach((a, k) => {
        expect(a.reportId).toBe(r.reportId)
        expect(a.droneId).toBe(r.droneId)
        expect(a.timestamp).toBe(r.timestamp)
        expect(a.location).toStrictEqual(r.location)
        expect(a.citizen).toBe(expected[k]!.c.name)
        expect(a.peacescore).toBe(expected[k]!.c.peacescore)
        expect(a.detectedAt).toBe(detectedAt.toISOString())
      })
    }
  )

  it.prop("alert ids are stable across runs", [Arb.report], ([r]) => {
    const later = new Date(detectedAt.getTime() + 5000)
    expect(alertsOf(r, { detectedAt }).map((a) => a.alertId)).toStrictEqual(
      alertsOf(r, { detectedAt: later }).map((a) => a.alertId)
    )
  })

  it.prop(
    "raising the threshold never removes an alert",
    [Arb.report, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })],
    ([r, a, b]) => {
      const [low, high] = a <= b ? [a, b] : [b, a]
      const lowIds = alertsOf(r, { threshold: low, detectedAt }).map((x) => x.alertId)
      const highIds = new Set(alertsOf(r, { threshold: high, detectedAt }).map((x) => x.alertId))
      expect(lowIds.every((id) => highIds.has(id))).toBe(true)
    }
  )

  it("defaults to threshold 20: 19 alerts, 20 does not", () => {
    expect(DefaultThreshold).toBe(20)
    const r = {
      ...fc.sample(Arb.report, 1)[0]!,
      citizens: [
        { name: "A", peacescore: 19 },
        { name: "B", peacescore: 20 }
      ]
    }
    expect(alertsOf(r, { detectedAt }).map((a) => a.citizen)).toStrictEqual(["A"])
  })
})
