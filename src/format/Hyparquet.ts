/**
 * The one module that reaches into hyparquet's internals: the low-level page decoders its public API
 * does not export. The rest of the format imports them from here, so an upgrade is checked in one place.
 */
import type { readDataPageV2 } from "hyparquet/src/datapage.js"

export { parquetHeader } from "hyparquet/src/column.js"
export { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js"
export { readRleBitPackedHybrid } from "hyparquet/src/encoding.js"
export { readPlain } from "hyparquet/src/plain.js"

/** What hyparquet's page decoders need to know about the column they decode. */
export type ColumnDecoder = Parameters<typeof readDataPageV2>[2]
