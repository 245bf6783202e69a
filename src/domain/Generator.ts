import type { Citizen, Report } from "./Report.js"
import { NamePoolSize, nameAt, PeacefulWords, TenseWords } from "./Vocabulary.js"

export { NamePoolSize } from "./Vocabulary.js"

/** What determines a simulated report stream: same settings, same reports, byte for byte. */
export interface SimulationSettings {
  readonly seed: number
  readonly drones: number
  /** Epoch millis of the first simulated minute. */
  readonly startMs: number
  /** Target share of reports holding at least one alert (at the default threshold 20). */
  readonly alertRatio: number
}

const MinuteMs = 60_000
const EarthMetersPerDegree = 111_320
const CenterLatitude = 48.8566
const CenterLongitude = 2.3522

// A counter-based hash generator: every random draw is a pure function of (seed, drone, minute, salt),
// so any report can be produced on its own, in any order, in constant memory.
const mix = (h: number): number => {
  const a = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  const b = Math.imul(a ^ (a >>> 13), 0xc2b2ae35)
  return (b ^ (b >>> 16)) >>> 0
}
const keyOf = (seed: number, drone: number, minute: number): number =>
  mix(mix(mix(seed ^ 0x9e3779b9) ^ drone) + Math.imul(minute, 0x27d4eb2d))

/** Uniform draw in [0, 1) for one (report key, salt). */
const drawAt = (key: number, salt: number): number => mix(key ^ Math.imul(salt, 0x165667b1)) / 4294967296

const draw = (seed: number, drone: number, minute: number, salt: number): number =>
  drawAt(keyOf(seed, drone, minute), salt)

// Index lists [0..n-1] for the small counts of citizens and words: mapping over them is much faster
// than Array.from({ length }, f).
const Indices: ReadonlyArray<ReadonlyArray<number>> = Array.from({ length: 16 }, (_, n) =>
  Array.from({ length: n }, (_, i) => i)
)
const times = <A>(n: number, f: (i: number) => A): ReadonlyArray<A> =>
  (Indices[n] ?? Array.from({ length: n }, (_, i) => i)).map(f)

const pick = <A>(items: ReadonlyArray<A>, u: number): A => items[Math.floor(u * items.length) % items.length] as A

const Powers = [1, 10, 100, 1000, 10_000, 100_000] as const
const round = (x: number, decimals: 0 | 1 | 2 | 3 | 4 | 5): number =>
  Math.round(x * Powers[decimals]) / Powers[decimals]

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** Drone id of drone number `drone` (0-based). */
export const droneIdOf = (drone: number): string => `pw-${pad(drone + 1, 4)}`

/** What stays fixed for one drone: its flight curve and its battery cycle. */
interface DroneProfile {
  readonly droneId: string
  readonly phaseLat: number
  readonly phaseLon: number
  readonly freqLat: number
  readonly freqLon: number
  readonly radius: number
  readonly cycle: number
  readonly cycleOffset: number
}

const profileOf = (seed: number, drone: number): DroneProfile => ({
  droneId: droneIdOf(drone),
  phaseLat: draw(seed, drone, -1, 101) * 2 * Math.PI,
  phaseLon: draw(seed, drone, -1, 102) * 2 * Math.PI,
  freqLat: (2 * Math.PI) / (90 + draw(seed, drone, -1, 103) * 150),
  freqLon: (2 * Math.PI) / (120 + draw(seed, drone, -1, 104) * 200),
  radius: 0.02 + draw(seed, drone, -1, 105) * 0.025,
  cycle: 150 + Math.floor(draw(seed, drone, -1, 106) * 60),
  cycleOffset: Math.floor(draw(seed, drone, -1, 107) * 210)
})

const citizensOf = (key: number, alerting: boolean): ReadonlyArray<Citizen> => {
  const count = alerting ? 1 + Math.floor(drawAt(key, 2) * 4) : Math.floor(drawAt(key, 2) * 5)
  const offender = Math.floor(drawAt(key, 3) * count)
  return times(count, (i) => {
    const u = drawAt(key, 10 + i)
    const v = drawAt(key, 20 + i)
    return alerting && i === offender
      ? // Offenders come from a smaller, skewed part of the pool: some people are caught again and again.
        { name: nameAt(Math.floor(u * u * u * NamePoolSize)), peacescore: Math.floor(v * 20) }
      : { name: nameAt(Math.floor(u * u * NamePoolSize)), peacescore: 100 - Math.floor(v * v * 81) }
  })
}

