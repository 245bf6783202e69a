/** PeaceState as a library: the pure domain (schemas, codecs, alert rule, generator). */
export { Alert } from "./domain/Alert.js"
export { alertIdOf, alertsOf, DefaultThreshold, hasAlert, isAlert } from "./domain/AlertRule.js"
export { decodeAlert, decodeReport, decodeReportValue, encodeAlert, encodeReport, InvalidReport, MaxReportBytes } from "./domain/Codec.js"
export type { Problem } from "./domain/Codec.js"
export { droneIdOf, makeGenerator, reportAt } from "./domain/Generator.js"
export type { SimulationSettings } from "./domain/Generator.js"
export { Citizen, Location, Peacescore, Report, SchemaVersion, Telemetry, Timestamp } from "./domain/Report.js"
