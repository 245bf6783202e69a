import { FileSystem, Path } from "@effect/platform"
import { Array as Arr, Effect, Layer, Option, Order, Stream } from "effect"
import { type ObjectInfo, ObjectStore, StoreError } from "../ports/ObjectStore.js"

const TempMarker = ".tmp-"

/**
 * The embedded double of S3: objects are files under a folder. A put writes a hidden temporary file
 * and renames it into place, so a reader (or a crash) never sees a partial object.
 */
export const make = (folder: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const root = path.resolve(folder)
    const fileOf = (key: string) => path.join(root, ...key.split("/"))
    const fail = (operation: string, key: string) => (cause: unknown) => new StoreError({ operation, key, cause })
    // A key is absent when its file is missing, when it names a folder (a prefix of other keys) or goes through a file.
    const notFound = (e: unknown) =>
      typeof e === "object" &&
      !!e &&
      "reason" in e &&
      (e.reason === "NotFound" ||
        (e.reason === "BadResource" &&
          "cause" in e &&
          typeof e.cause === "object" &&
          !!e.cause &&
          "code" in e.cause &&
          (e.cause.code === "EISDIR" || e.cause.code === "ENOTDIR")))

    const put = (key: string, bytes: Uint8Array) =>
      Effect.gen(function* () {
        const file = fileOf(key)
        const temp = path.join(path.dirname(file), `${TempMarker}${crypto.randomUUID()}`)
        yield* fs.makeDirectory(path.dirname(file), { recursive: true })
        yield* fs.writeFile(temp, bytes)
        yield* fs.rename(temp, file)
      }).pipe(Effect.mapError(fail("put", key)))

    const get = (key: string) =>
      fs.readFile(fileOf(key)).pipe(
        Effect.map(Option.some),
        Effect.catchIf(notFound, () => Effect.succeed(Option.none<Uint8Array>())),
        Effect.mapError(fail("get", key))
      )

    const getRange = (key: string, start: number, end?: number) =>
      Effect.scoped(
        Effect.gen(function* () {
          const file = yield* fs.open(fileOf(key), { flag: "r" })
          const size = Number((yield* file.stat).size)
          const from = start < 0 ? Math.max(0, size + start) : Math.min(start, size)
          const to = Math.min(end ?? size, size)
          const buffer = new Uint8Array(Math.max(0, to - from))
          yield* file.seek(from, "start")
          yield* file.read(buffer)
          return buffer
        })
      ).pipe(Effect.mapError(fail("getRange", key)))

    const head = (key: string) =>
      fs.stat(fileOf(key)).pipe(
        Effect.map((info) =>
          info.type === "File" ? Option.some<ObjectInfo>({ key, size: Number(info.size) }) : Option.none()
        ),
        Effect.catchIf(notFound, () => Effect.succeed(Option.none<ObjectInfo>())),
        Effect.mapError(fail("head", key))
      )

    // Walk only the folders the prefix can match, so listing one hour does not read the whole archive.
    const list = (prefix: string): Stream.Stream<ObjectInfo, StoreError> => {
      const slash = prefix.lastIndexOf("/")
      const dir = slash < 0 ? "" : prefix.slice(0, slash)
      const walk = (relative: string): Stream.Stream<ObjectInfo, StoreError> =>
        Stream.unwrap(
          Effect.gen(function* () {
            const absolute = relative === "" ? root : fileOf(relative)
            const exists = yield* fs.exists(absolute)
            if (!exists) return Stream.empty
            const keys = (yield* fs.readDirectory(absolute)).flatMap((name) =>
              name.startsWith(TempMarker) ? [] : [relative === "" ? name : `${relative}/${name}`]
            )
            // An entry removed since readDirectory is simply not listed.
            const entries = (yield* Effect.forEach(
              keys.filter((key) => key.startsWith(prefix) || prefix.startsWith(`${key}/`)),
              (key) =>
                fs.stat(fileOf(key)).pipe(
                  Effect.map((info) => [{ key, info }]),
                  Effect.catchIf(notFound, () => Effect.succeed([]))
                ),
              { concurrency: 16 }
            )).flat()
            // Key order across levels: a folder's keys all start with "name/", and '-' or '.' sort before '/'.
            const ordered = Arr.sort(
              entries,
              Order.mapInput(Order.string, ({ key, info }: (typeof entries)[number]) =>
                info.type === "Directory" ? `${key}/` : key
              )
            )
            return Stream.fromIterable(ordered).pipe(
              Stream.flatMap(
                ({ key, info }) =>
                  info.type === "Directory"
                    ? walk(key)
                    : key.startsWith(prefix)
                      ? Stream.succeed<ObjectInfo>({ key, size: Number(info.size) })
                      : Stream.empty,
                { concurrency: 1 }
              )
            )
          }).pipe(Effect.mapError(fail("list", relative)))
        )
      return walk(dir)
    }

    // Only files are objects: removing a key that is a folder (a prefix of other keys) leaves it alone, as on S3.
    const remove = (key: string) =>
      fs.stat(fileOf(key)).pipe(
        Effect.flatMap((info) => (info.type === "Directory" ? Effect.void : fs.remove(fileOf(key)))),
        Effect.catchIf(notFound, () => Effect.void),
        Effect.mapError(fail("remove", key))
      )

    return ObjectStore.of({ root, put, get, getRange, head, list, remove })
  })

/** An object store in a local folder (the embedded archive, `--data-dir`). */
export const layer = (folder: string): Layer.Layer<ObjectStore, never, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(ObjectStore, make(folder))
