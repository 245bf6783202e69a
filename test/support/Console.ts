// A console for tests, in this process: an in-memory alerts topic (or the MessageLog given), its store
// (embedded in a temporary directory, or PostgreSQL at a URL), and the HTTP server on a free port.
import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Context, Effect, Layer, Redacted } from "effect"
import * as ConsoleDatabase from "../../src/adapters/ConsoleDatabase.js"
import * as InMemoryLog from "../../src/adapters/InMemoryLog.js"
import * as SqlConsoleStore from "../../src/adapters/SqlConsoleStore.js"
import { ConsoleLive, ConsoleServer } from "../../src/console/Console.js"
import type { Role } from "../../src/console/Model.js"
import * as Passwords from "../../src/console/Passwords.js"
import { DefaultNames } from "../../src/config/Names.js"
import { encodeAlert } from "../../src/domain/Codec.js"
import type { Alert } from "../../src/domain/Alert.js"
import { ConsoleStore } from "../../src/ports/ConsoleStore.js"
import { MessageLog } from "../../src/ports/MessageLog.js"

export interface TestConsole {
  readonly url: string
  readonly store: ConsoleStore["Type"]
  readonly log: MessageLog["Type"]
  /** Publish alerts on the alerts topic, as the alerter does (key: the drone id). */
  readonly publish: (alerts: ReadonlyArray<Alert>) => Effect.Effect<void, unknown>
  /** Create an account directly in the store. */
  readonly addUser: (username: string, role: Role, password: string) => Effect.Effect<void, unknown>
}

export interface TestConsoleOptions {
  /** PostgreSQL instead of the embedded store. */
  readonly databaseUrl?: string
  /** The message log (default: a fresh in-memory one). */
  readonly log?: Layer.Layer<MessageLog>
  readonly settings?: Readonly<Record<string, string>>
}

/** A running console for the scope. */
export const startConsole = (options: TestConsoleOptions = {}) =>
  Effect.gen(function* () {
    const database =
      options.databaseUrl === undefined
        ? Layer.unwrapScoped(
            Effect.map(
              Effect.flatMap(FileSystem.FileSystem, (fs) =>
                fs.makeTempDirectoryScoped({ prefix: "peacestate-console-" })
              ),
              ConsoleDatabase.embedded
            )
          ).pipe(Layer.provide(NodeContext.layer))
        : ConsoleDatabase.postgres(Redacted.make(options.databaseUrl))
    const store = SqlConsoleStore.layer.pipe(Layer.provide(database))
    const log = options.log ?? InMemoryLog.layer
    const services = Layer.provideMerge(ConsoleLive, Layer.merge(store, log))
    const config = ConfigProvider.fromMap(new Map(Object.entries({ CONSOLE_PORT: "0", ...options.settings })))
    const context = yield* Layer.build(services).pipe(Effect.withConfigProvider(config))
    const server = Context.get(context, ConsoleServer)
    const s = Context.get(context, ConsoleStore)
    const l = Context.get(context, MessageLog)
    return {
      url: server.url,
      store: s,
      log: l,
      publish: (alerts) =>
        l.publish(
          DefaultNames.alertsTopic,
          alerts.map((a) => ({ key: a.droneId, value: encodeAlert(a) }))
        ),
      addUser: (username, role, password) =>
        Effect.flatMap(Passwords.hash(Redacted.make(password)), (passwordHash) =>
          s.putUser({ username, role, passwordHash })
        )
    } satisfies TestConsole
  })

/** A signed-in client of a test console: fetch with the session cookie and the CSRF token. */
export const signIn = (url: string, username: string, password: string) =>
  Effect.promise(async () => {
    const res = await fetch(`${url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password })
    })
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
    const body = (await res.json()) as { csrf?: string }
    return { status: res.status, cookie, csrf: body.csrf ?? "", setCookie: res.headers.get("set-cookie") ?? "" }
  })