const wordsOf = (key: number, alerting: boolean): ReadonlyArray<string> =>
  times(Math.floor(drawAt(key, 4) * 7), (i) => {
    const u = drawAt(key, 30 + i)
    const tense = drawAt(key, 40 + i) < (alerting ? 0.6 : 0.05)
    return tense ? pick(TenseWords, u) : pick(PeacefulWords, u)
  })

const reportOf = (
  s: SimulationSettings,
  drone: DroneProfile,
  droneIndex: number,
  minute: number,
  timestamp: string
): Report => {
  const key = keyOf(s.seed, droneIndex, minute)
  const aLat = drone.freqLat * minute + drone.phaseLat
  const aLon = drone.freqLon * minute + drone.phaseLon
  const lat = CenterLatitude + drone.radius * Math.sin(aLat)
  const lon = CenterLongitude + 1.5 * drone.radius * Math.sin(aLon)
  const phase = (minute + drone.cycleOffset) % drone.cycle
  const flying = Math.floor(drone.cycle * 0.85)
  const charging = phase >= flying
  const battery = charging ? 15 + (85 * (phase - flying)) / (drone.cycle - flying) : 100 - (85 * phase) / flying
  // Speed from the derivative of the flight curve, in metres per second.
  const vLat = drone.radius * drone.freqLat * Math.cos(aLat) * EarthMetersPerDegree
  const vLon =
    1.5 * drone.radius * drone.freqLon * Math.cos(aLon) * EarthMetersPerDegree * Math.cos((lat * Math.PI) / 180)
  const speed = charging ? 0 : Math.hypot(vLat, vLon) / 60
  const altitude = charging ? 0 : 80 + 60 * draw(s.seed, droneIndex, Math.floor(minute / 30), 5)
  const temperature = 12 + 1.4 * speed + 0.03 * altitude + (charging ? 6 : 0) + 2 * drawAt(key, 6)
  const alerting = drawAt(key, 1) < s.alertRatio
  return {
    schemaVersion: 1,
    reportId: `${drone.droneId}-${pad(minute, 9)}`,
    droneId: drone.droneId,
    timestamp,
    location: { latitude: round(lat, 5), longitude: round(lon, 5) },
    citizens: citizensOf(key, alerting),
    words: wordsOf(key, alerting),
    telemetry: {
      batteryPct: round(battery, 1),
      altitudeM: round(altitude, 1),
      speedMps: round(speed, 2),
      temperatureC: round(temperature, 1)
    }
  }
}

/** The reports of one simulation: position `index` is drone `index mod D` at minute `floor(index / D)`. */
export interface Generator {
  (index: number): Report
  /**
   * The reports at these positions, in their order: the timestamp text of each minute they span is made
   * once (all drones of a minute share it), which is what makes many reports fast.
   */
  readonly many: (indices: ReadonlyArray<number>) => ReadonlyArray<Report>
}

/** A report source for these settings (see Generator). */
export const makeGenerator = (s: SimulationSettings): Generator => {
  const profiles = Array.from({ length: s.drones }, (_, d) => profileOf(s.seed, d))
  const at = (index: number, stampOf: (minute: number) => string): Report => {
    const droneIndex = index % s.drones
    const minute = Math.floor(index / s.drones)
    return reportOf(s, profiles[droneIndex] ?? profileOf(s.seed, droneIndex), droneIndex, minute, stampOf(minute))
  }
  const stampOf = (minute: number): string => timestampOf(s, minute)
  const many = (indices: ReadonlyArray<number>): ReadonlyArray<Report> => {
    const first = Math.floor(indices.reduce((a, b) => Math.min(a, b), Infinity) / s.drones)
    const last = Math.floor(indices.reduce((a, b) => Math.max(a, b), -Infinity) / s.drones)
    const stamps = indices.length === 0 ? [] : Array.from({ length: last - first + 1 }, (_, k) => stampOf(first + k))
    const known = (minute: number): string => stamps[minute - first] ?? stampOf(minute)
    return indices.map((index) => at(index, known))
  }
  return Object.assign((index: number) => at(index, stampOf), { many })
}

/** The report at position `index` of the stream (see makeGenerator, which is faster for many reports). */
export const reportAt = (s: SimulationSettings, index: number): Report =>
  reportOf(
    s,
    profileOf(s.seed, index % s.drones),
    index % s.drones,
    Math.floor(index / s.drones),
    timestampOf(s, Math.floor(index / s.drones))
  )

const timestampOf = (s: SimulationSettings, minute: number): string =>
  new Date(s.startMs + minute * MinuteMs).toISOString()
