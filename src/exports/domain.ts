/**
 * `peacestate/domain`: the pure domain. Report and Alert schemas, the wire codec, the alert rule, the
 * seeded generator and the statistics monoid. Needs `effect` only: no I/O, no SDK.
 */
export { Alert } from "../domain/Alert.js"
export { alertIdOf, alertsOf, DefaultThreshold, hasAlert, isAlert } from "../domain/AlertRule.js"
export {
  decodeAlert,
  decodeReport,
  decodeReportValue,
  encodeAlert,
  encodeReport,
  explain,
  InvalidReport,
  MaxReportBytes
} from "../domain/Codec.js"
export type { Problem } from "../domain/Codec.js"
export { droneIdOf, makeGenerator, reportAt } from "../domain/Generator.js"
export type { SimulationSettings } from "../domain/Generator.js"
export { Citizen, Location, Peacescore, Report, SchemaVersion, Telemetry, Timestamp } from "../domain/Report.js"
/** The statistics monoid: `Stats.ofReport`, `Stats.combine`, `Stats.empty`, `Stats.toAnalysis`; the state is `Stats.Stats`. */
export * as Stats from "../domain/Stats.js"
