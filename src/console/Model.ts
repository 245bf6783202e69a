import { Schema } from "effect"
import { Alert } from "../domain/Alert.js"
import { Timestamp } from "../domain/Report.js"

/** Whether an officer has acted on an alert yet (CONTRACT §8). */
export const AlertStatus = Schema.Literal("open", "acknowledged")
export type AlertStatus = typeof AlertStatus.Type

/** What a console account may do: an officer acknowledges, a viewer only looks. */
export const Role = Schema.Literal("officer", "viewer")
export type Role = typeof Role.Type

/** An alert as the console stores and serves it: the Alert of §2, its status, who acknowledged it and when. */
export const StoredAlert = Schema.Struct({
  ...Alert.fields,
  status: AlertStatus,
  acknowledgedBy: Schema.optional(Schema.String),
  acknowledgedAt: Schema.optional(Timestamp)
})
export type StoredAlert = typeof StoredAlert.Type

/** A page of alerts, newest first; `next` continues after the last one, absent on the last page. */
export interface AlertPage {
  readonly alerts: ReadonlyArray<StoredAlert>
  readonly next?: string
}

/** What `GET /api/alerts` selects; every filter optional. `citizen` matches a case-insensitive substring. */
export interface AlertQuery {
  readonly limit: number
  readonly before?: string
  readonly status?: AlertStatus
  readonly droneId?: string
  readonly citizen?: string
  /** timestamp ≥ from */
  readonly from?: string
  /** timestamp < to */
  readonly to?: string
}

/** One officer or viewer account: the password only as a salted slow hash. */
export interface User {
  readonly username: string
  readonly role: Role
  readonly passwordHash: string
}

/** A signed-in session as the store keeps it: the token only as its SHA-256, a CSRF token, an expiry. */
export interface Session {
  readonly tokenHash: string
  readonly username: string
  readonly role: Role
  readonly csrf: string
  readonly expiresAt: Date
}

export interface Stats {
  readonly alerts: number
  readonly open: number
}

/** Usernames: 1–64 letters, digits, `.`, `_`, `-` (they appear in acknowledgedBy and in logs). */
export const Username = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9._-]{1,64}$/, {
    message: () => "username: expected 1 to 64 letters, digits, '.', '_' or '-'"
  })
)

/** Whether `s` can be a paging cursor: what `next` returns, an alert's position in the store. */
export const isCursor = (s: string): boolean => /^[1-9][0-9]{0,15}$/.test(s)
