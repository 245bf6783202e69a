// A PostgreSQL database of its own for a test file, on the server infra.sh starts (PEACESTATE_TEST_DATABASE_URL).
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { Effect, Redacted } from "effect"
import { infra } from "./Infra.js"

export const postgresUrl = (): string | undefined => infra().env.PEACESTATE_TEST_DATABASE_URL

/** Why PostgreSQL tests skip, or undefined when they run. */
export const postgresSkipReason = (): string | undefined =>
  postgresUrl() === undefined ? `no PostgreSQL (${infra().reason})` : undefined

const admin = <A, E>(url: string, f: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>) =>
  Effect.scoped(
    Effect.flatMap(SqlClient.SqlClient, f).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 }))
    )
  )

/** A new, empty database for the scope (dropped after), as a URL. */
export const freshDatabase = (prefix: string) =>
  Effect.gen(function* () {
    const base = postgresUrl() ?? ""
    const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.replace(
      /[^a-z0-9_]/g,
      "_"
    )
    yield* Effect.acquireRelease(
      admin(base, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)),
      () => admin(base, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).pipe(Effect.ignoreLogged)
    ).pipe(Effect.orDie)
    const url = new URL(base)
    url.pathname = `/${name}`
    return url.toString()
  })
