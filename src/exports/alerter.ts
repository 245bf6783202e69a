/**
 * `peacestate/alerter`: the alerter component on any `MessageLog` and `AlertSink`, the alert sinks, and
 * what it is configured with (topic names, counters). Needs `effect` only: the adapters are chosen by
 * the caller.
 */
export { deadLetter, MaxDeadLetterBytes, runAlerter, truncateDeadLetter } from "../alerter/Alerter.js"
export type { AlerterOptions } from "../alerter/Alerter.js"
export * as AlertSinks from "../adapters/AlertSinks.js"
export { DefaultNames, NamesConfig } from "../config/Names.js"
export type { Names } from "../config/Names.js"
export { makeCounters, snapshot } from "../util/Counters.js"
export type { Counters } from "../util/Counters.js"
