/** Reading archive files back: every report with its source position, or just the positions. */
import { Effect, Either, Option } from "effect"
import type { ArchivedReport } from "./ArchivedReport.js"
import { CitizenCountColumn, TimestampTextColumn, WordCountColumn } from "./FormatKeys.js"
import { type LeafColumn, readFlat, readFlatOptional } from "./Leaves.js"
import { readList } from "./Lists.js"
import { guarded, lengthIs, type ParquetDecodeError } from "./ParquetDecodeError.js"
import { openParquet, type ParquetFile } from "./ParquetFile.js"
import { int32Values, numberValues, stringValues } from "./Values.js"

/** A flat column, checked to have one value per row. */
const flat = <A extends { readonly length: number }>(
  file: ParquetFile,
  name: string,
  values: (leaf: LeafColumn) => Either.Either<A, ParquetDecodeError>
): Either.Either<A, ParquetDecodeError> =>
  Either.flatMap(Either.flatMap(readFlat(file, name), values), lengthIs(name, file.rows))

const decodeFile = (file: ParquetFile): Either.Either<ReadonlyArray<ArchivedReport>, ParquetDecodeError> =>
  guarded("reports", () =>
    Either.gen(function* () {
      const reportIds = yield* flat(file, "report_id", (l) => stringValues(l, ""))
      const droneIds = yield* flat(file, "drone_id", (l) => stringValues(l, ""))
      const timestamps = yield* flat(file, "timestamp", numberValues)
      const texts = yield* Either.flatMap(readFlatOptional(file, TimestampTextColumn), (leaf) =>
        Option.match(leaf, {
          onNone: () => Either.right<ReadonlyArray<string | undefined>>([]),
          onSome: (l) => Either.flatMap(stringValues(l, undefined), lengthIs(TimestampTextColumn, file.rows))
        })
      )
      const latitude = yield* flat(file, "latitude", numberValues)
      const longitude = yield* flat(file, "longitude", numberValues)
      const battery = yield* flat(file, "battery_pct", numberValues)
      const altitude = yield* flat(file, "altitude_m", numberValues)
      const speed = yield* flat(file, "speed_mps", numberValues)
      const temperature = yield* flat(file, "temperature_c", numberValues)
      const partitions = yield* flat(file, "source_partition", numberValues)
      const offsets = yield* flat(file, "source_offset", numberValues)
      const citizens = yield* readList(file, "citizens", ["name", "peacescore"], CitizenCountColumn)
      const citizenCount = citizens.offsets[file.rows] as number
      const names = yield* Either.flatMap(
        stringValues(citizens.leaves[0] as LeafColumn, ""),
        lengthIs("citizens.name", citizenCount)
      )
      const scores = yield* Either.flatMap(
        int32Values(citizens.leaves[1] as LeafColumn),
        lengthIs("citizens.peacescore", citizenCount)
      )
      const words = yield* readList(file, "words", [], WordCountColumn)
      const wordValues = yield* Either.flatMap(
        stringValues(words.leaves[0] as LeafColumn, ""),
        lengthIs("words", words.offsets[file.rows] as number)
      )
      // Reports of one minute share a timestamp: format each distinct instant once.
      const isoOf = new Map(
        Array.from(new Set(timestamps), (ms) => [ms, Number.isFinite(ms) ? new Date(ms).toISOString() : ""] as const)
      )
      return reportIds.map((reportId, i): ArchivedReport => ({
        report: {
          schemaVersion: 1,
          reportId,
          droneId: droneIds[i] ?? "",
          timestamp: texts[i] ?? isoOf.get(timestamps[i] as number) ?? "",
          location: { latitude: latitude[i] as number, longitude: longitude[i] as number },
          citizens: names
            .slice(citizens.offsets[i], citizens.offsets[i + 1])
            .map((name, j) => ({ name, peacescore: scores[(citizens.offsets[i] as number) + j] as number })),
          words: wordValues.slice(words.offsets[i], words.offsets[i + 1]),
          telemetry: {
            batteryPct: battery[i] as number,
            altitudeM: altitude[i] as number,
            speedMps: speed[i] as number,
            temperatureC: temperature[i] as number
          }
        },
        partition: partitions[i] as number,
        offset: offsets[i] as number
      }))
    })
  )

/** Decode a whole archive file (synchronous; errors as values). */
export const decodeReportsEither = (
  bytes: ArrayBuffer | Uint8Array
): Either.Either<ReadonlyArray<ArchivedReport>, ParquetDecodeError> => Either.flatMap(openParquet(bytes), decodeFile)

/** Decode a whole archive file: every report with its source partition and offset. */
export const decodeReports = (
  bytes: ArrayBuffer | Uint8Array
): Effect.Effect<ReadonlyArray<ArchivedReport>, ParquetDecodeError> => Effect.suspend(() => decodeReportsEither(bytes))

/** Just the (partition, offset) of every row, reading two columns only — for exactly-once / DLQ checks. */
export const readSourcePositions = (
  bytes: ArrayBuffer | Uint8Array
): Effect.Effect<{ readonly partitions: Float64Array; readonly offsets: Float64Array }, ParquetDecodeError> =>
  Effect.suspend(() =>
    Either.flatMap(openParquet(bytes), (file) =>
      Either.all({
        partitions: flat(file, "source_partition", numberValues),
        offsets: flat(file, "source_offset", numberValues)
      })
    )
  )
