/**
 * `peacestate/alerter`: the alerter component as a layer on any `MessageLog` and `AlertSink`, the alert
 * sinks, its settings (topic names, threshold, idle exit, read through `Config`) and its metrics. Needs
 * `effect` only: the adapters are chosen by the caller.
 */
export {
  Alerter,
  AlerterConfig,
  AlerterLive,
  deadLetter,
  MaxDeadLetterBytes,
  truncateDeadLetter
} from "../alerter/Alerter.js"
export * as AlertSinks from "../adapters/AlertSinks.js"
export { DefaultNames, NamesConfig } from "../config/Names.js"
export type { Names } from "../config/Names.js"
export { withSettings } from "../config/Settings.js"
export * as Metrics from "../ops/Metrics.js"
export { launch, StopWhenIdle } from "../ops/Running.js"
export type { Running } from "../ops/Running.js"
