import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { niceStep, project } from "../../../src/console/web/Map.js"
import { position } from "./Arbitraries.js"

const frame = fc.record({
  width: fc.integer({ min: 100, max: 2000 }),
  height: fc.integer({ min: 100, max: 1000 }),
  padding: fc.integer({ min: 0, max: 40 })
})
const eps = 1e-6

describe("map projection", () => {
  it.prop(
    "keeps every point inside the viewBox, within the padding",
    [fc.array(position, { minLength: 1, maxLength: 60 }), frame],
    ([ps, f]) => {
      const { points } = project(ps, f)
      expect(points).toHaveLength(ps.length)
      points.forEach((p) => {
        expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true)
        expect(p.x).toBeGreaterThanOrEqual(f.padding - eps)
        expect(p.x).toBeLessThanOrEqual(f.width - f.padding + eps)
        expect(p.y).toBeGreaterThanOrEqual(f.padding - eps)
        expect(p.y).toBeLessThanOrEqual(f.height - f.padding + eps)
      })
    }
  )

  it.prop(
    "draws the graticule inside the viewBox, with at most 24 lines each way",
    [fc.array(position, { minLength: 1, maxLength: 20 }), frame],
    ([ps, f]) => {
      const { meridians, parallels } = project(ps, f)
      expect(meridians.length).toBeLessThanOrEqual(24)
      expect(parallels.length).toBeLessThanOrEqual(24)
      meridians.forEach((m) => {
        expect(m.at).toBeGreaterThanOrEqual(-eps)
        expect(m.at).toBeLessThanOrEqual(f.width + eps)
      })
      parallels.forEach((p) => {
        expect(p.at).toBeGreaterThanOrEqual(-eps)
        expect(p.at).toBeLessThanOrEqual(f.height + eps)
      })
    }
  )

  it.prop(
    "a single point, or identical points, sit at the centre (no division by zero)",
    [position, fc.integer({ min: 1, max: 5 }), frame],
    ([p, n, f]) => {
      const { points, meridians, parallels } = project(
        Array.from({ length: n }, () => p),
        f
      )
      points.forEach((q) => expect(q).toEqual({ x: f.width / 2, y: f.height / 2 }))
      expect(meridians.length + parallels.length).toBeGreaterThan(0)
    }
  )

  it.prop("preserves order on both axes: east is right, north is up", [position, position, frame], ([a, b, f]) => {
    const [pa, pb] = project([a, b], f).points
    if (a.longitude < b.longitude) expect(pa.x).toBeLessThanOrEqual(pb.x + eps)
    if (a.latitude < b.latitude) expect(pa.y).toBeGreaterThanOrEqual(pb.y - eps)
  })

  it("is equirectangular: one degree of longitude is cos(mean latitude) degrees of latitude", () => {
    const ps = [
      { latitude: 60, longitude: 10 },
      { latitude: 60.5, longitude: 11 }
    ]
    const [a, b] = project(ps, { width: 800, height: 600, padding: 20 }).points
    const k = Math.cos((60.25 * Math.PI) / 180)
    expect((b.x - a.x) / k).toBeCloseTo((a.y - b.y) / 0.5, 6)
  })

  it("labels round-valued lines with hemispheres", () => {
    const { meridians, parallels } = project(
      [
        { latitude: 48.8, longitude: 2.2 },
        { latitude: 48.9, longitude: 2.5 }
      ],
      { width: 800, height: 400, padding: 20 }
    )
    expect(meridians.map((m) => m.label)).toContain("2.3°E")
    expect(parallels.map((p) => p.label)).toContain("48.85°N")
    const south = project([{ latitude: -33.9, longitude: -70.6 }], { width: 400, height: 400, padding: 20 })
    expect(south.parallels.every((p) => p.label.endsWith("S"))).toBe(true)
    expect(south.meridians.every((m) => m.label.endsWith("W"))).toBe(true)
  })

  it("nothing to project: no points, no grid", () => {
    expect(project([], { width: 800, height: 400, padding: 20 })).toEqual({ points: [], meridians: [], parallels: [] })
  })

  it.prop(
    "niceStep is 1, 2 or 5 × 10^k and at least its argument",
    [fc.double({ min: 1e-6, max: 1e4, noNaN: true })],
    ([raw]) => {
      const step = niceStep(raw)
      expect(step).toBeGreaterThanOrEqual(raw * (1 - 1e-12))
      expect(step).toBeLessThan(raw * 5 + 1e-12)
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9)
      expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true)
    }
  )
})
