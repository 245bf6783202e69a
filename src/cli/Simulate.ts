import { Command, Options } from "@effect/cli"
import { Chunk, Effect, Layer, Ref, Stream } from "effect"
import { NamesConfig } from "../config/Names.js"
import { MessageLog } from "../ports/MessageLog.js"
import type { SimulationRun } from "../simulator/Simulator.js"
import type { Counter } from "../terminal/Progress.js"
import * as Flags from "./Flags.js"

const to = Options.choice("to", ["stdout", "kafka"]).pipe(
  Options.withDefault("stdout" as const),
  Options.withDescription(
    "Where the reports go: stdout (JSON lines) or the Kafka reports topic (KAFKA_BROKERS, REPORTS_TOPIC). Default: stdout."
  )
)

// The simulator loads when the command runs, the Kafka client only for --to kafka.
const implementation = Effect.promise(() =>
  Promise.all([
    import("../simulator/Simulator.js"),
    import("../domain/Codec.js"),
    import("../terminal/Progress.js"),
    import("../terminal/Stdout.js")
  ])
)

const kafkaLog = Layer.unwrapEffect(
  Effect.map(
    Effect.promise(() => import("../adapters/KafkaLog.js")),
    (KafkaLog) => KafkaLog.layer
  )
)

const toKafka = (run: SimulationRun, produced: Counter) =>
  Effect.gen(function* () {
    const [{ reports }, { encodeReport }] = yield* implementation
    const names = yield* NamesConfig
    const log = yield* MessageLog
    yield* log.ensureTopic(names.reportsTopic, names.partitions)
    yield* reports(run).pipe(
      Stream.rechunk(run.rate !== undefined ? Math.max(1, Math.min(1000, Math.floor(run.rate / 100))) : 2000),
      Stream.runForEachChunk((chunk) =>
        Effect.zipRight(
          log.publish(
            names.reportsTopic,
            Chunk.toReadonlyArray(Chunk.map(chunk, (r) => ({ key: r.droneId, value: encodeReport(r) })))
          ),
          Ref.update(produced, (n) => n + Chunk.size(chunk))
        )
      )
    )
  }).pipe(Effect.provide(kafkaLog))

export const simulate = Command.make(
  "simulate",
  {
    to,
    seed: Flags.seed,
    count: Flags.count(1000),
    drones: Flags.drones(10),
    start: Flags.start,
    rate: Flags.rate,
    alertRatio: Flags.alertRatio
  },
  (o) =>
    Effect.gen(function* () {
      const [
        { reportLines },
        ,
        { countInto, fmt, makeCounter, rate, withProgress },
        { quietOnBrokenPipe, writeLines }
      ] = yield* implementation
      const run = {
        seed: o.seed,
        count: o.count,
        drones: o.drones,
        startMs: o.start,
        rate: o.rate,
        alertRatio: o.alertRatio
      }
      const produced = yield* makeCounter
      const progress = (s: number) =>
        Effect.map(Ref.get(produced), (n) => `simulated ${fmt(n)}/${fmt(o.count)} reports (${rate(n, s)})`)
      yield* quietOnBrokenPipe
      yield* withProgress(
        o.to === "stdout" ? writeLines(reportLines(run).pipe(countInto(produced))) : toKafka(run, produced),
        progress
      )
    })
).pipe(Command.withDescription("Produce seeded, reproducible drone reports (one per drone per simulated minute)"))
