import { Context, Effect, Layer, Redacted } from "effect"
import { join } from "node:path"
import * as ConsoleDatabase from "../adapters/ConsoleDatabase.js"
import * as SqlConsoleStore from "../adapters/SqlConsoleStore.js"
import { ConsoleStore } from "../ports/ConsoleStore.js"
import { withSettings } from "../config/Settings.js"
import { ConsoleLive, ConsoleServer } from "./Console.js"
import * as Passwords from "./Passwords.js"

// `demo --serve`: after the pipeline, the console over the demo's alerts (its in-memory alerts topic), with its
// embedded store under the demo's data folder and a one-time officer password, until interrupted.

export interface Served {
  readonly url: string
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/** Serve the console on `port` over the MessageLog in context; `announce` is told where and how to sign in. */
export const serveDemoConsole = (dataDir: string, port: number, announce: (served: Served) => Effect.Effect<void>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = SqlConsoleStore.layer.pipe(Layer.provide(ConsoleDatabase.embedded(join(dataDir, "console"))))
      const context = yield* Layer.build(Layer.provideMerge(ConsoleLive, store))
      const server = Context.get(context, ConsoleServer)
      const password = Redacted.make(Passwords.token().slice(0, 16))
      const passwordHash = yield* Passwords.hash(password)
      yield* Context.get(context, ConsoleStore).putUser({ username: "officer", role: "officer", passwordHash })
      yield* announce({ url: server.url, username: "officer", password })
      yield* server.done
    })
  ).pipe(withSettings({ CONSOLE_PORT: String(port) }))
