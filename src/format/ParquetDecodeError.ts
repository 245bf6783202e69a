import { Data, Either } from "effect"

/** A file we cannot read: not Parquet, corrupt or truncated, or missing / mistyping a contract column. */
export class ParquetDecodeError extends Data.TaggedError("ParquetDecodeError")<{
  readonly reason: "Corrupt" | "MissingColumn" | "UnsupportedType"
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

export const corrupt = (detail: string, cause?: unknown) => new ParquetDecodeError({ reason: "Corrupt", detail, cause })
export const missing = (detail: string) => new ParquetDecodeError({ reason: "MissingColumn", detail })
export const unsupported = (detail: string) => new ParquetDecodeError({ reason: "UnsupportedType", detail })

/** Run a computation that may throw (hyparquet throws on corrupt input) and may return an expected error. */
export const guarded = <A>(
  what: string,
  f: () => Either.Either<A, ParquetDecodeError>
): Either.Either<A, ParquetDecodeError> =>
  Either.flatMap(
    Either.try({
      try: f,
      catch: (cause) => corrupt(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause)
    }),
    (result) => result
  )

/** The array, if it has `expected` elements. */
export const lengthIs =
  (what: string, expected: number) =>
  <A extends { readonly length: number }>(a: A): Either.Either<A, ParquetDecodeError> =>
    a.length === expected ? Either.right(a) : Either.left(corrupt(`${what}: ${a.length} values, expected ${expected}`))
