import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import { Config, type ConfigError, Data, Effect, Layer, Option, Redacted } from "effect"
import { existsSync, mkdirSync, rmSync } from "node:fs"
import { connect } from "node:net"
import { join, resolve } from "node:path"

// Where the console's SQL runs: PostgreSQL at DATABASE_URL, or PGlite (PostgreSQL compiled to WASM) in a
// data directory, served to the same driver over a unix socket inside that directory. While a console holds
// the embedded store, `console add-user` reaches it through that socket instead of opening it twice.

export class ConsoleDatabaseError extends Data.TaggedError("ConsoleDatabaseError")<{
  readonly detail: string
  readonly cause: unknown
}> {
  override get message(): string {
    return `console database: ${this.detail}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/** `DATABASE_URL`: PostgreSQL for the console (a secret: it may hold a password); embedded when unset. */
export const DatabaseUrlConfig: Config.Config<Option.Option<Redacted.Redacted>> = Config.option(
  Config.redacted("DATABASE_URL")
).pipe(Config.map(Option.filter((url) => Redacted.value(url).trim() !== "")))

const SocketPort = 5432
const socketFile = (dir: string) => join(dir, `.s.PGSQL.${SocketPort}`)
// A unix socket's path must fit in 108 bytes; a deeper data directory is served on a loopback port instead.
const MaxSocketPath = 100

const embeddedClient = (host: string, port: number) =>
  PgClient.layer({
    host,
    port,
    database: "postgres",
    username: "postgres",
    // PGlite accepts any password; the socket is the directory's, the port bound to loopback.
    password: Redacted.make("embedded"),
    // One connection: PGlite runs one session at a time anyway, and pglite-socket stalled here when a second
    // connection's query waited on another's open transaction (the contract's concurrent-writers test).
    maxConnections: 1,
    applicationName: "peacestate-console"
  })

const listening = (path: string) =>
  Effect.async<boolean>((resume) => {
    const socket = connect({ path })
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

/** PGlite opened in `dir` and served on a socket for the life of the scope; the client to it. */
const serveEmbedded = (dir: string) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const [{ PGlite }, { PGLiteSocketServer }] = yield* Effect.promise(() =>
        Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-socket")])
      )
      const db = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => PGlite.create(dir),
          catch: (cause) => new ConsoleDatabaseError({ detail: `cannot open the embedded store in ${dir}`, cause })
        }),
        (db) => Effect.promise(() => db.close()).pipe(Effect.ignore)
      )
      const path = socketFile(dir)
      const onSocket = path.length <= MaxSocketPath
      // A socket file left by a killed console: nothing answers on it (checked by the caller).
      if (onSocket) rmSync(path, { force: true })
      const server = new PGLiteSocketServer({
        db,
        ...(onSocket ? { path } : { host: "127.0.0.1", port: 0 }),
        maxConnections: 16
      })
      yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => server.start(),
          catch: (cause) => new ConsoleDatabaseError({ detail: `cannot serve the embedded store of ${dir}`, cause })
        }),
        () => Effect.promise(() => server.stop()).pipe(Effect.ignore)
      )
      const where = server.getServerConn()
      yield* Effect.logDebug(`embedded console store ${dir} served on ${where}`)
      return onSocket ? embeddedClient(dir, SocketPort) : embeddedClient("127.0.0.1", Number(where.split(":").at(-1)))
    })
  )

/**
 * The embedded store in `dataDir` (created if missing): reached through the socket of the console that holds
 * it, or opened here when none does.
 */
export const embedded = (dataDir: string): Layer.Layer<SqlClient.SqlClient, ConsoleDatabaseError> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const dir = resolve(dataDir)
      yield* Effect.try({
        try: () => mkdirSync(dir, { recursive: true }),
        catch: (cause) => new ConsoleDatabaseError({ detail: `cannot create ${dir}`, cause })
      })
      const path = socketFile(dir)
      const held = existsSync(path) && (yield* listening(path))
      return held ? embeddedClient(dir, SocketPort) : serveEmbedded(dir)
    })
  ).pipe(
    Layer.catchAll((e) =>
      Layer.fail(e instanceof ConsoleDatabaseError ? e : new ConsoleDatabaseError({ detail: "connect", cause: e }))
    )
  )

/** PostgreSQL at `url` (several consoles may share it). */
export const postgres = (url: Redacted.Redacted): Layer.Layer<SqlClient.SqlClient, ConsoleDatabaseError> =>
  PgClient.layer({ url, maxConnections: 8, applicationName: "peacestate-console" }).pipe(
    Layer.mapError((cause) => new ConsoleDatabaseError({ detail: "cannot reach PostgreSQL at DATABASE_URL", cause }))
  )

/** PostgreSQL when `DATABASE_URL` is set, else the embedded store in `dataDir`. */
export const fromConfig = (
  dataDir: string
): Layer.Layer<SqlClient.SqlClient, ConsoleDatabaseError | ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(DatabaseUrlConfig, Option.match({ onNone: () => embedded(dataDir), onSome: postgres })))
