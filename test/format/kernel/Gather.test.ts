import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import fc from "fast-check"
import {
  concatTyped,
  gatherStrings,
  gatherTyped,
  int64ToNumbers,
  lazyDictionaryStrings,
  spreadTyped,
  type StringPage
} from "../../../src/format/kernel/Gather.js"

// Plain versions: what each kernel computes, written for clarity, not speed.

const plainStrings = <E extends string | undefined>(
  pages: ReadonlyArray<StringPage>,
  empty: E
): ReadonlyArray<string | E> =>
  pages.flatMap((page) => {
    const values = Option.match(page.keys, {
      onNone: (): ReadonlyArray<string | E> => page.strings,
      onSome: (keys) => Array.from(keys, (k) => page.strings[k] ?? empty)
    })
    return Option.match(page.index, {
      onNone: () => values,
      onSome: (ix) => Array.from(ix, (k) => (k < 0 ? empty : (values[k] ?? empty)))
    })
  })

const floats = (n: number) => new Float64Array(n)
const ints = (n: number) => new Int32Array(n)

const stringPage: fc.Arbitrary<StringPage> = fc
  .record({ strings: fc.array(fc.string(), { maxLength: 8 }), dictionary: fc.boolean(), nulls: fc.boolean() })
  .chain(({ dictionary, nulls, strings }) =>
    fc
      .array(fc.integer({ min: 0, max: strings.length }), { maxLength: 12 }) // may dangle one past the dictionary
      .chain((keys) => {
        const values = dictionary ? keys.length : strings.length
        return fc
          .array(fc.integer({ min: -1, max: Math.max(-1, values - 1) }), { maxLength: 16 })
          .map((index): StringPage => ({
            strings,
            keys: dictionary ? Option.some(Int32Array.from(keys)) : Option.none(),
            index: nulls ? Option.some(Int32Array.from(index)) : Option.none()
          }))
      })
  )

describe("format kernel: gather", () => {
  it.prop(
    "int64ToNumbers = Number(v), floored after the divisor",
    [
      fc.array(fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }), { maxLength: 50 }),
      fc.constantFrom(1, 1_000, 1_000_000)
    ],
    ([values, divisor]) => {
      const expected = values.map((v) => (divisor === 1 ? Number(v) : Math.floor(Number(v) / divisor)))
      expect(Array.from(int64ToNumbers(BigInt64Array.from(values), divisor))).toStrictEqual(expected)
    }
  )

  it.prop(
    "gatherTyped = dictionary lookups (missing entries NaN / 0)",
    [fc.array(fc.double(), { maxLength: 10 }), fc.array(fc.nat(12), { maxLength: 40 })],
    ([dictionary, indices]) => {
      expect(Array.from(gatherTyped(Float64Array.from(dictionary), Int32Array.from(indices), floats))).toEqual(
        indices.map((k) => dictionary[k] ?? Number.NaN)
      )
      const intDictionary = dictionary.map((x) => (Number.isFinite(x) ? Math.trunc(x) | 0 : 0))
      expect(Array.from(gatherTyped(Int32Array.from(intDictionary), indices, ints))).toStrictEqual(
        indices.map((k) => intDictionary[k] ?? 0)
      )
    }
  )

  it.prop(
    "spreadTyped = values at their slots, `empty` at the nulls",
    [
      fc
        .array(fc.integer(), { minLength: 1, maxLength: 10 })
        .chain((vs) =>
          fc.tuple(fc.constant(vs), fc.array(fc.integer({ min: -1, max: vs.length - 1 }), { maxLength: 30 }))
        )
    ],
    ([[values, index]]) => {
      expect(Array.from(spreadTyped(Int32Array.from(index), Float64Array.from(values), floats, Number.NaN))).toEqual(
        index.map((k) => (k < 0 ? Number.NaN : values[k]))
      )
    }
  )

  it.prop(
    "concatTyped = the parts one after the other",
    [fc.array(fc.array(fc.integer(), { maxLength: 10 }), { minLength: 1, maxLength: 5 })],
    ([parts]) => {
      expect(
        Array.from(
          concatTyped(
            parts.map((p) => Int32Array.from(p)),
            ints
          )
        )
      ).toStrictEqual(parts.flat())
    }
  )

  it.prop(
    "gatherStrings = every page's strings at their slots",
    [fc.array(stringPage, { maxLength: 5 }), fc.constantFrom("", undefined)],
    ([pages, empty]) => {
      expect(gatherStrings(pages, empty)).toStrictEqual(plainStrings(pages, empty))
    }
  )

  it.prop(
    "lazyDictionaryStrings = each page's keys looked up in its own dictionary, decoded once per entry",
    [
      fc.array(fc.array(fc.string(), { maxLength: 6 }), { minLength: 1, maxLength: 3 }).chain((dictionaries) =>
        fc.array(
          fc.record({
            dictionary: fc.nat(dictionaries.length - 1).map((i) => dictionaries[i]!),
            keys: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 10 }), // may dangle past the dictionary
            typed: fc.boolean()
          }),
          { maxLength: 4 }
        )
      )
    ],
    ([pages]) => {
      const decoded: Array<string> = []
      const decode = (raw: unknown) => {
        decoded.push(String(raw))
        return `<${String(raw)}>`
      }
      const column = lazyDictionaryStrings(
        pages.map((p) => ({ dictionary: p.dictionary, keys: p.typed ? Int32Array.from(p.keys) : p.keys })),
        decode,
        "-"
      )
      const plain = pages.flatMap((p) => p.keys.map((k) => (k < p.dictionary.length ? `<${p.dictionary[k]}>` : "-")))
      expect(column.length).toBe(plain.length)
      expect([...column]).toStrictEqual(plain)
      expect(Array.from({ length: plain.length }, (_, i) => column.at(i))).toStrictEqual(plain)
      expect([column.at(-1), column.at(plain.length)]).toStrictEqual([undefined, undefined])
      // Each entry of each distinct dictionary decoded at most once, however often it is read.
      const calls = decoded.length
      expect([...column]).toStrictEqual(plain)
      expect(decoded.length).toBe(calls)
      expect(calls).toBeLessThanOrEqual([...new Set(pages.map((p) => p.dictionary))].reduce((n, d) => n + d.length, 0))
    }
  )
})
