/** Value decoding: a leaf's pages → one number, integer or string per slot, dictionaries resolved. */
import { Either, Option } from "effect"
import type { DecodedArray, SchemaElement } from "hyparquet"
import {
  concatTyped,
  gatherStrings,
  gatherTyped,
  int64ToNumbers,
  lazyDictionaryStrings,
  spreadTyped,
  type Strings
} from "./kernel/Gather.js"
import type { LeafColumn } from "./Leaves.js"
import { asArray, slotsOf, slotValueIndex } from "./Levels.js"
import type { LeafPage } from "./Pages.js"
import { type ParquetDecodeError, unsupported } from "./ParquetDecodeError.js"

const utf8 = new TextDecoder()
const decodeUtf8 = (v: unknown): string =>
  typeof v === "string"
    ? v
    : v instanceof Uint8Array
      ? utf8.decode(v)
      : v === undefined || typeof v === "object"
        ? ""
        : String(v)

/** Divisor that turns a stored integer into epoch millis (1 unless a TIMESTAMP in µs or ns). */
const millisDivisor = (element: SchemaElement): number => {
  const lt = element.logical_type
  const unit = lt !== undefined && lt.type === "TIMESTAMP" ? lt.unit : undefined
  return unit === "MICROS" || element.converted_type === "TIMESTAMP_MICROS" ? 1000 : unit === "NANOS" ? 1_000_000 : 1
}

/** Scale of an integer-backed DECIMAL (0 otherwise). */
const decimalScale = (element: SchemaElement): number => {
  const lt = element.logical_type
  return lt !== undefined && lt.type === "DECIMAL"
    ? lt.scale
    : element.converted_type === "DECIMAL"
      ? (element.scale ?? 0)
      : 0
}

const rawNumbers = (values: DecodedArray, element: SchemaElement): Either.Either<Float64Array, ParquetDecodeError> =>
  values instanceof Float64Array
    ? Either.right(values)
    : values instanceof BigInt64Array
      ? Either.right(int64ToNumbers(values, millisDivisor(element)))
      : values instanceof Float32Array ||
          values instanceof Int32Array ||
          values instanceof Uint32Array ||
          values instanceof Uint8Array
        ? Either.right(Float64Array.from(values))
        : element.type === "INT96" ||
            element.type === "BYTE_ARRAY" ||
            element.type === "FIXED_LEN_BYTE_ARRAY" ||
            element.type === "BOOLEAN"
          ? Either.left(unsupported(`${element.name}: ${element.type} is not a number column`))
          : Either.right(Float64Array.from(asArray(values as ArrayLike<number>).map(Number)))

/** Page values (or a dictionary) as doubles; integer DECIMALs are scaled. */
const toNumbers = (values: DecodedArray, element: SchemaElement): Either.Either<Float64Array, ParquetDecodeError> => {
  const scale = decimalScale(element)
  return scale === 0
    ? rawNumbers(values, element)
    : Either.map(rawNumbers(values, element), (numbers) => numbers.map((x) => x / 10 ** scale))
}

const toInt32s = (values: DecodedArray, element: SchemaElement): Either.Either<Int32Array, ParquetDecodeError> =>
  values instanceof Int32Array
    ? Either.right(values)
    : Either.map(toNumbers(values, element), (numbers) => Int32Array.from(numbers))

/** A page's slot → value index, when not every slot has a value (nullable columns written by others). */
const nullIndex = (leaf: LeafColumn, page: LeafPage, slots: number): Option.Option<Int32Array> =>
  slots === page.values.length ? Option.none() : Option.some(slotValueIndex(leaf, page, slots))

const typedValues = <T extends Float64Array | Int32Array>(
  leaf: LeafColumn,
  convert: (values: DecodedArray, element: SchemaElement) => Either.Either<T, ParquetDecodeError>,
  make: (n: number) => T,
  empty: number
): Either.Either<T, ParquetDecodeError> =>
  Either.map(
    Either.all(
      leaf.pages.map((page) =>
        Either.map(
          Option.match(page.dictionary, {
            onNone: () => convert(page.values, leaf.element),
            onSome: (dict) =>
              Either.map(convert(dict, leaf.element), (d) => gatherTyped(d, page.values as ArrayLike<number>, make))
          }),
          (values) =>
            Option.match(nullIndex(leaf, page, slotsOf(leaf, page)), {
              onNone: () => values,
              onSome: (index) => spreadTyped(index, values, make, empty)
            })
        )
      )
    ),
    (parts) => (parts.length === 0 ? make(0) : concatTyped(parts, make))
  )

/** A numeric leaf as doubles, one per slot; timestamps in epoch millis; nulls are NaN. */
export const numberValues = (leaf: LeafColumn): Either.Either<Float64Array, ParquetDecodeError> =>
  typedValues(leaf, toNumbers, (n) => new Float64Array(n), Number.NaN)

/** An integer leaf as Int32Array, one per slot; nulls are 0. */
export const int32Values = (leaf: LeafColumn): Either.Either<Int32Array, ParquetDecodeError> =>
  typedValues(leaf, toInt32s, (n) => new Int32Array(n), 0)

/** A string leaf, one per slot; nulls are `empty`. */
export const stringValues = <E extends string | undefined>(
  leaf: LeafColumn,
  empty: E
): Either.Either<ReadonlyArray<string | E>, ParquetDecodeError> =>
  leaf.element.type !== "BYTE_ARRAY" && leaf.element.type !== "FIXED_LEN_BYTE_ARRAY"
    ? Either.left(unsupported(`${leaf.path.join(".")}: ${leaf.element.type} is not a string column`))
    : Either.right(
        gatherStrings(
          leaf.pages.map((page) => {
            const index = nullIndex(leaf, page, slotsOf(leaf, page))
            return Option.match(page.dictionary, {
              onNone: () => ({
                strings: Array.from(page.values as ArrayLike<unknown>, decodeUtf8),
                keys: Option.none(),
                index
              }),
              onSome: (dict) => ({
                strings: Array.from(dict as ArrayLike<unknown>, decodeUtf8),
                keys: Option.some(page.values as ArrayLike<number>),
                index
              })
            })
          }),
          empty
        )
      )

/**
 * A string leaf as `Strings`, one per slot; nulls are `empty`. Dictionary-encoded pages without nulls
 * (every file the archiver writes) decode an entry only when a slot asking for it is read; anything else
 * is decoded at once, as `stringValues`.
 */
export const stringColumn = (leaf: LeafColumn, empty: string): Either.Either<Strings, ParquetDecodeError> => {
  const pages = leaf.pages.flatMap((page) =>
    Option.isSome(page.dictionary) && Option.isNone(nullIndex(leaf, page, slotsOf(leaf, page)))
      ? [{ dictionary: page.dictionary.value as ArrayLike<unknown>, keys: page.values as ArrayLike<number> }]
      : []
  )
  return pages.length === leaf.pages.length &&
    (leaf.element.type === "BYTE_ARRAY" || leaf.element.type === "FIXED_LEN_BYTE_ARRAY")
    ? Either.right(lazyDictionaryStrings(pages, decodeUtf8, empty))
    : stringValues(leaf, empty)
}
