import { expect, layer } from "@effect/vitest"
import { Chunk, Effect, type Layer, Option, Stream } from "effect"
import { type ObjectInfo, ObjectStore, StoreError } from "../../src/ports/ObjectStore.js"

export interface ContractOptions {
  /** How many keys make more than one listing page for this store (S3: its configured `pageSize`). */
  readonly manyKeys?: number
  /** Whether to check that a key below an existing object ("a/b" when "a" is one) is absent; default true. */
  readonly keyBelowAnObject?: boolean
}

/** Deterministic bytes covering every byte value. */
export const bytesOf = (length: number, seed = 0): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 131 + seed * 7 + (i >> 8)) & 0xff)

const text = (s: string) => new TextEncoder().encode(s)

/** Fast equality for large byte arrays (a deep `toStrictEqual` walks them element by element). */
export const expectSameBytes = (actual: Uint8Array, expected: Uint8Array) => {
  expect(actual.length).toBe(expected.length)
  expect(Buffer.compare(actual, expected)).toBe(0)
}

// A Buffer is a Uint8Array too; compare contents only.
const plain = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes)

/** S3's listing order: UTF-8 byte order of the keys. */
export const byteOrder = (keys: ReadonlyArray<string>): Array<string> =>
  [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))

export const listAll = (prefix: string) =>
  Effect.flatMap(ObjectStore, (store) => Stream.runCollect(store.list(prefix))).pipe(
    Effect.map((c): Array<ObjectInfo> => Chunk.toArray(c))
  )

export const listKeys = (prefix: string) => Effect.map(listAll(prefix), (objects) => objects.map((o) => o.key))

const putAll = (entries: ReadonlyArray<readonly [string, Uint8Array]>) =>
  Effect.flatMap(ObjectStore, (store) =>
    Effect.forEach(entries, ([key, bytes]) => store.put(key, bytes), { concurrency: 8, discard: true })
  )

const getBytes = (key: string) =>
  Effect.flatMap(ObjectStore, (store) => store.get(key)).pipe(Effect.map(Option.map(plain)))

const hiveKeys = [
  "reports/date=2026-11-02/hour=09/x+0001+00000000000000000042.parquet",
  "reports/date=2026-11-02/hour=09/x+0001+00000000000000000007.parquet",
  "reports/date=2026-11-02/hour=09/x+0000+00000000000000000100.parquet",
  "reports/date=2026-11-02/hour=10/x+0003+00000000000000000000.parquet",
  "reports/date=2026-11-02/hour=1/odd.parquet",
  "reports/date=2026-11-03/hour=00/x+0002+00000000000000000001.parquet",
  "reports/date=2026-11-30/hour=23/x+0005+00000000000000009999.parquet",
  "reports-old/date=2026-11-02/hour=09/stale.parquet",
  // '-' (0x2d) sorts before '/' (0x2f): a file next to a folder of the same stem.
  "names/ab/1",
  "names/ab/2/deep",
  "names/ab-x",
  "names/abc",
  "names/a",
  "names/b c",
  "names/%41"
]

/**
 * The object store contract, registered as one vitest suite over a store built once from `storeLayer`.
 * Every adapter (local folder, S3) runs it, so the embedded mode cannot drift from S3. Each test works in
 * its own key namespace; the store may be shared with earlier runs, so nothing assumes an empty store.
 */
