/**
 * Child process of bench/kafka.ts (alert latency): `runAlerter` with the real stream sink and
 * `KafkaLog.layerWith(brokers, tuning)`, until SIGTERM. Argument: JSON {root, names, tuning}; `root` is
 * "../../dist/src" (the build, as in production) or "../../src" (through tsx).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Logger, LogLevel, Option } from "effect"
import type * as KafkaLogModule from "../../src/adapters/KafkaLog.js"
import type * as AlertSinksModule from "../../src/adapters/AlertSinks.js"
import type * as AlerterModule from "../../src/alerter/Alerter.js"
import type * as CountersModule from "../../src/util/Counters.js"
import type { Names } from "../../src/config/Names.js"
import { brokers, instrumentConsumers } from "./common.js"

const { root, names, tuning } = JSON.parse(process.argv[2] ?? "{}") as { root: string; names: Names; tuning: Record<string, unknown> }
instrumentConsumers("ours")
const KafkaLog = (await import(`${root}/adapters/KafkaLog.js`)) as typeof KafkaLogModule
const { streamSink } = (await import(`${root}/adapters/AlertSinks.js`)) as typeof AlertSinksModule
const { runAlerter } = (await import(`${root}/alerter/Alerter.js`)) as typeof AlerterModule
const { makeCounters } = (await import(`${root}/util/Counters.js`)) as typeof CountersModule

Effect.gen(function* () {
  const counters = yield* makeCounters
  yield* runAlerter({ names, threshold: 20, idleExit: Option.none(), counters }).pipe(Effect.provide(streamSink(names.alertsTopic)))
}).pipe(Effect.provide(KafkaLog.layerWith(brokers, tuning)), Logger.withMinimumLogLevel(LogLevel.Warning), NodeRuntime.runMain({ disablePrettyLogger: true }))
