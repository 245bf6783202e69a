import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import { Array as Arr, Effect, Either, Layer, Option, ParseResult, Schema } from "effect"
import { type AlertQuery, type Role, type Session, StoredAlert, type User } from "../console/Model.js"
import { Alert } from "../domain/Alert.js"
import { type Change, ConsoleStore, ConsoleStoreError } from "../ports/ConsoleStore.js"

// The console store on any PostgreSQL the @effect/sql client reaches: a server at DATABASE_URL, or PGlite
// served over a socket (ConsoleDatabase). Every write runs under one transaction-scoped advisory lock, so
// sequence numbers become visible in the order they were drawn: a reader polling "change > c" misses none.

const WriterLock = "7065616365" // "peace"
const MigrationLock = "7065616366"

const migrations = Migrator.fromRecord({
  "0001_console": Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(`
      CREATE SEQUENCE console_changes;
      CREATE TABLE console_alerts (
        seq bigserial PRIMARY KEY,
        change bigint NOT NULL DEFAULT nextval('console_changes'),
        alert_id text NOT NULL UNIQUE,
        drone_id text NOT NULL,
        citizen text NOT NULL,
        ts timestamptz NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'open',
        acknowledged_by text,
        acknowledged_at text
      );
      CREATE UNIQUE INDEX console_alerts_change ON console_alerts (change);
      CREATE TABLE console_acks (
        change bigint PRIMARY KEY DEFAULT nextval('console_changes'),
        alert_id text NOT NULL UNIQUE REFERENCES console_alerts (alert_id)
      );
      CREATE INDEX console_alerts_status_seq ON console_alerts (status, seq);
      CREATE INDEX console_alerts_drone_seq ON console_alerts (drone_id, seq);
      CREATE INDEX console_alerts_ts ON console_alerts (ts);
      CREATE TABLE console_users (
        username text PRIMARY KEY,
        role text NOT NULL,
        password_hash text NOT NULL
      );
      CREATE TABLE console_sessions (
        token_hash text PRIMARY KEY,
        username text NOT NULL REFERENCES console_users (username) ON DELETE CASCADE,
        csrf text NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `)
  )
})

