/**
 * The analyzer's column view of an archive file: the columns its fold reads, decoded straight into
 * flat typed arrays, with list offsets (CSR) instead of one JS object per row and per citizen (which
 * is what makes a naive hyparquet read ~15× slower than DuckDB). Only the needed column chunks are
 * walked; see format/Lists.ts for the fast path on files we wrote and the general one for the rest.
 */
import type { FoldInput } from "./kernel/FoldRows.js"
import { Either } from "effect"
import { CitizenCountColumn, WordCountColumn } from "../format/FormatKeys.js"
import { type LeafColumn, readFlat } from "../format/Leaves.js"
import { readList } from "../format/Lists.js"
import { guarded, lengthIs, type ParquetDecodeError } from "../format/ParquetDecodeError.js"
import { openParquet, type ParquetFile } from "../format/ParquetFile.js"
import { int32Values, numberValues, stringColumn } from "../format/Values.js"

/** The columns the analysis reads from one file (the fold's input, with the row count). */
export interface ReportColumns extends FoldInput {
  readonly rows: number
}

const flatNumbers = (file: ParquetFile, name: string): Either.Either<Float64Array, ParquetDecodeError> =>
  Either.flatMap(Either.flatMap(readFlat(file, name), numberValues), lengthIs(name, file.rows))

/** Read the analyzer's columns from an opened file (synchronous; errors as values). */
export const reportColumnsOf = (file: ParquetFile): Either.Either<ReportColumns, ParquetDecodeError> =>
  guarded("report columns", () =>
    Either.gen(function* () {
      const rows = file.rows
      const timestampMs = yield* flatNumbers(file, "timestamp")
      const latitude = yield* flatNumbers(file, "latitude")
      const longitude = yield* flatNumbers(file, "longitude")
      const citizens = yield* readList(file, "citizens", ["name", "peacescore"], CitizenCountColumn)
      const [nameLeaf, scoreLeaf] = citizens.leaves as readonly [LeafColumn, LeafColumn]
      const citizenCount = citizens.offsets[rows] as number
      const citizenNames = yield* Either.flatMap(stringColumn(nameLeaf, ""), lengthIs("citizens.name", citizenCount))
      const citizenScores = yield* Either.flatMap(int32Values(scoreLeaf), lengthIs("citizens.peacescore", citizenCount))
      const words = yield* readList(file, "words", [], WordCountColumn)
      const wordValues = yield* Either.flatMap(
        stringColumn(words.leaves[0] as LeafColumn, ""),
        lengthIs("words", words.offsets[rows] as number)
      )
      return {
        rows,
        timestampMs,
        latitude,
        longitude,
        citizenOffsets: citizens.offsets,
        citizenNames,
        citizenScores,
        wordOffsets: words.offsets,
        words: wordValues
      }
    })
  )

/** Read the analyzer's columns from a complete file (synchronous; errors as values). */
export const readReportColumnsEither = (
  bytes: ArrayBuffer | Uint8Array
): Either.Either<ReportColumns, ParquetDecodeError> => Either.flatMap(openParquet(bytes), reportColumnsOf)

/** Read the analyzer's columns from a complete file. Rejects with a ParquetDecodeError. */
export const readReportColumns = (bytes: ArrayBuffer | Uint8Array): Promise<ReportColumns> =>
  Either.match(readReportColumnsEither(bytes), {
    onLeft: (error) => Promise.reject(error),
    onRight: (columns) => Promise.resolve(columns)
  })
