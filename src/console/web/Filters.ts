// The list filters: reading them from the form's raw values, the query string sent to /api/alerts, and the same
// match applied client-side to alerts pushed by the stream (which is unfiltered): status equal, droneId equal,
// citizen a case-insensitive substring, from ≤ timestamp < to. Pure: no DOM.

import type { StoredAlert } from "./Wire.js"

export type Status = "" | "open" | "acknowledged"

export interface Filters {
  /** "" is any status. */
  readonly status: Status
  readonly droneId: string
  readonly citizen: string
  /** ISO 8601 UTC instants. */
  readonly from: string | undefined
  readonly to: string | undefined
}

export const noFilters: Filters = { status: "", droneId: "", citizen: "", from: undefined, to: undefined }

const localPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/

/** A datetime-local value ("2026-11-02T10:17", the browser's local time) as an ISO UTC instant; undefined if not one. */
export const localToIso = (value: string): string | undefined => {
  const date = localPattern.test(value) ? new Date(value) : new Date(NaN)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

export interface RawFilters {
  readonly status: string
  readonly droneId: string
  readonly citizen: string
  readonly from: string
  readonly to: string
}

export const readFilters = (raw: RawFilters): Filters => ({
  status: raw.status === "open" || raw.status === "acknowledged" ? raw.status : "",
  droneId: raw.droneId.trim(),
  citizen: raw.citizen.trim(),
  from: localToIso(raw.from),
  to: localToIso(raw.to)
})

const instant = (iso: string | undefined): number => (iso === undefined ? NaN : Date.parse(iso))

export const matches = (filters: Filters, alert: StoredAlert): boolean => {
  const t = Date.parse(alert.timestamp)
  return (
    (filters.status === "" || alert.status === filters.status) &&
    (filters.droneId === "" || alert.droneId === filters.droneId) &&
    (filters.citizen === "" || alert.citizen.toLowerCase().includes(filters.citizen.toLowerCase())) &&
    (filters.from === undefined || t >= instant(filters.from)) &&
    (filters.to === undefined || t < instant(filters.to))
  )
}

/** The query string of GET /api/alerts for these filters: only the parameters that are set. */
export const toQuery = (filters: Filters, page: { readonly limit: number; readonly before?: string | undefined }) => {
  const entries: ReadonlyArray<readonly [string, string | undefined]> = [
    ["limit", String(page.limit)],
    ["before", page.before],
    ["status", filters.status],
    ["droneId", filters.droneId],
    ["citizen", filters.citizen],
    ["from", filters.from],
    ["to", filters.to]
  ]
  return new URLSearchParams(
    entries.flatMap(([k, v]) => (v === undefined || v === "" ? [] : [[k, v] as [string, string]]))
  ).toString()
}
