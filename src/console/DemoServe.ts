import { Clock, Context, Effect, Layer, Option, Redacted } from "effect"
import { join, resolve } from "node:path"
import { ArchiveRoot, storeLayer } from "../adapters/ArchiveRoot.js"
import * as Published from "../analyzer/Published.js"
import type { Analysis } from "../domain/Stats.js"
import * as ConsoleDatabase from "../adapters/ConsoleDatabase.js"
import * as SqlConsoleStore from "../adapters/SqlConsoleStore.js"
import { ConsoleStore } from "../ports/ConsoleStore.js"
import { withSettings } from "../config/Settings.js"
import { ConsoleLive, ConsoleServer } from "./Console.js"
import * as Passwords from "./Passwords.js"

// `demo --serve`: after the pipeline, the console over the demo's alerts (its in-memory alerts topic), with its
// embedded store under the demo's data folder and a one-time officer password, until interrupted; its analysis
// is published beside the archive, so the console's /analysis page shows it.

export interface Served {
  readonly url: string
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/**
 * Publish the demo's analysis beside its archive, then serve the console on `port` over the MessageLog in
 * context, showing that analysis; `announce` is told where and how to sign in.
 */
export const serveDemoConsole = (
  dataDir: string,
  port: number,
  analysis: Analysis,
  announce: (served: Served) => Effect.Effect<void>
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const generatedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
      yield* Effect.provide(
        Published.publish(
          Published.published(analysis, {
            generatedAt,
            source: resolve(dataDir),
            from: Option.none(),
            until: Option.none(),
            shards: { count: 1, covered: [0] }
          })
        ),
        storeLayer(ArchiveRoot.Local({ folder: dataDir }))
      )
      const store = SqlConsoleStore.layer.pipe(Layer.provide(ConsoleDatabase.embedded(join(dataDir, "console"))))
      const context = yield* Layer.build(Layer.provideMerge(ConsoleLive, store))
      const server = Context.get(context, ConsoleServer)
      const password = Redacted.make(Passwords.token().slice(0, 16))
      const passwordHash = yield* Passwords.hash(password)
      yield* Context.get(context, ConsoleStore).putUser({ username: "officer", role: "officer", passwordHash })
      yield* announce({ url: server.url, username: "officer", password })
      yield* server.done
    })
  ).pipe(withSettings({ CONSOLE_PORT: String(port), CONSOLE_ARCHIVE: dataDir }))
