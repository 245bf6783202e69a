/**
 * `peacestate/archive`: the Parquet archive format (CONTRACT §4). Write and read archive files, read
 * only the analysis columns, fold them into `Stats`, and the folder layout of an archive.
 * Needs `effect`, `hyparquet` and `hyparquet-writer` (pure JavaScript, no native code, no SDK).
 */
export {
  decodeReports,
  decodeReportsEither,
  encodeReports,
  FooterFetchError,
  FormatVersion,
  MetaKeys,
  ParquetDecodeError,
  readFileMeta,
  readFileMetaRanged,
  readSourcePositions,
  TimestampTextColumn
} from "../format/ParquetReports.js"
export type { ArchivedReport, ArchiveFileMeta, EncodeOptions } from "../format/ParquetReports.js"
export { FormatKey, readReportColumns, readReportColumnsEither } from "../format/ReportColumns.js"
export type { ReportColumns } from "../format/ReportColumns.js"
export { foldColumns, Unbounded } from "../analyzer/FoldColumns.js"
export type { Window } from "../analyzer/FoldColumns.js"
export { foldFile, foldFiles } from "../analyzer/FoldFiles.js"
export { AnalyzeError } from "../analyzer/Protocol.js"
export { fileKeyOf, fileNameOf, hourFolderOf, partitionOfKey, ReportsPrefix } from "../format/Layout.js"
