import { Option } from "effect"
import type { Compressors } from "hyparquet"
import * as zlib from "node:zlib"

const zstdDecompress: Option.Option<(input: Uint8Array) => Uint8Array> = Option.liftPredicate(
  (zlib as unknown as Record<string, unknown>)["zstdDecompressSync"],
  (f): f is (input: Uint8Array) => Uint8Array => typeof f === "function"
)

/** Decompressors beyond hyparquet's built-in SNAPPY; all native (node:zlib). */
export const decompressors: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...Option.match(zstdDecompress, { onNone: () => ({}), onSome: (f) => ({ ZSTD: f }) })
}
