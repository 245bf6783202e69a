import { FileSystem, Path } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { ArchiveRoot, parseRoot, rootToString, storeLayer } from "../../src/adapters/ArchiveRoot.js"
import * as LocalObjectStore from "../../src/adapters/LocalObjectStore.js"
import { ObjectStore } from "../../src/ports/ObjectStore.js"
import { bytesOf, listKeys, objectStoreContract } from "./ObjectStoreContract.js"

const TempFolderStore = Layer.unwrapScoped(
  Effect.map(
    Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped({ prefix: "peacestate-store-" })),
    LocalObjectStore.layer
  )
).pipe(Layer.provideMerge(NodeContext.layer))

objectStoreContract("local folder", TempFolderStore)

describe("LocalObjectStore", () => {
  it.layer(TempFolderStore)("atomic puts", (it) => {
    it.effect("temporary files of unfinished puts are never listed", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const fs = yield* FileSystem.FileSystem
        const path = yield* Path.Path
        yield* store.put("tmp/a/real.bin", bytesOf(10))
        // What a crash between write and rename leaves behind.
        yield* fs.writeFileString(path.join(store.root, "tmp", "a", ".tmp-0b7e4a1c"), "partial")
        expect(yield* listKeys("tmp/")).toStrictEqual(["tmp/a/real.bin"])
      })
    )

    it.effect("a listing taken while puts are running shows only whole objects", () =>
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const keys = Array.from({ length: 40 }, (_, i) => `busy/k${String(i).padStart(3, "0")}`)
        const writers = Effect.forEach(keys, (k) => store.put(k, bytesOf(200_000, 1)), {
          concurrency: 8,
          discard: true
        })
        const listings = Effect.forEach(Array.from({ length: 20 }), () => listKeys("busy/"), { concurrency: 1 })
        const [, seen] = yield* Effect.all([writers, listings], { concurrency: 2 })
        seen.flat().forEach((k) => expect(keys).toContain(k))
        const sizes = yield* Effect.forEach(seen.flat(), (k) =>
          Effect.map(
            store.head(k),
            Option.map((i) => i.size)
          )
        )
        sizes.forEach((s) => expect(s).toStrictEqual(Option.some(200_000)))
        expect(yield* listKeys("busy/")).toStrictEqual(keys)
      })
    )
  })
})

describe("ArchiveRoot", () => {
  it("parses s3:// roots and normalises the prefix", () => {
    expect(parseRoot("s3://peacestate/archive/v1")).toStrictEqual(
      ArchiveRoot.S3({ bucket: "peacestate", prefix: "archive/v1" })
    )
    expect(parseRoot("s3://peacestate/archive/v1/")).toStrictEqual(
      ArchiveRoot.S3({ bucket: "peacestate", prefix: "archive/v1" })
    )
    expect(parseRoot("s3://peacestate")).toStrictEqual(ArchiveRoot.S3({ bucket: "peacestate", prefix: "" }))
    expect(parseRoot("s3://peacestate/")).toStrictEqual(ArchiveRoot.S3({ bucket: "peacestate", prefix: "" }))
    expect(parseRoot("S3://b//x//")).toStrictEqual(ArchiveRoot.S3({ bucket: "b", prefix: "x" }))
    expect(parseRoot("s3://")).toStrictEqual(ArchiveRoot.S3({ bucket: "", prefix: "" }))
  })

  it("takes anything else as a local folder", () => {
    expect(parseRoot("./data")).toStrictEqual(ArchiveRoot.Local({ folder: "./data" }))
    expect(parseRoot("/var/lib/peacestate")).toStrictEqual(ArchiveRoot.Local({ folder: "/var/lib/peacestate" }))
    expect(parseRoot("file:///tmp/archive")).toStrictEqual(ArchiveRoot.Local({ folder: "/tmp/archive" }))
    expect(parseRoot("s3-archive")).toStrictEqual(ArchiveRoot.Local({ folder: "s3-archive" }))
  })

  it("rootToString is the inverse of parseRoot", () => {
    const roots = ["s3://peacestate/archive/v1", "s3://peacestate", "./data", "/tmp/x"]
    roots.forEach((s) => expect(rootToString(parseRoot(s))).toBe(s))
    expect(rootToString(ArchiveRoot.S3({ bucket: "b", prefix: "p/q" }))).toBe("s3://b/p/q")
  })

  it.scoped("storeLayer of a folder is self-contained", () =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped({ prefix: "peacestate-root-" })
      const keys = yield* Effect.gen(function* () {
        const store = yield* ObjectStore
        yield* store.put("reports/date=2026-11-02/hour=09/x+0001+00000000000000000042.parquet", bytesOf(16))
        return yield* listKeys("reports/")
      }).pipe(Effect.provide(storeLayer(parseRoot(dir))))
      expect(keys).toStrictEqual(["reports/date=2026-11-02/hour=09/x+0001+00000000000000000042.parquet"])
    }).pipe(Effect.provide(NodeContext.layer))
  )
})
