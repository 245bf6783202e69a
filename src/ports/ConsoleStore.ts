import { Context, Data, type Effect, type Option } from "effect"
import type { AlertPage, AlertQuery, Session, Stats, StoredAlert, User } from "../console/Model.js"
import type { Alert } from "../domain/Alert.js"

export class ConsoleStoreError extends Data.TaggedError("ConsoleStoreError")<{
  readonly operation: string
  readonly cause: unknown
}> {
  override get message(): string {
    return `console store ${this.operation} failed: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * A change the store made: an alert stored, or an alert acknowledged. Changes are numbered in the order they
 * were made, and a change becomes visible only after every smaller one has (the writers are serialized), so
 * a reader asking for the changes after the last one it saw misses none and sees none twice. Each stored
 * alert is one "alert" change, at most one "acknowledged" change after it; `alert` is the alert as it is now.
 */
export interface Change {
  readonly change: number
  readonly kind: "alert" | "acknowledged"
  readonly alert: StoredAlert
}

/** The console's own database (CONTRACT §8): alerts stored once each, accounts and sessions. */
export class ConsoleStore extends Context.Tag("peacestate/ConsoleStore")<
  ConsoleStore,
  {
    /** Store alerts not stored yet (alertId unique); returns how many were new. Durable when it succeeds. */
    readonly insert: (alerts: ReadonlyArray<Alert>) => Effect.Effect<number, ConsoleStoreError>
    /** Alerts matching the query, newest first, `limit` at most, with the cursor of the next page. */
    readonly page: (query: AlertQuery) => Effect.Effect<AlertPage, ConsoleStoreError>
    /** Changes after `change`, oldest first, at most `limit`. */
    readonly changesAfter: (change: number, limit: number) => Effect.Effect<ReadonlyArray<Change>, ConsoleStoreError>
    /** The latest change number (0 when none). */
    readonly lastChange: Effect.Effect<number, ConsoleStoreError>
    readonly stats: Effect.Effect<Stats, ConsoleStoreError>
    /** Mark an alert acknowledged (the first acknowledgement stays); none for an unknown id. */
    readonly acknowledge: (
      alertId: string,
      by: string,
      at: Date
    ) => Effect.Effect<Option.Option<StoredAlert>, ConsoleStoreError>
    /** Create the account, or replace its role and password. */
    readonly putUser: (user: User) => Effect.Effect<void, ConsoleStoreError>
    readonly findUser: (username: string) => Effect.Effect<Option.Option<User>, ConsoleStoreError>
    readonly createSession: (session: Session) => Effect.Effect<void, ConsoleStoreError>
    /** The session with this token hash, unless it has expired by `now`. */
    readonly findSession: (tokenHash: string, now: Date) => Effect.Effect<Option.Option<Session>, ConsoleStoreError>
    readonly deleteSession: (tokenHash: string) => Effect.Effect<void, ConsoleStoreError>
  }
>() {}
