/**
 * `peacestate/archiver`: the archiver component as a layer on any `MessageLog` and `ObjectStore`, its
 * settings (topic names, file size, idle exit and flush, read through `Config`) and its metrics. Needs
 * `effect` and the Parquet writer (`hyparquet`, `hyparquet-writer`); the adapters are chosen by the caller.
 */
export { Archiver, ArchiverConfig, ArchiverLive } from "../archiver/Archiver.js"
export type { ArchiverError } from "../archiver/Archiver.js"
export { DefaultNames, NamesConfig } from "../config/Names.js"
export type { Names } from "../config/Names.js"
export { withSettings } from "../config/Settings.js"
export * as Metrics from "../ops/Metrics.js"
export { launch, StopWhenIdle } from "../ops/Running.js"
export type { Running } from "../ops/Running.js"
