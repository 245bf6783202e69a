import { Command, Options } from "@effect/cli"
import { Data, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import { consumerSettings, withSettings } from "../config/Settings.js"
import { Username } from "../console/Model.js"
import * as Flags from "./Flags.js"

const dataDir = Options.directory("data-dir").pipe(
  Options.withPseudoName("DIR"),
  Options.withDefault("./data/console"),
  Options.withDescription(
    Flags.describe("The embedded store's directory, used when DATABASE_URL is not set (PostgreSQL then).", {
      fallback: "./data/console"
    })
  )
)

const port = Options.text("port").pipe(
  Options.withPseudoName("PORT"),
  Options.optional,
  Options.withDescription(
    Flags.describe("Serve the page and the API on this port (0: any free one), on CONSOLE_HOST (default 127.0.0.1).", {
      fallback: "8080",
      env: "CONSOLE_PORT"
    })
  )
)

const archive = Options.text("archive").pipe(
  Options.withPseudoName("ROOT"),
  Options.optional,
  Options.withDescription(
    Flags.describe(
      "Archive root whose published analyses (<root>/analysis/, written by analyze --publish) the /analysis page shows: a folder or s3://bucket/prefix.",
      { fallback: "s3:// with the S3_* settings when S3_BUCKET is set, else none", env: "CONSOLE_ARCHIVE" }
    )
  )
)

const username = Options.text("username").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("The account's name: 1 to 64 letters, digits, '.', '_' or '-'."),
  Flags.validate((s: string) =>
    Schema.is(Username)(s)
      ? Either.right(s)
      : Either.left(`--username: expected 1 to 64 letters, digits, '.', '_' or '-', got ${JSON.stringify(s)}`)
  )
)

const role = Options.choice("role", ["officer", "viewer"]).pipe(
  Options.withDescription("officer: sees and acknowledges alerts; viewer: sees them.")
)

export class PasswordInputError extends Data.TaggedError("PasswordInputError")<{ readonly problem: string }> {
  override get message(): string {
    return `password (first line of stdin): ${this.problem}`
  }
}

// The password is the first line of stdin, never an argument (arguments show in `ps` and shell histories).
const firstLineOfStdin = Effect.async<string, PasswordInputError>((resume) => {
  const chunks: Array<Buffer> = []
  const done = (text: string) => {
    process.stdin.off("data", onData)
    process.stdin.off("end", onEnd)
    process.stdin.pause()
    resume(Effect.succeed(text.replace(/\r$/, "")))
  }
  const onData = (chunk: Buffer) => {
    chunks.push(chunk)
    const text = Buffer.concat(chunks).toString("utf8")
    if (text.includes("\n")) done(text.slice(0, text.indexOf("\n")))
  }
  const onEnd = () => done(Buffer.concat(chunks).toString("utf8"))
  if (process.stdin.isTTY) process.stderr.write("password (one line): ")
  process.stdin.on("data", onData)
  process.stdin.once("end", onEnd)
  process.stdin.once("error", (e) => resume(Effect.fail(new PasswordInputError({ problem: e.message }))))
}).pipe(
  Effect.filterOrFail(
    (p) => p.length >= 8 && p.length <= 1024,
    (p) =>
      new PasswordInputError({
        problem:
          p.length === 0
            ? "empty: pipe the password in, e.g. printf '%s\\n' \"$PW\" | peacestate console add-user ..."
            : `expected 8 to 1024 characters, got ${p.length}`
      })
  )
)

const implementation = Effect.promise(() =>
  Promise.all([
    import("../adapters/ConsoleDatabase.js"),
    import("../adapters/SqlConsoleStore.js"),
    import("../console/Console.js"),
    import("../console/Passwords.js"),
    import("../ports/ConsoleStore.js"),
    import("./OnKafka.js")
  ])
)

const addUser = Command.make("add-user", { username, role, dataDir }, (o) =>
  Effect.gen(function* () {
    const [ConsoleDatabase, SqlConsoleStore, , Passwords, { ConsoleStore }] = yield* implementation
    const password = Redacted.make(yield* firstLineOfStdin)
    const passwordHash = yield* Passwords.hash(password)
    yield* Effect.flatMap(ConsoleStore, (store) =>
      store.putUser({ username: o.username, role: o.role, passwordHash })
    ).pipe(Effect.provide(SqlConsoleStore.layer.pipe(Layer.provide(ConsoleDatabase.fromConfig(o.dataDir)))))
    yield* Effect.logInfo(`console: account ${o.username} (${o.role}) saved`)
  })
).pipe(
  Command.withDescription("Create a console account, or set its role and password (read from the first line of stdin)")
)

export const consoleCommand = Command.make(
  "console",
  { port, dataDir, archive, idleExit: Flags.idleExit, metricsPort: Flags.metricsPort },
  (o) =>
    Effect.gen(function* () {
      const [ConsoleDatabase, SqlConsoleStore, { ConsoleLive, ConsoleServer }, , , { launchOnKafka }] =
        yield* implementation
      yield* launchOnKafka(
        "console",
        ConsoleServer,
        ConsoleLive.pipe(Layer.provide(SqlConsoleStore.layer), Layer.provide(ConsoleDatabase.fromConfig(o.dataDir)))
      )
    }).pipe(
      withSettings({
        CONSOLE_PORT: Option.getOrUndefined(o.port),
        CONSOLE_ARCHIVE: Option.getOrUndefined(o.archive),
        ...consumerSettings(o)
      })
    )
).pipe(
  Command.withDescription(
    "The officers' console on Kafka: alerts topic → its own database (PostgreSQL at DATABASE_URL, else embedded) → a live web page"
  ),
  Command.withSubcommands([addUser])
)
