/** Columns by name: the schema path of a leaf, its levels' shape, and its pages in every row group. */
import { Either, Option } from "effect"
import type { ColumnChunk, CompressionCodec, SchemaElement, SchemaTree } from "hyparquet"
import { decompressors } from "./Decompressors.js"
import type { ColumnDecoder } from "./Hyparquet.js"
import { type ChunkRange, type LeafPage, readChunkPages } from "./Pages.js"
import { corrupt, guarded, missing, type ParquetDecodeError, unsupported } from "./ParquetDecodeError.js"
import type { ParquetFile } from "./ParquetFile.js"

/** A leaf (primitive) column of the schema, decoded into pages. */
export interface LeafColumn {
  readonly path: ReadonlyArray<string>
  readonly element: SchemaElement
  readonly maxDef: number
  /** Definition level from which a list slot (an element) exists; 0 for flat columns. */
  readonly slotDef: number
  /** Below a repeated node (one level of list). */
  readonly repeated: boolean
  readonly pages: ReadonlyArray<LeafPage>
}

/** Where a leaf sits in the schema, and the levels that follow from it. */
export interface LeafShape {
  readonly path: ReadonlyArray<SchemaTree>
  readonly maxDef: number
  readonly slotDef: number
  readonly maxRep: number
}

/** The schema nodes from the root to the first leaf below top-level column `name` that satisfies `pick`. */
const findLeafPath = (
  schema: SchemaTree,
  name: string,
  pick: (leaf: SchemaTree) => boolean
): Option.Option<ReadonlyArray<SchemaTree>> => {
  const descend = (node: SchemaTree, path: ReadonlyArray<SchemaTree>): Option.Option<ReadonlyArray<SchemaTree>> =>
    node.children.length === 0
      ? pick(node)
        ? Option.some([...path, node])
        : Option.none()
      : node.children.reduce<Option.Option<ReadonlyArray<SchemaTree>>>(
          (found, child) => (Option.isSome(found) ? found : descend(child, [...path, node])),
          Option.none()
        )
  return Option.flatMap(Option.fromNullable(schema.children.find((c) => c.element.name === name)), (top) =>
    descend(top, [schema])
  )
}

const shapeOf = (path: ReadonlyArray<SchemaTree>): LeafShape => {
  const nodes = path.slice(1).map((n) => n.element.repetition_type ?? "REQUIRED")
  const firstRepeated = nodes.indexOf("REPEATED")
  return {
    path,
    maxDef: nodes.filter((r) => r !== "REQUIRED").length,
    slotDef: firstRepeated < 0 ? 0 : nodes.slice(0, firstRepeated + 1).filter((r) => r !== "REQUIRED").length,
    maxRep: nodes.filter((r) => r === "REPEATED").length
  }
}

/** The first leaf below top-level column `top` that satisfies `pick`. */
export const findLeaf = (
  file: ParquetFile,
  top: string,
  pick: (leaf: SchemaTree) => boolean
): Option.Option<LeafShape> => Option.map(findLeafPath(file.schema, top, pick), shapeOf)

const chunkRange = (chunk: ColumnChunk): Option.Option<ChunkRange & { readonly codec: CompressionCodec }> =>
  Option.map(Option.fromNullable(chunk.meta_data), (m) => {
    const data = Number(m.data_page_offset)
    const dict = m.dictionary_page_offset === undefined ? data : Number(m.dictionary_page_offset)
    // Some writers store dictionary_page_offset = 0 without a dictionary page; never start before the data.
    const start = dict > 0 && dict < data ? dict : data
    return { start, end: start + Number(m.total_compressed_size), codec: m.codec }
  })

/** Decode one leaf column in every row group. With `skipLevels`, every value is one slot (no nulls, no levels). */
export const decodeLeaf = (
  file: ParquetFile,
  shape: LeafShape,
  skipLevels: boolean
): Either.Either<LeafColumn, ParquetDecodeError> => {
  const path = shape.path
  const element = (path[path.length - 1] as SchemaTree).element
  const pathInSchema = path.slice(1).map((n) => n.element.name)
  const key = pathInSchema.join("\u0000")
  return guarded(`column ${pathInSchema.join(".")}`, () => {
    const decoder: ColumnDecoder = {
      pathInSchema,
      type: element.type ?? "BYTE_ARRAY",
      element,
      schemaPath: [...path],
      codec: "UNCOMPRESSED",
      parsers: {} as ColumnDecoder["parsers"],
      compressors: decompressors
    }
    const ranges = file.metadata.row_groups.map((rg) =>
      Option.flatMap(
        Option.fromNullable(rg.columns.find((c) => (c.meta_data?.path_in_schema ?? []).join("\u0000") === key)),
        chunkRange
      )
    )
    return ranges.some(Option.isNone) || element.type === undefined
      ? Either.left(missing(`column chunk ${pathInSchema.join(".")} is missing from a row group`))
      : shape.maxRep > 1
        ? Either.left(unsupported(`${pathInSchema.join(".")} is nested more than one list deep`))
        : Either.flatMap(
            Either.right(
              ranges.flatMap((range) =>
                Option.match(range, {
                  onNone: () => [],
                  onSome: (r) => readChunkPages(file.bytes, r, { ...decoder, codec: r.codec }, skipLevels)
                })
              )
            ),
            (pages) =>
              pages.some((page) => page.orphan)
                ? Either.left(corrupt(`${pathInSchema.join(".")}: dictionary-encoded page without a dictionary page`))
                : Either.right({
                    path: pathInSchema,
                    element,
                    maxDef: shape.maxDef,
                    slotDef: shape.slotDef,
                    repeated: shape.maxRep === 1,
                    pages
                  })
          )
  })
}

/** A flat (not repeated) top-level column. */
export const readFlat = (file: ParquetFile, name: string): Either.Either<LeafColumn, ParquetDecodeError> =>
  Option.match(
    findLeaf(file, name, () => true),
    {
      onNone: () => Either.left(missing(`no column ${name}`)),
      onSome: (shape) =>
        shape.maxRep > 0 || shape.path.length !== 2
          ? Either.left(unsupported(`column ${name} is not a flat primitive column`))
          : decodeLeaf(file, shape, false)
    }
  )

/** Like readFlat, but absent (not an error) when the file has no such column. */
export const readFlatOptional = (
  file: ParquetFile,
  name: string
): Either.Either<Option.Option<LeafColumn>, ParquetDecodeError> =>
  file.schema.children.some((c) => c.element.name === name)
    ? Either.map(readFlat(file, name), Option.some)
    : Either.right(Option.none())
