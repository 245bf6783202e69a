import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { LoggingLive } from "../util/Logging.js"
import { alertCommand } from "./Alert.js"
import { analyzeCommand } from "./Analyze.js"
import { archiveCommand } from "./Archive.js"
import { demo } from "./Demo.js"
import { simulate } from "./Simulate.js"

export const peacestate = Command.make("peacestate").pipe(
  Command.withDescription("PeaceState: drone reports to alerts, a Parquet archive and answers"),
  Command.withSubcommands([simulate, demo, alertCommand, archiveCommand, analyzeCommand])
)

const cli = Command.run(peacestate, { name: "peacestate", version: "0.1.0" })

/** Run the CLI; `prefix` names a subcommand for the per-component bin scripts. */
export const main = (prefix: ReadonlyArray<string> = []): void =>
  cli([...process.argv.slice(0, 2), ...prefix, ...process.argv.slice(2)]).pipe(
    Effect.provide(Layer.merge(NodeContext.layer, LoggingLive)),
    NodeRuntime.runMain({ disablePrettyLogger: true })
  )
