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

/** One request; the body as text and, when it parses, as JSON. */
export const call = (
  url: string,
  path: string,
  init: RequestInit & { readonly cookie?: string; readonly csrf?: string } = {}
) =>
  Effect.promise(async () => {
    const res = await fetch(`${url}${path}`, {
      ...init,
      headers: {
        ...(init.cookie === undefined ? {} : { cookie: init.cookie }),
        ...(init.csrf === undefined ? {} : { "x-csrf-token": init.csrf }),
        ...(init.headers as Record<string, string> | undefined)
      }
    })
    const text = await res.text()
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: (() => {
        try {
          return JSON.parse(text) as unknown
        } catch {
          return undefined
        }
      })()
    }
  })

export interface SseEvent {
  readonly id?: string
  readonly event: string
  readonly data: string
}

/** Read Server-Sent Events from `path` until `enough` says so (or 30 s pass). */
export const readEvents = (
  url: string,
  path: string,
  cookie: string,
  enough: (events: ReadonlyArray<SseEvent>) => boolean,
  lastEventId?: string,
  onOpen: () => void = () => undefined
) =>
  Effect.promise(async () => {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), 30_000)
    const res = await fetch(`${url}${path}`, {
      headers: { cookie, ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }) },
      signal: abort.signal
    })
    const events: Array<SseEvent> = []
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ""
    try {
      while (!enough(events)) {
        const { value, done } = await reader.read()
        if (done) break
        onOpen()
        buffer += decoder.decode(value, { stream: true })
        const blocks = buffer.split("\n\n")
        buffer = blocks.pop() ?? ""
        for (const block of blocks) {
          const lines = block.split("\n")
          const field = (name: string) =>
            lines.filter((l) => l.startsWith(`${name}: `)).map((l) => l.slice(name.length + 2))
          const data = field("data")
          if (data.length > 0)
            events.push({ id: field("id")[0], event: field("event")[0] ?? "message", data: data.join("\n") })
        }
      }
    } catch {
      // aborted: return what arrived
    } finally {
      clearTimeout(timer)
      abort.abort()
    }
    return { status: res.status, contentType: res.headers.get("content-type"), events }
  })
