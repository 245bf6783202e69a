import { Command, ValidationError } from "@effect/cli"
// Subpath imports: the package index re-exports undici (CommonJS), which a bundle cannot leave out.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, ConfigError, Effect, Layer } from "effect"
import { LoggingLive } from "../ops/Logging.js"
import { TracingLive } from "../ops/Tracing.js"
import { writeStderr } from "../terminal/Stderr.js"
import { commandPathOf, withTidyConsole } from "./HelpText.js"
import { alertCommand } from "./Alert.js"
import { analyzeCommand } from "./Analyze.js"
import { archiveCommand } from "./Archive.js"
import { consoleCommand } from "./Console.js"
import { demo } from "./Demo.js"
import { simulate } from "./Simulate.js"

export const peacestate = Command.make("peacestate").pipe(
  Command.withDescription("PeaceState: drone reports to alerts, a Parquet archive and answers"),
  Command.withSubcommands([simulate, demo, alertCommand, archiveCommand, analyzeCommand, consoleCommand])
)

const CommandNames = ["simulate", "demo", "alert", "archive", "analyze", "merge", "console", "add-user"]

const cli = Command.run(peacestate, { name: "peacestate", version: "0.1.0" })

// A configuration error names its variable ("X: expected ..."), once, without the wrapper's punctuation.
const configMessage = (e: ConfigError.ConfigError): string =>
  e._op === "And" || e._op === "Or"
    ? `${configMessage(e.left)}${e._op === "And" ? "; " : " or "}${configMessage(e.right)}`
    : e.path.length === 0 || e.message.startsWith(`${e.path.join(".")}:`)
      ? e.message
      : `${e.path.join(".")}: ${e.message}`

// Every failure is a tagged error (an Error with a message that names the problem) or a configuration error.
const messageOf = (error: unknown): string =>
  ConfigError.isConfigError(error)
    ? `configuration: ${configMessage(error)}`
    : error instanceof Error && error.message !== ""
      ? error.message
      : String(error)

// A failure ends with one line on stderr (readable on a terminal, a JSON line otherwise) and exit code 1;
// option errors are already shown by @effect/cli with the usage; defects keep their full cause for debugging.
const reportFailure = <A, R>(self: Effect.Effect<A, unknown, R>) =>
  Effect.tapErrorCause(self, (cause) =>
    Cause.isFailType(cause) && ValidationError.isValidationError(cause.error)
      ? Effect.void
      : Cause.isFailType(cause)
        ? Effect.sync(() => writeStderr("ERROR", `peacestate: ${messageOf(cause.error)}`))
        : Cause.isInterruptedOnly(cause)
          ? Effect.void
          : Effect.sync(() => writeStderr("ERROR", `peacestate: unexpected failure\n${Cause.pretty(cause)}`))
  )

/** `demo --serve` may leave its PORT out (@effect/cli options take a value or none): it means 8080. */
export const withServePort = (args: ReadonlyArray<string>): ReadonlyArray<string> =>
  args.flatMap((a, i) => (a === "--serve" && !/^[0-9]+$/.test(args[i + 1] ?? "") ? [a, "8080"] : [a]))

/** Run the CLI; `prefix` names a subcommand for the per-component bin scripts. */
export const main = (prefix: ReadonlyArray<string> = []): void =>
  withTidyConsole(
    cli([...process.argv.slice(0, 2), ...withServePort([...prefix, ...process.argv.slice(2)])]),
    commandPathOf([...prefix, ...process.argv.slice(2)], CommandNames)
  ).pipe(
    reportFailure,
    Effect.provide(Layer.mergeAll(NodeContext.layer, LoggingLive, TracingLive)),
    NodeRuntime.runMain({ disablePrettyLogger: true, disableErrorReporting: true })
  )
