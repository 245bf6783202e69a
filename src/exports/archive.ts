/**
 * `peacestate/archive`: the Parquet archive format (CONTRACT §4). Write and read archive files, read
 * only the analysis columns, fold them into `Stats`, and the folder layout of an archive.
 * Needs `effect`, `hyparquet` and `hyparquet-writer` (pure JavaScript, no native code, no SDK).
 */
export type { ArchivedReport } from "../format/ArchivedReport.js"
export { decodeReports, decodeReportsEither, readSourcePositions } from "../format/DecodeReports.js"
export { encodeReports } from "../format/EncodeReports.js"
export type { EncodeOptions } from "../format/EncodeReports.js"
export { FooterFetchError, readFileMeta, readFileMetaRanged } from "../format/FileMeta.js"
export type { ArchiveFileMeta } from "../format/FileMeta.js"
export { FormatKey, FormatVersion, MetaKeys, TimestampTextColumn } from "../format/FormatKeys.js"
export { ParquetDecodeError } from "../format/ParquetDecodeError.js"
export { readReportColumns, readReportColumnsEither } from "../analyzer/Columns.js"
export type { ReportColumns } from "../analyzer/Columns.js"
export type { Strings } from "../format/kernel/Gather.js"
export { foldColumns, Unbounded } from "../analyzer/FoldColumns.js"
export type { Window } from "../analyzer/FoldColumns.js"
export { foldFile, foldFiles } from "../analyzer/FoldFiles.js"
export { AnalyzeError } from "../analyzer/Protocol.js"
export { fileKeyOf, fileNameOf, hourFolderOf, partitionOfKey, ReportsPrefix } from "../format/Layout.js"