const failed =
  (operation: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, ConsoleStoreError, R> =>
    Effect.mapError(self, (cause) => new ConsoleStoreError({ operation, cause }))

interface AlertRow {
  readonly seq: string | number
  readonly change: string | number
  readonly body: string
  readonly status: string
  readonly acknowledged_by: string | undefined
  readonly acknowledged_at: string | undefined
}

const decodeBody = Schema.decodeUnknownEither(Schema.parseJson(Alert))
const decodeStored = Schema.decodeUnknownEither(StoredAlert)

/** A row as the API serves it; a row that no longer decodes (edited by hand) is a store error, not a crash. */
const storedOf = (row: AlertRow): Either.Either<StoredAlert, string> =>
  Either.flatMap(decodeBody(row.body), (alert) =>
    decodeStored({
      ...alert,
      status: row.status,
      ...Option.match(Option.fromNullable(row.acknowledged_by), {
        onNone: () => ({}),
        onSome: (acknowledgedBy) => ({ acknowledgedBy })
      }),
      ...Option.match(Option.fromNullable(row.acknowledged_at), {
        onNone: () => ({}),
        onSome: (acknowledgedAt) => ({ acknowledgedAt })
      })
    })
  ).pipe(Either.mapLeft((e) => `alert row ${row.seq}: ${ParseResult.TreeFormatter.formatErrorSync(e)}`))

const rowsToStored = <Row extends AlertRow>(rows: ReadonlyArray<Row>) =>
  Effect.forEach(rows, (row) => Either.map(storedOf(row), (alert) => ({ row, alert })))

const Columns = "seq, change, body, status, acknowledged_by, acknowledged_at"
const InsertChunk = 1000

/** The store on the SqlClient in context; `migrate` brings the schema up to date first (safe with several instances). */
export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const migrator = Migrator.make({})({ loader: migrations, table: "console_migrations" })
  // Under a lock, so instances starting together migrate one after the other. The migrator's table is created
  // here first (its own DDL): its probe for the table would otherwise fail, and abort this transaction.
  yield* sql
    .withTransaction(
      Effect.zipRight(
        Effect.zipRight(
          sql`SELECT pg_advisory_xact_lock(${sql.literal(MigrationLock)})`,
          sql`CREATE TABLE IF NOT EXISTS console_migrations (
            migration_id integer primary key,
            created_at timestamp with time zone not null default now(),
            name text not null
          )`
        ),
        migrator
      )
    )
    .pipe(failed("migrate"))

  const writing = <A, E, R>(self: Effect.Effect<A, E, R>) =>
    sql.withTransaction(Effect.zipRight(sql`SELECT pg_advisory_xact_lock(${sql.literal(WriterLock)})`, self))

  const insertChunk = (alerts: ReadonlyArray<Alert>) =>
    Effect.map(
      sql`INSERT INTO console_alerts ${sql.insert(
        alerts.map((a) => ({
          alert_id: a.alertId,
          drone_id: a.droneId,
          citizen: a.citizen,
          ts: a.timestamp,
          body: JSON.stringify(Schema.encodeSync(Alert)(a))
        }))
      )} ON CONFLICT (alert_id) DO NOTHING RETURNING seq`,
      (rows) => rows.length
    )

  const insert = (alerts: ReadonlyArray<Alert>) =>
    alerts.length === 0
      ? Effect.succeed(0)
      : writing(
          Effect.map(
            Effect.forEach(
              Arr.chunksOf(
                Arr.dedupeWith(alerts, (a, b) => a.alertId === b.alertId),
                InsertChunk
              ),
              insertChunk
            ),
            Arr.reduce(0, (a, b) => a + b)
          )
        ).pipe(failed("insert"))

  // `before` is a cursor a previous page returned (checked by the caller: isCursor).
  const page = (q: AlertQuery) =>
    Effect.gen(function* () {
      const before = Option.fromNullable(q.before)
      const where = sql.and([
        ...Option.match(before, { onNone: () => [], onSome: (b) => [sql`seq < ${b}`] }),
        ...(q.status === undefined ? [] : [sql`status = ${q.status}`]),
        ...(q.droneId === undefined ? [] : [sql`drone_id = ${q.droneId}`]),
        ...(q.citizen === undefined
          ? []
          : [sql`citizen ILIKE ${`%${q.citizen.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`]),
        ...(q.from === undefined ? [] : [sql`ts >= ${q.from}::timestamptz`]),
        ...(q.to === undefined ? [] : [sql`ts < ${q.to}::timestamptz`])
      ])
      const rows =
        yield* sql<AlertRow>`SELECT ${sql.literal(Columns)} FROM console_alerts WHERE ${where} ORDER BY seq DESC LIMIT ${q.limit + 1}`
      const shown = yield* rowsToStored(rows.slice(0, q.limit))
      return {
        alerts: shown.map((s) => s.alert),
        ...(rows.length > q.limit
          ? Option.match(Arr.last(shown), { onNone: () => ({}), onSome: (s) => ({ next: String(s.row.seq) }) })
          : {})
      }
    }).pipe(failed("page"))

  // The alerts stored after `change` and the acknowledgements made after it, in change order.
  const changesAfter = (change: number, limit: number) =>
    Effect.flatMap(
      sql<AlertRow & { readonly kind: string }>`
        SELECT * FROM (
          (SELECT 'alert' AS kind, ${sql.literal(Columns)} FROM console_alerts WHERE change > ${change} ORDER BY change LIMIT ${limit})
          UNION ALL
          (SELECT 'acknowledged' AS kind, a.seq, k.change, a.body, a.status, a.acknowledged_by, a.acknowledged_at
             FROM console_acks k JOIN console_alerts a USING (alert_id) WHERE k.change > ${change} ORDER BY k.change LIMIT ${limit})
        ) AS changes ORDER BY change LIMIT ${limit}`,
      (rows) =>
        Effect.map(rowsToStored(rows), (stored) =>
          stored.map(({ row, alert }): Change => ({
            change: Number(row.change),
            kind: row.kind === "acknowledged" ? "acknowledged" : "alert",
            alert
          }))
        )
    ).pipe(failed("changes"))

  const lastChange = Effect.map(
    // What is committed, not the sequence (a writer may hold a number it has not committed yet).
    sql<{
      readonly last: string | number | undefined
    }>`SELECT GREATEST((SELECT max(change) FROM console_alerts), (SELECT max(change) FROM console_acks)) AS last`,
    (rows) => Number(rows[0]?.last ?? 0)
  ).pipe(failed("last change"))

  const stats = Effect.map(
    sql<{
      readonly alerts: string | number
      readonly open: string | number
    }>`SELECT count(*) AS alerts, count(*) FILTER (WHERE status = 'open') AS open FROM console_alerts`,
    (rows) => ({ alerts: Number(rows[0]?.alerts ?? 0), open: Number(rows[0]?.open ?? 0) })
  ).pipe(failed("stats"))

  const acknowledge = (alertId: string, by: string, at: Date) =>
    writing(
      Effect.gen(function* () {
        const updated =
          yield* sql`UPDATE console_alerts SET status = 'acknowledged', acknowledged_by = ${by}, acknowledged_at = ${at.toISOString()} WHERE alert_id = ${alertId} AND status = 'open' RETURNING alert_id`
        if (updated.length > 0) yield* sql`INSERT INTO console_acks (alert_id) VALUES (${alertId})`
        const rows =
          yield* sql<AlertRow>`SELECT ${sql.literal(Columns)} FROM console_alerts WHERE alert_id = ${alertId}`
        return yield* Effect.map(rowsToStored(rows), (r) => Option.map(Arr.head(r), (s) => s.alert))
      })
    ).pipe(failed("acknowledge"))

  const roleOf = (s: string): Role => (s === "officer" ? "officer" : "viewer")

  const putUser = (u: User) =>
    sql`INSERT INTO console_users ${sql.insert({ username: u.username, role: u.role, password_hash: u.passwordHash })}
        ON CONFLICT (username) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash`.pipe(
      Effect.asVoid,
      failed("put user")
    )

  const findUser = (username: string) =>
    Effect.map(
      sql<{
        readonly username: string
        readonly role: string
        readonly password_hash: string
      }>`SELECT username, role, password_hash FROM console_users WHERE username = ${username}`,
      (rows) =>
        Option.map(Arr.head(rows), (r): User => ({
          username: r.username,
          role: roleOf(r.role),
          passwordHash: r.password_hash
        }))
    ).pipe(failed("find user"))

  const createSession = (s: Session) =>
    Effect.zipRight(
      sql`DELETE FROM console_sessions WHERE expires_at < now()`,
      sql`INSERT INTO console_sessions ${sql.insert({ token_hash: s.tokenHash, username: s.username, csrf: s.csrf, expires_at: s.expiresAt.toISOString() })}`
    ).pipe(Effect.asVoid, failed("create session"))

  // The role is the account's as it is now, not as it was at login.
  const findSession = (tokenHash: string, now: Date) =>
    Effect.map(
      sql<{
        readonly token_hash: string
        readonly username: string
        readonly role: string
        readonly csrf: string
        readonly expires_at: Date | string
      }>`
        SELECT s.token_hash, s.username, u.role, s.csrf, s.expires_at FROM console_sessions s JOIN console_users u USING (username)
        WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now.toISOString()}::timestamptz`,
      (rows) =>
        Option.map(Arr.head(rows), (r): Session => ({
          tokenHash: r.token_hash,
          username: r.username,
          role: roleOf(r.role),
          csrf: r.csrf,
          expiresAt: new Date(r.expires_at)
        }))
    ).pipe(failed("find session"))

  const deleteSession = (tokenHash: string) =>
    sql`DELETE FROM console_sessions WHERE token_hash = ${tokenHash}`.pipe(Effect.asVoid, failed("delete session"))

  return ConsoleStore.of({
    insert,
    page,
    changesAfter,
    lastChange,
    stats,
    acknowledge,
    putUser,
    findUser,
    createSession,
    findSession,
    deleteSession
  })
})

/** The store as a layer over the SqlClient in context; migrations run when it is built. */
export const layer: Layer.Layer<ConsoleStore, ConsoleStoreError, SqlClient.SqlClient> = Layer.effect(ConsoleStore, make)
