import { Either } from "effect"
import type { FileMetaData, SchemaTree } from "hyparquet"
import { parquetMetadata, parquetSchema } from "hyparquet"
import { guarded, type ParquetDecodeError } from "./ParquetDecodeError.js"

/** An opened Parquet file: its bytes and its parsed footer. */
export interface ParquetFile {
  readonly bytes: Uint8Array
  readonly metadata: FileMetaData
  readonly schema: SchemaTree
  readonly rows: number
  readonly keyValue: ReadonlyMap<string, string>
}

export const asBytes = (bytes: ArrayBuffer | Uint8Array): Uint8Array =>
  bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)

/** Key/value metadata of a footer as a map. */
export const keyValueOf = (metadata: FileMetaData): ReadonlyMap<string, string> =>
  new Map((metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? ""] as const))

/** Parse the footer of a complete in-memory file. */
export const openParquet = (bytes: ArrayBuffer | Uint8Array): Either.Either<ParquetFile, ParquetDecodeError> =>
  guarded("footer", () => {
    const view = asBytes(bytes)
    const metadata = parquetMetadata(view)
    return Either.right({
      bytes: view,
      metadata,
      schema: parquetSchema(metadata),
      rows: Number(metadata.num_rows),
      keyValue: keyValueOf(metadata)
    })
  })
