/**
 * `peacestate/archiver`: the archiver component on any `MessageLog` and `ObjectStore`, and what it is
 * configured with (topic names, counters). Needs `effect` and the Parquet writer (`hyparquet`,
 * `hyparquet-writer`); the adapters are chosen by the caller.
 */
export { runArchiver } from "../archiver/Archiver.js"
export type { ArchiverError, ArchiverOptions } from "../archiver/Archiver.js"
export { DefaultNames, NamesConfig } from "../config/Names.js"
export type { Names } from "../config/Names.js"
export { makeCounters, snapshot } from "../util/Counters.js"
export type { Counters } from "../util/Counters.js"
