// The map's projection, pure (no DOM): positions projected equirectangularly (longitude scaled by the cosine of
// the points' mean latitude, so distances look right around them) and fitted into a width × height viewBox with
// padding, the same scale on both axes; plus a graticule of round-valued parallels and meridians with labels.
// A single point, or identical points, get a minimum span around them instead of a division by zero.

import type { LatLon } from "./Wire.js"

export interface Frame {
  readonly width: number
  readonly height: number
  readonly padding: number
}

export interface Point {
  readonly x: number
  readonly y: number
}

/** A grid line: `at` is its x (meridians) or y (parallels) in the viewBox. */
export interface GridLine {
  readonly at: number
  readonly label: string
}

export interface Projection {
  readonly points: ReadonlyArray<Point>
  readonly meridians: ReadonlyArray<GridLine>
  readonly parallels: ReadonlyArray<GridLine>
}

/** The smallest span shown, in degrees (~200 m): what a single point is drawn in. */
export const MinSpan = 0.002
const MaxLines = 24
const radians = Math.PI / 180

/** 1, 2 or 5 × a power of ten, at least `raw`. */
export const niceStep = (raw: number): number => {
  const power = 10 ** Math.floor(Math.log10(raw))
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
}

const ticks = (min: number, max: number, step: number): ReadonlyArray<number> => {
  const first = Math.ceil(min / step)
  const count = Math.min(MaxLines, Math.max(0, Math.floor(max / step) - first + 1))
  return Array.from({ length: count }, (_, i) => (first + i) * step)
}

const label = (value: number, step: number, positive: string, negative: string): string =>
  `${Math.abs(value).toFixed(Math.max(0, -Math.floor(Math.log10(step))))}°${value > 0 ? positive : value < 0 ? negative : ""}`

const gridStep = (span: number): number => niceStep(Math.max(span, MinSpan) / 4)

export const project = (positions: ReadonlyArray<LatLon>, frame: Frame): Projection => {
  if (positions.length === 0) return { points: [], meridians: [], parallels: [] }
  const lats = positions.map((p) => p.latitude)
  const lons = positions.map((p) => p.longitude)
  const [minLat, maxLat] = [lats.reduce((a, b) => Math.min(a, b)), lats.reduce((a, b) => Math.max(a, b))]
  const [minLon, maxLon] = [lons.reduce((a, b) => Math.min(a, b)), lons.reduce((a, b) => Math.max(a, b))]
  const meanLat = lats.reduce((a, b) => a + b, 0) / lats.length
  const k = Math.max(Math.cos(meanLat * radians), 0.01)
  const innerWidth = Math.max(frame.width - 2 * frame.padding, 1)
  const innerHeight = Math.max(frame.height - 2 * frame.padding, 1)
  const scale = Math.min(
    innerWidth / Math.max((maxLon - minLon) * k, MinSpan),
    innerHeight / Math.max(maxLat - minLat, MinSpan)
  )
  const [centerX, centerY] = [((minLon + maxLon) / 2) * k, (minLat + maxLat) / 2]
  const x = (lon: number) => frame.width / 2 + (lon * k - centerX) * scale
  const y = (lat: number) => frame.height / 2 - (lat - centerY) * scale
  // What the viewBox's edges are, in degrees: the graticule spans all of it.
  const [westLon, eastLon] = [(centerX - frame.width / 2 / scale) / k, (centerX + frame.width / 2 / scale) / k]
  const [southLat, northLat] = [centerY - frame.height / 2 / scale, centerY + frame.height / 2 / scale]
  const lonStep = gridStep(eastLon - westLon)
  const latStep = gridStep(northLat - southLat)
  return {
    points: positions.map((p) => ({ x: x(p.longitude), y: y(p.latitude) })),
    meridians: ticks(Math.max(westLon, -180), Math.min(eastLon, 180), lonStep).map((lon) => ({
      at: x(lon),
      label: label(lon, lonStep, "E", "W")
    })),
    parallels: ticks(Math.max(southLat, -90), Math.min(northLat, 90), latStep).map((lat) => ({
      at: y(lat),
      label: label(lat, latStep, "N", "S")
    }))
  }
}