export const objectStoreContract = <E>(
  name: string,
  storeLayer: Layer.Layer<ObjectStore, E>,
  options: ContractOptions = {}
) =>
  layer(storeLayer, { excludeTestServices: true, timeout: "60 seconds" })(`ObjectStore contract: ${name}`, (it) => {
    it.effect("put then get returns the same binary bytes, and head the size", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const small = Uint8Array.from({ length: 256 }, (_, i) => i)
        const large = bytesOf(300_000, 1)
        yield* store.put("roundtrip/small.bin", small)
        yield* store.put("roundtrip/large.bin", large)
        yield* store.put("roundtrip/empty.bin", new Uint8Array(0))
        expect(Option.getOrThrow(yield* getBytes("roundtrip/small.bin"))).toStrictEqual(small)
        expectSameBytes(Option.getOrThrow(yield* getBytes("roundtrip/large.bin")), large)
        expect(Option.getOrThrow(yield* getBytes("roundtrip/empty.bin"))).toStrictEqual(new Uint8Array(0))
        expect(yield* store.head("roundtrip/large.bin")).toStrictEqual(
          Option.some({ key: "roundtrip/large.bin", size: 300_000 })
        )
        expect(yield* store.head("roundtrip/empty.bin")).toStrictEqual(
          Option.some({ key: "roundtrip/empty.bin", size: 0 })
        )
      })
    )

    it.effect("get and head of a missing key are None", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        yield* store.put("missing/present/leaf", text("x"))
        const absent = [
          "missing/never-written",
          "missing/present",
          "missing/present/",
          "missing/pres",
          ...(options.keyBelowAnObject === false ? [] : ["missing/present/leaf/below"])
        ]
        yield* Effect.forEach(absent, (key) =>
          Effect.gen(function* () {
            expect(yield* store.get(key), key).toStrictEqual(Option.none())
            expect(yield* store.head(key), key).toStrictEqual(Option.none())
          })
        )
      })
    )

    it.effect("a put replaces the whole object", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        yield* store.put("overwrite/o", bytesOf(5000, 2))
        yield* store.put("overwrite/o", text("short"))
        expect(yield* getBytes("overwrite/o")).toStrictEqual(Option.some(text("short")))
        expect(Option.map(yield* store.head("overwrite/o"), (i) => i.size)).toStrictEqual(Option.some(5))
        expect(yield* listKeys("overwrite/")).toStrictEqual(["overwrite/o"])
      })
    )

    it.effect("concurrent puts of one key leave one whole version", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const versions = [1, 2, 3, 4, 5, 6].map((v) => bytesOf(50_000 + v * 1000, v))
        yield* Effect.forEach(versions, (v) => store.put("atomic/same", v), { concurrency: "unbounded", discard: true })
        const got = Option.getOrThrow(yield* getBytes("atomic/same"))
        expect(versions.some((v) => Buffer.from(v).equals(Buffer.from(got)))).toBe(true)
        expect(yield* listKeys("atomic/")).toStrictEqual(["atomic/same"])
      })
    )

    it.effect("getRange reads [start, end), suffixes for a negative start, and clips at the end", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const data = bytesOf(1000, 3)
        yield* store.put("range/r", data)
        const range = (start: number, end?: number) => Effect.map(store.getRange("range/r", start, end), plain)
        expect(yield* range(0, 10)).toStrictEqual(data.slice(0, 10))
        expect(yield* range(100, 357)).toStrictEqual(data.slice(100, 357))
        expect(yield* range(990)).toStrictEqual(data.slice(990))
        expect(yield* range(-8)).toStrictEqual(data.slice(992))
        expect(yield* range(-8, 995)).toStrictEqual(data.slice(992, 995))
        expect(yield* range(-5000)).toStrictEqual(data)
        expect(yield* range(995, 5000)).toStrictEqual(data.slice(995))
        expect(yield* range(999, 1000)).toStrictEqual(data.slice(999))
        expect(yield* range(1000)).toStrictEqual(new Uint8Array(0))
        expect(yield* range(4000, 5000)).toStrictEqual(new Uint8Array(0))
        expect(yield* range(10, 10)).toStrictEqual(new Uint8Array(0))
        expect(yield* range(10, 5)).toStrictEqual(new Uint8Array(0))
        yield* store.put("range/empty", new Uint8Array(0))
        expect(plain(yield* store.getRange("range/empty", 0))).toStrictEqual(new Uint8Array(0))
        expect(plain(yield* store.getRange("range/empty", -4))).toStrictEqual(new Uint8Array(0))
      })
    )

    it.effect("getRange of a missing key fails with StoreError", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const error = yield* Effect.flip(store.getRange("range-missing/nothing", 0, 4))
        expect(error).toBeInstanceOf(StoreError)
        expect(error.operation).toBe("getRange")
        expect(error.key).toBe("range-missing/nothing")
      })
    )

    it.effect("list returns exactly the keys under a prefix, in key order, with sizes", () =>
      Effect.gen(function* () {
        const keys = hiveKeys.map((k) => `list/${k}`)
        yield* putAll(keys.map((k, i) => [k, bytesOf(i + 1, i)] as const))
        const expectUnder = (prefix: string) => byteOrder(keys.filter((k) => k.startsWith(prefix)))
        const prefixes = [
          "list/",
          "list/reports/",
          "list/reports",
          "list/reports/date=2026-11-02/",
          "list/reports/date=2026-11-02/hour=09/",
          "list/reports/date=2026-11-02/hour=1",
          "list/reports/date=2026-11-0",
          "list/reports/date=2026-11-02/hour=09/x+0001+",
          "list/names/",
          "list/names/ab",
          "list/names/ab/",
          "list/names/a",
          "list/names/b ",
          "list/nothing-here/",
          "list/reports/date=2026-11-02/hour=09/x+0001+00000000000000000042.parquet"
        ]
        yield* Effect.forEach(prefixes, (prefix) =>
          Effect.map(listKeys(prefix), (got) => expect(got, prefix).toStrictEqual(expectUnder(prefix)))
        )
        const sizes = yield* listAll("list/")
        expect(sizes.map((o) => o.size)).toStrictEqual(expectUnder("list/").map((k) => keys.indexOf(k) + 1))
        expect(yield* getBytes("list/names/%41")).toStrictEqual(
          Option.some(bytesOf(keys.indexOf("list/names/%41") + 1, keys.indexOf("list/names/%41")))
        )
      })
    )

    it.effect("list pages through more keys than one page holds", () =>
      Effect.gen(function* () {
        const count = options.manyKeys ?? 25
        const keys = Array.from(
          { length: count },
          (_, i) => `paging/${i % 3 === 0 ? "a" : "b"}/k${String(i).padStart(5, "0")}`
        )
        yield* putAll(keys.map((k) => [k, text(k)] as const))
        expect(yield* listKeys("paging/")).toStrictEqual(byteOrder(keys))
        expect(yield* listKeys("paging/b/")).toStrictEqual(byteOrder(keys.filter((k) => k.startsWith("paging/b/"))))
      })
    )

    it.effect("remove deletes one object; removing a missing key succeeds", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        yield* putAll([
          ["remove/a", text("a")],
          ["remove/b", text("b")],
          ["remove/dir/c", text("c")]
        ])
        yield* store.remove("remove/a")
        expect(yield* store.head("remove/a")).toStrictEqual(Option.none())
        expect(yield* store.get("remove/a")).toStrictEqual(Option.none())
        expect(yield* listKeys("remove/")).toStrictEqual(["remove/b", "remove/dir/c"])
        yield* store.remove("remove/a")
        yield* store.remove("remove/never-there")
        // A key that is only a prefix of other keys is not an object: removing it touches nothing.
        yield* store.remove("remove/dir")
        expect(yield* listKeys("remove/")).toStrictEqual(["remove/b", "remove/dir/c"])
        yield* store.remove("remove/dir/c")
        expect(yield* listKeys("remove/")).toStrictEqual(["remove/b"])
      })
    )

    it.effect("root names the store", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        expect(store.root.length).toBeGreaterThan(0)
      })
    )
  })
