// The API's JSON as the console reads it. Every field comes from the network and is untrusted: the decoders check
// shapes loosely and never fail (a wrong field becomes a neutral default; a value that is not an alert, a session or
// a page at all decodes to undefined and is skipped). Pure: no DOM, shared with the tests.

export interface LatLon {
  readonly latitude: number
  readonly longitude: number
}

export interface StoredAlert {
  readonly alertId: string
  readonly reportId: string
  readonly droneId: string
  readonly timestamp: string
  readonly location: LatLon | undefined
  readonly citizen: string
  readonly peacescore: number
  readonly detectedAt: string
  readonly status: string
  readonly acknowledgedBy: string | undefined
  readonly acknowledgedAt: string | undefined
}

export interface Session {
  readonly username: string
  readonly role: "officer" | "viewer"
  readonly csrf: string
}

export interface Stats {
  readonly alerts: number
  readonly open: number
}

export interface Page {
  readonly alerts: ReadonlyArray<StoredAlert>
  readonly next: string | undefined
}

type Json = Readonly<Record<string, unknown>>

export const isRecord = (u: unknown): u is Json => typeof u === "object" && !!u && !Array.isArray(u)

/** JSON.parse that answers undefined instead of throwing. */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const str = (v: unknown): string => (typeof v === "string" ? v : "")
const optStr = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined)
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : NaN)

const within = (v: unknown, limit: number): v is number => typeof v === "number" && Math.abs(v) <= limit

const parseLocation = (u: unknown): LatLon | undefined =>
  isRecord(u) && within(u.latitude, 90) && within(u.longitude, 180)
    ? { latitude: u.latitude, longitude: u.longitude }
    : undefined

/** An object with a non-empty string alertId is an alert; anything else is not. */
export const parseAlert = (u: unknown): StoredAlert | undefined =>
  isRecord(u) && typeof u.alertId === "string" && u.alertId !== ""
    ? {
        alertId: u.alertId,
        reportId: str(u.reportId),
        droneId: str(u.droneId),
        timestamp: str(u.timestamp),
        location: parseLocation(u.location),
        citizen: str(u.citizen),
        peacescore: num(u.peacescore),
        detectedAt: str(u.detectedAt),
        status: str(u.status),
        acknowledgedBy: optStr(u.acknowledgedBy),
        acknowledgedAt: optStr(u.acknowledgedAt)
      }
    : undefined

export const parsePage = (u: unknown): Page | undefined =>
  isRecord(u) && Array.isArray(u.alerts)
    ? { alerts: u.alerts.flatMap((a: unknown) => parseAlert(a) ?? []), next: optStr(u.next) }
    : undefined

/** Only "officer" may act; any other role string is read as a viewer. */
export const parseSession = (u: unknown): Session | undefined =>
  isRecord(u) && typeof u.username === "string" && typeof u.csrf === "string"
    ? { username: u.username, role: u.role === "officer" ? "officer" : "viewer", csrf: u.csrf }
    : undefined

export const parseStats = (u: unknown): Stats | undefined =>
  isRecord(u) && Number.isFinite(num(u.alerts)) && Number.isFinite(num(u.open))
    ? { alerts: num(u.alerts), open: num(u.open) }
    : undefined

/** The message of an `{"error": string}` body, if it has one. */
export const errorMessage = (u: unknown): string | undefined => (isRecord(u) ? optStr(u.error) : undefined)
