/**
 * List assembly: offsets (CSR, length rows+1) and the decoded leaves of a list column.
 *
 * Files we wrote (footer key `peacestate.format`) carry flat `citizen_count` / `word_count` columns:
 * offsets are their prefix sums, and the nested leaves are read "values only" — the levels of data
 * pages v2 are skipped without being decoded. Any other file takes the general path: offsets from
 * the levels of one leaf, values spread over slots (nulls → NaN, 0, "").
 */
import { Either, Option } from "effect"
import type { SchemaTree } from "hyparquet"
import { FormatKey } from "./FormatKeys.js"
import { decodeLeaf, findLeaf, type LeafColumn, readFlat } from "./Leaves.js"
import { offsetsFromCounts, offsetsFromLevels, slotCount } from "./Levels.js"
import { missing, type ParquetDecodeError, unsupported } from "./ParquetDecodeError.js"
import type { ParquetFile } from "./ParquetFile.js"
import { int32Values } from "./Values.js"

/** A list column: offsets (length rows+1) and one decoded leaf per requested field. */
export interface ListLeaves {
  readonly offsets: Int32Array
  readonly leaves: ReadonlyArray<LeafColumn>
}

const named = (name: string) => (leaf: SchemaTree) => leaf.element.name === name

/**
 * Read the leaves `fields` (leaf names; empty = the single leaf) of the list column `top`.
 * Fast path: a file of ours with a `count` column and no nullable parts below the list — offsets
 * from the counts and values only. General path: offsets from the levels of the first leaf.
 */
export const readList = (
  file: ParquetFile,
  top: string,
  fields: ReadonlyArray<string>,
  count: string
): Either.Either<ListLeaves, ParquetDecodeError> =>
  Either.flatMap(
    Either.all(
      (fields.length === 0 ? [() => true] : fields.map(named)).map((pick, i) =>
        Option.match(findLeaf(file, top, pick), {
          onNone: () => Either.left(missing(`no list column ${top}${fields.length === 0 ? "" : `.${fields[i]}`}`)),
          onSome: (shape) =>
            shape.maxRep === 1
              ? Either.right(shape)
              : Either.left(unsupported(`column ${top} is not a list of primitives or structs`))
        })
      )
    ),
    (shapes) => {
      const general = (): Either.Either<ListLeaves, ParquetDecodeError> =>
        Either.flatMap(Either.all(shapes.map((shape) => decodeLeaf(file, shape, false))), (leaves) =>
          Either.map(offsetsFromLevels(leaves[0] as LeafColumn, file.rows), (offsets) => ({ offsets, leaves }))
        )
      const fastPossible =
        file.keyValue.has(FormatKey) &&
        shapes.every((s) => s.slotDef === s.maxDef) &&
        file.schema.children.some((c) => c.element.name === count)
      if (!fastPossible) return general()
      return Either.flatMap(Either.flatMap(readFlat(file, count), int32Values), (counts) => {
        const offsets = offsetsFromCounts(counts)
        const total = offsets[counts.length] as number
        return Either.flatMap(Either.all(shapes.map((shape) => decodeLeaf(file, shape, true))), (leaves) =>
          counts.length === file.rows && leaves.every((leaf) => slotCount(leaf) === total)
            ? Either.right({ offsets, leaves })
            : general()
        )
      })
    }
  )
