import { HttpServer } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Config, Context, Duration, Effect, Either, Layer } from "effect"
import { createServer } from "node:http"
import { parseDuration, parseInteger } from "../config/Parse.js"
import { parsed } from "../config/Settings.js"
import { type Running, start } from "../ops/Running.js"
import type { ConsoleStoreError } from "../ports/ConsoleStore.js"
import type { LogError } from "../ports/MessageLog.js"
import * as Analyses from "./Analyses.js"
import * as Assets from "./Assets.js"
import * as Http from "./Http.js"
import * as Ingest from "./Ingest.js"
import * as Live from "./Live.js"

// The console as a component (CONTRACT §8): the ingest loop (alerts topic → store), the live hub and the
// HTTP server, all in the layer's scope. `ConsoleServer.done` ends with the ingest loop.

/** `CONSOLE_PORT` (default 8080; 0 picks a free one), `CONSOLE_HOST` (default 127.0.0.1), the cookie and session settings. */
export const ConsoleConfig = Config.all({
  port: Config.withDefault(parsed("CONSOLE_PORT", parseInteger("CONSOLE_PORT", { min: 0, max: 65535 })), 8080),
  host: Config.withDefault(Config.string("CONSOLE_HOST"), "127.0.0.1"),
  secureCookie: Config.withDefault(Config.boolean("CONSOLE_SECURE_COOKIE"), false),
  sessionTtl: Config.withDefault(
    parsed("CONSOLE_SESSION_TTL", (s) => Either.mapLeft(parseDuration(s), (e) => `CONSOLE_SESSION_TTL: ${e}`)),
    Http.DefaultHttpSettings.sessionTtl
  )
})

export interface ConsoleRunning extends Running<LogError | ConsoleStoreError> {
  /** Where the page is served, e.g. http://127.0.0.1:8080. */
  readonly url: string
}

export class ConsoleServer extends Context.Tag("peacestate/ConsoleServer")<ConsoleServer, ConsoleRunning>() {}

/** The console: needs a ConsoleStore and a MessageLog; serves HTTP on CONSOLE_HOST:CONSOLE_PORT while it runs. */
export const ConsoleLive = Layer.scoped(
  ConsoleServer,
  Effect.gen(function* () {
    const config = yield* ConsoleConfig
    const assets = yield* Assets.load
    const live = yield* Live.make()
    const analyses = yield* Analyses.fromConfig
    const app = yield* Http.make(
      live,
      assets,
      {
        ...Http.DefaultHttpSettings,
        secureCookie: config.secureCookie,
        sessionTtl: Duration.decode(config.sessionTtl)
      },
      analyses
    )
    const server = yield* NodeHttpServer.make(() => createServer(), { port: config.port, host: config.host })
    yield* server.serve(app)
    const url = HttpServer.formatAddress(server.address)
    yield* Effect.logInfo(`console: serving ${url}`)
    const running = yield* start("console", Ingest.make)
    return { ...running, url }
  })
)
