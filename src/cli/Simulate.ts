import { Command, Options } from "@effect/cli"
import { Effect, Ref } from "effect"
import { reportLines } from "../simulator/Simulator.js"
import { countInto, fmt, makeCounter, rate, withProgress } from "../util/Progress.js"
import { quietOnBrokenPipe, writeLines } from "../util/Stdout.js"
import * as Shared from "./Shared.js"

const to = Options.choice("to", ["stdout", "kafka"]).pipe(
  Options.withDefault("stdout" as const),
  Options.withDescription("Where the reports go: stdout (JSON lines) or the Kafka reports topic")
)

export const simulate = Command.make(
  "simulate",
  {
    to,
    seed: Shared.seed,
    count: Shared.count(1000),
    drones: Shared.drones(10),
    start: Shared.start,
    rate: Shared.rate,
    alertRatio: Shared.alertRatio
  },
  (o) =>
    Effect.gen(function* () {
      const run = { seed: o.seed, count: o.count, drones: o.drones, startMs: o.start, rate: o.rate, alertRatio: o.alertRatio }
      const produced = yield* makeCounter
      const progress = (s: number) => Effect.map(Ref.get(produced), (n) => `simulated ${fmt(n)}/${fmt(o.count)} reports (${rate(n, s)})`)
      yield* quietOnBrokenPipe
      yield* withProgress(writeLines(reportLines(run).pipe(countInto(produced))), progress)
    })
).pipe(Command.withDescription("Produce seeded, reproducible drone reports (one per drone per simulated minute)"))
