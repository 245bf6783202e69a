/** Page decoding: one column chunk's bytes → its data pages, each with its levels, values and dictionary. */
import { Array as Arr, Option } from "effect"
import type { DecodedArray, PageHeader } from "hyparquet"
import {
  type ColumnDecoder,
  decompressPage,
  parquetHeader,
  readDataPage,
  readDataPageV2,
  readPlain,
  readRleBitPackedHybrid
} from "./Hyparquet.js"

/** One decoded data page of one leaf column. */
export interface LeafPage {
  /** Number of level entries (= rows of a flat column); the number of values when levels were skipped. */
  readonly count: number
  /** False when the levels were skipped: then every value is one slot. */
  readonly levels: boolean
  /** Repetition levels; empty for a flat column. */
  readonly rep: ArrayLike<number>
  /** Definition levels; empty when every entry is at the maximum level. */
  readonly def: ArrayLike<number>
  /** Non-null values, or dictionary indices when `dictionary` is set. */
  readonly values: DecodedArray
  readonly dictionary: Option.Option<DecodedArray>
  /** Dictionary-encoded, but the chunk had no dictionary page before it (a corrupt file). */
  readonly orphan: boolean
}

/** Byte range of one column chunk in its file. */
export interface ChunkRange {
  readonly start: number
  readonly end: number
}

const isDictionaryEncoding = (encoding: string | undefined): boolean =>
  encoding === "RLE_DICTIONARY" || encoding === "PLAIN_DICTIONARY"

const dataView = (page: Uint8Array): DataView => new DataView(page.buffer, page.byteOffset, page.byteLength)

/**
 * Values of a dictionary-encoded data page v2, skipping its levels: they are stored uncompressed
 * in front of the values, with their byte lengths in the header, so they need no decoding at all.
 */
const dictionaryIndicesV2 = (header: PageHeader, body: Uint8Array, decoder: ColumnDecoder): Option.Option<Int32Array> =>
  Option.flatMap(Option.fromNullable(header.data_page_header_v2), (h) => {
    if (!isDictionaryEncoding(h.encoding)) return Option.none()
    const levelBytes = h.repetition_levels_byte_length + h.definition_levels_byte_length
    const size = header.uncompressed_page_size - levelBytes
    const stored = body.subarray(levelBytes)
    const page =
      h.is_compressed !== false && size > 0 ? decompressPage(stored, size, decoder.codec, decoder.compressors) : stored
    // Typed, not a JS array: half the bytes, and nothing for the GC to scan.
    const indices = new Int32Array(h.num_values - h.num_nulls)
    const bitWidth = page.length > 0 ? (page[0] as number) : 0
    // hyparquet's RLE reader fills the array it is given: the fresh one above, returned at once.
    if (bitWidth > 0) readRleBitPackedHybrid({ view: dataView(page), offset: 1 }, bitWidth, indices, page.length - 1)
    return Option.some(indices)
  })

const valuesOnly = (values: DecodedArray, dictionary: Option.Option<DecodedArray>, orphan: boolean): LeafPage => ({
  count: values.length,
  levels: false,
  rep: [],
  def: [],
  values,
  dictionary,
  orphan
})

/** What one page yields: a data page (if it is one) and the dictionary in force after it. */
interface Decoded {
  readonly page: Option.Option<LeafPage>
  readonly dictionary: Option.Option<DecodedArray>
}

const decodePage = (
  header: PageHeader,
  body: Uint8Array,
  dictionary: Option.Option<DecodedArray>,
  decoder: ColumnDecoder,
  skipLevels: boolean
): Decoded => {
  const withLevels = (
    count: number,
    page: ReturnType<typeof readDataPage>,
    pageDictionary: Option.Option<DecodedArray>,
    orphan: boolean
  ): LeafPage =>
    skipLevels
      ? valuesOnly(page.dataPage, pageDictionary, orphan)
      : {
          count,
          levels: true,
          rep: page.repetitionLevels,
          def: page.definitionLevels ?? [],
          values: page.dataPage,
          dictionary: pageDictionary,
          orphan
        }
  const dictionaryOf = (encoding: string | undefined) => ({
    pageDictionary: isDictionaryEncoding(encoding) ? dictionary : Option.none<DecodedArray>(),
    orphan: isDictionaryEncoding(encoding) && Option.isNone(dictionary)
  })
  if (header.type === "DICTIONARY_PAGE") {
    const page = decompressPage(body, header.uncompressed_page_size, decoder.codec, decoder.compressors)
    const count = header.dictionary_page_header?.num_values ?? 0
    return {
      page: Option.none(),
      dictionary: Option.some(
        readPlain({ view: dataView(page), offset: 0 }, decoder.type, count, decoder.element.type_length)
      )
    }
  }
  if (header.type === "DATA_PAGE_V2" && header.data_page_header_v2 !== undefined) {
    const h = header.data_page_header_v2
    const { orphan, pageDictionary } = dictionaryOf(h.encoding)
    const fast = skipLevels ? dictionaryIndicesV2(header, body, decoder) : Option.none()
    const leafPage = Option.match(fast, {
      onNone: () => withLevels(h.num_values, readDataPageV2(body, header, decoder), pageDictionary, orphan),
      onSome: (indices) => valuesOnly(indices, pageDictionary, orphan)
    })
    return { page: Option.some(leafPage), dictionary }
  }
  if (header.type === "DATA_PAGE" && header.data_page_header !== undefined) {
    const h = header.data_page_header
    const { orphan, pageDictionary } = dictionaryOf(h.encoding)
    const raw = decompressPage(body, header.uncompressed_page_size, decoder.codec, decoder.compressors)
    return {
      page: Option.some(withLevels(h.num_values, readDataPage(raw, h, decoder), pageDictionary, orphan)),
      dictionary
    }
  }
  // Index pages and unknown page types carry no values.
  return { page: Option.none(), dictionary }
}

/** Where the walk over a chunk's pages stands: the next page's offset and the dictionary in force. */
interface Walk {
  readonly offset: number
  readonly dictionary: Option.Option<DecodedArray>
}

/** Decode every page of one column chunk, in order (Array.unfold: no recursion depth, however many pages). */
export const readChunkPages = (
  bytes: Uint8Array,
  range: ChunkRange,
  decoder: ColumnDecoder,
  skipLevels: boolean
): ReadonlyArray<LeafPage> => {
  const view = dataView(bytes)
  const step = (at: Walk): Option.Option<readonly [Option.Option<LeafPage>, Walk]> => {
    if (at.offset >= range.end) return Option.none()
    // hyparquet's header reader advances the cursor it is given: a fresh one per page, read back at once.
    const reader = { view, offset: at.offset }
    const header: PageHeader = parquetHeader(reader)
    const end = reader.offset + header.compressed_page_size
    const decoded = decodePage(header, bytes.subarray(reader.offset, end), at.dictionary, decoder, skipLevels)
    return Option.some([decoded.page, { offset: end, dictionary: decoded.dictionary }])
  }
  return Arr.getSomes(
    Arr.unfold<Walk, Option.Option<LeafPage>>({ offset: range.start, dictionary: Option.none() }, step)
  )
}
