/**
 * Kernel: page values → one flat array per column (dictionary lookups, null spreading, 64-bit
 * conversion, concatenation). Loops and writes into the arrays it creates, because these run once
 * per value on the analyzer's read path, where a closure per element costs about as much as the
 * work; each takes its inputs read-only and returns a fresh array, so callers see pure functions.
 * Checked against plain versions in test/format/kernel/Gather.test.ts.
 */
import { Option } from "effect"

type Typed = Float64Array | Int32Array

/** 64-bit integers as doubles without BigInt arithmetic: (lo >>> 0) + hi · 2^32 (little-endian platforms), floored after `divisor`. */
export const int64ToNumbers = (values: BigInt64Array, divisor: number): Float64Array => {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2)
  const out = new Float64Array(values.length)
  for (let i = 0; i < out.length; i++) {
    const v = ((words[2 * i] as number) >>> 0) + (words[2 * i + 1] as number) * 4294967296
    out[i] = divisor === 1 ? v : Math.floor(v / divisor)
  }
  return out
}

/** Dereference dictionary indices: `dictionary[indices[i]]` for every i. */
export const gatherTyped = <T extends Typed>(dictionary: T, indices: ArrayLike<number>, make: (n: number) => T): T => {
  const out = make(indices.length)
  for (let i = 0; i < indices.length; i++) out[i] = dictionary[indices[i] as number] as number
  return out
}

/** Spread values over slots: slot i gets `values[index[i]]`, or `empty` where the index is -1 (a null). */
export const spreadTyped = <T extends Typed>(
  index: Int32Array,
  values: T,
  make: (n: number) => T,
  empty: number
): T => {
  const out = make(index.length)
  for (let i = 0; i < index.length; i++) {
    const k = index[i] as number
    out[i] = k < 0 ? empty : (values[k] as number)
  }
  return out
}

/** Concatenate page outputs (a single part is returned as is). */
export const concatTyped = <T extends Typed>(parts: ReadonlyArray<T>, make: (n: number) => T): T => {
  if (parts.length === 1) return parts[0] as T
  const total = parts.reduce((n, p) => n + p.length, 0)
  const out = make(total)
  let at = 0
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as T
    out.set(part, at)
    at += part.length
  }
  return out
}

/** The strings of one page: decoded values or a decoded dictionary, and how slots reach them. */
export interface StringPage {
  /** The page's decoded values, or its decoded dictionary. */
  readonly strings: ReadonlyArray<string>
  /** Dictionary indices, one per value, when `strings` is a dictionary. */
  readonly keys: Option.Option<ArrayLike<number>>
  /** Slot → value index (-1 for a null), when not every slot has a value. */
  readonly index: Option.Option<Int32Array>
}

const slotsOf = (page: StringPage): number =>
  Option.getOrElse(
    Option.orElse(
      Option.map(page.index, (ix) => ix.length),
      () => Option.map(page.keys, (k) => k.length)
    ),
    () => page.strings.length
  )

/** The strings of every page, one per slot, in order; null slots and dangling keys are `empty`. */
export const gatherStrings = <E extends string | undefined>(
  pages: ReadonlyArray<StringPage>,
  empty: E
): Array<string | E> => {
  const out = new Array<string | E>(pages.reduce((n, page) => n + slotsOf(page), 0))
  let at = 0
  for (let p = 0; p < pages.length; p++) {
    const page = pages[p] as StringPage
    const strings = page.strings
    // Unwrapped once per page: the loop below runs once per slot.
    const index = Option.getOrUndefined(page.index)
    const keys = Option.getOrUndefined(page.keys)
    const slots = slotsOf(page)
    for (let i = 0; i < slots; i++) {
      const v = index === undefined ? i : (index[i] as number)
      out[at + i] = v < 0 ? empty : (strings[keys === undefined ? v : (keys[v] as number)] ?? empty)
    }
    at += slots
  }
  return out
}

/** Strings by slot, read one at a time (an array is one; so is a lazily decoded dictionary column). */
export interface Strings extends Iterable<string> {
  readonly length: number
  /** The string of slot `index` (0 ≤ index < length), else undefined. */
  readonly at: (index: number) => string | undefined
}

/** One dictionary-encoded page: its dictionary's raw entries and its keys, one per slot, no nulls. */
export interface DictionaryPage {
  readonly dictionary: ArrayLike<unknown>
  readonly keys: ArrayLike<number>
}

/**
 * The slots of dictionary-encoded pages, decoding a dictionary entry only when a slot asking for it is
 * read, once (memoised). The analyzer reads the name and words of the alerting rows only (about 1 in
 * 100), so decoding whole dictionaries and filling one string per slot was most of its string work.
 * Pages sharing a dictionary (same object) share its entries. A dangling key reads as `empty`. The
 * memo is this kernel's own: `at(i)` always answers the same, so callers see an immutable column.
 */
export const lazyDictionaryStrings = (
  pages: ReadonlyArray<DictionaryPage>,
  decode: (raw: unknown) => string,
  empty: string
): Strings => {
  const bases = new Map<ArrayLike<unknown>, number>()
  const entries: Array<unknown> = []
  let slots = 0
  for (let p = 0; p < pages.length; p++) {
    const page = pages[p] as DictionaryPage
    slots += page.keys.length
    if (!bases.has(page.dictionary)) {
      bases.set(page.dictionary, entries.length)
      for (let i = 0; i < page.dictionary.length; i++) entries.push(page.dictionary[i])
    }
  }
  const single = pages.length === 1 ? (pages[0] as DictionaryPage).keys : undefined
  const keys = single instanceof Int32Array ? single : new Int32Array(slots)
  if (keys !== single) {
    let at = 0
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p] as DictionaryPage
      const base = bases.get(page.dictionary) as number
      for (let i = 0; i < page.keys.length; i++) {
        const k = page.keys[i] as number
        // Out of its own dictionary: dangling, also when another dictionary follows in `entries`.
        keys[at + i] = k >= 0 && k < page.dictionary.length ? base + k : -1
      }
      at += page.keys.length
    }
  }
  const memo = new Array<string | undefined>(entries.length)
  const at = (index: number): string | undefined => {
    if (!(index >= 0 && index < keys.length)) return undefined
    const k = keys[index] as number
    if (!(k >= 0 && k < entries.length)) return empty
    const known = memo[k]
    if (known !== undefined) return known
    const s = decode(entries[k])
    memo[k] = s
    return s
  }
  return {
    length: keys.length,
    at,
    [Symbol.iterator]: function* () {
      for (let i = 0; i < keys.length; i++) yield at(i) as string
    }
  }
}
