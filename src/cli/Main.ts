import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { simulate } from "./Simulate.js"

export const peacestate = Command.make("peacestate").pipe(
  Command.withDescription("PeaceState: drone reports to alerts, a Parquet archive and answers"),
  Command.withSubcommands([simulate])
)

const cli = Command.run(peacestate, { name: "peacestate", version: "0.1.0" })

/** Run the CLI; `prefix` names a subcommand for the per-component bin scripts. */
export const main = (prefix: ReadonlyArray<string> = []): void =>
  cli([...process.argv.slice(0, 2), ...prefix, ...process.argv.slice(2)]).pipe(
    Effect.provide(NodeContext.layer),
    NodeRuntime.runMain({ disableErrorReporting: false })
  )
