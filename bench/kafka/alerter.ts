/**
 * Child process of bench/kafka.ts (alert latency): `AlerterLive` with the real stream sink and
 * `KafkaLog.layerFor(client, brokers, tuning)`, until SIGTERM. Argument: JSON {client, root, names, tuning}; `root` is
 * "../../dist/src" (the build, as in production) or "../../src" (through tsx).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Logger, LogLevel } from "effect"
import type * as KafkaLogModule from "../../src/adapters/KafkaLog.js"
import type * as AlertSinksModule from "../../src/adapters/AlertSinks.js"
import type * as AlerterModule from "../../src/alerter/Alerter.js"
import type * as RunningModule from "../../src/ops/Running.js"
import type * as SettingsModule from "../../src/config/Settings.js"
import { type Names, namesSettings } from "../../src/config/Names.js"
import { brokers, instrumentConsumers } from "./common.js"

const { client, root, names, tuning } = JSON.parse(process.argv[2] ?? "{}") as {
  client?: "platformatic" | "kafkajs"
  root: string
  names: Names
  tuning: Record<string, unknown>
}
instrumentConsumers("ours")
const KafkaLog = (await import(`${root}/adapters/KafkaLog.js`)) as typeof KafkaLogModule
const { streamSink } = (await import(`${root}/adapters/AlertSinks.js`)) as typeof AlertSinksModule
const { Alerter, AlerterLive } = (await import(`${root}/alerter/Alerter.js`)) as typeof AlerterModule
const { launch } = (await import(`${root}/ops/Running.js`)) as typeof RunningModule
const { withSettings } = (await import(`${root}/config/Settings.js`)) as typeof SettingsModule

launch(Alerter, AlerterLive.pipe(Layer.provide(streamSink(names.alertsTopic)))).pipe(
  Effect.provide(KafkaLog.layerFor(client ?? "kafkajs", brokers, tuning)),
  withSettings({ ...namesSettings(names), PEACESCORE_THRESHOLD: "20" }),
  Logger.withMinimumLogLevel(LogLevel.Warning),
  NodeRuntime.runMain({ disablePrettyLogger: true })
)
