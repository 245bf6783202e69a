/** Levels → slots (rows of a flat column, elements of a list column) and list offsets. */
import { Either } from "effect"
import * as Kernel from "./kernel/Levels.js"
import type { LeafColumn } from "./Leaves.js"
import type { LeafPage } from "./Pages.js"
import { corrupt, type ParquetDecodeError } from "./ParquetDecodeError.js"

export const asArray = (values: ArrayLike<number>): ReadonlyArray<number> =>
  Array.isArray(values) ? values : Array.from(values)

/** Number of slots of a page. */
export const slotsOf = (leaf: LeafColumn, page: LeafPage): number =>
  !page.levels
    ? page.values.length
    : !leaf.repeated || page.def.length === 0
      ? page.count
      : asArray(page.def).reduce((n, d) => (d >= leaf.slotDef ? n + 1 : n), 0)

/** Count of slots in a leaf. */
export const slotCount = (leaf: LeafColumn): number => leaf.pages.reduce((n, page) => n + slotsOf(leaf, page), 0)

/** Slot → index into the page's values, or -1 for a null slot (nullable columns written by others). */
export const slotValueIndex = (leaf: LeafColumn, page: LeafPage, slots: number): Int32Array =>
  Kernel.slotIndex(page.def, leaf.slotDef, leaf.maxDef, slots)

/** Offsets (length rows+1) of a list column, from the levels of one of its leaves; Left when the levels hold another number of rows. */
export const offsetsFromLevels = (leaf: LeafColumn, rows: number): Either.Either<Int32Array, ParquetDecodeError> => {
  const { offsets, rowsSeen } = Kernel.listOffsets(leaf.pages, leaf.slotDef, rows)
  return rowsSeen === rows
    ? Either.right(offsets)
    : Either.left(corrupt(`${leaf.path.join(".")}: levels hold ${rowsSeen} rows, expected ${rows}`))
}

/** Offsets (length rows+1) from per-row list lengths. */
export const offsetsFromCounts = (counts: Int32Array): Int32Array => Kernel.prefixSums(counts)
