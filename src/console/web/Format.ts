// How the console writes values: local times, latencies (report → alert, which in the simulator can span days),
// positions and scores. Pure: no DOM; values that are missing or malformed print as "—".

import type { LatLon, StoredAlert } from "./Wire.js"

export const missing = "—"

const pad = (n: number, width = 2): string => String(n).padStart(width, "0")

/** An ISO instant in the browser's local time, "2026-11-02 10:17:00" (the form datetime-local inputs use). */
export const formatLocal = (iso: string): string => {
  const d = new Date(iso)
  return iso === "" || Number.isNaN(d.getTime())
    ? missing
    : `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
        `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** detectedAt − timestamp in milliseconds (NaN when either is not a date). */
export const latencyMs = (alert: StoredAlert): number => Date.parse(alert.detectedAt) - Date.parse(alert.timestamp)

const units = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["min", 60_000],
  ["s", 1_000]
] as const

/** "340 ms", "4.2 s", "42 s", "3 min 20 s", "2 h 5 min", "26 d 4 h": the largest unit, then the next one (truncated). */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms)) return missing
  if (ms < 0) return `−${formatDuration(-ms)}`
  if (ms < 1_000) return `${Math.floor(ms)} ms`
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`
  if (ms < 60_000) return `${Math.floor(ms / 1_000)} s`
  const i = units.findIndex(([, size]) => ms >= size)
  const [name, size] = units[i]
  const [minorName, minorSize] = units[i + 1]
  const minor = Math.floor((ms % size) / minorSize)
  return minor === 0 ? `${Math.floor(ms / size)} ${name}` : `${Math.floor(ms / size)} ${name} ${minor} ${minorName}`
}

export const formatLocation = (at: LatLon | undefined): string =>
  at === undefined ? missing : `${at.latitude.toFixed(5)}, ${at.longitude.toFixed(5)}`

export const formatNumber = (n: number): string => (Number.isFinite(n) ? String(n) : missing)
