import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Duration, Effect, Fiber, Layer, Logger, LogLevel, Option, Stream } from "effect"
import * as S3ObjectStore from "../../src/adapters/S3ObjectStore.js"
import { ObjectStore, StoreError } from "../../src/ports/ObjectStore.js"
import { outageRelay } from "../support/Faults.js"
import { infra, s3Env, skipReason } from "../support/Infra.js"
import { bytesOf, byteOrder, expectSameBytes, listKeys, objectStoreContract } from "./ObjectStoreContract.js"

// The adapter reads S3_* through Config and the SDK reads the AWS_* credentials, both from process.env.
Object.assign(process.env, infra().env)
const skip = skipReason()
const { endpoint, bucket, region } = s3Env()
// Every run writes under its own prefix, so runs (and other users of the bucket) never see each other's keys.
const runPrefix = `test-runs/objectstore-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const rootOf = (name: string) => ({ bucket, prefix: `${runPrefix}/${name}` })

/** A store that deletes what it wrote when the suite ends. */
const selfCleaning = <E>(store: Layer.Layer<ObjectStore, E>) =>
  Layer.scoped(
    ObjectStore,
    Effect.gen(function* () {
      const s = yield* ObjectStore
      yield* Effect.addFinalizer(() =>
        Stream.runCollect(s.list("")).pipe(
          Effect.flatMap((objects) =>
            Effect.forEach(objects, (o) => s.remove(o.key), { concurrency: 16, discard: true })
          ),
          Effect.ignoreLogged
        )
      )
      return s
    })
  ).pipe(Layer.provide(store))

const buildStore = <E>(layer: Layer.Layer<ObjectStore, E>) => Effect.map(Layer.build(layer), Context.get(ObjectStore))

/** A TCP relay in front of the S3 server that can be taken down and brought back on the same port: an outage. */
const relay = (target: URL) =>
  Effect.acquireRelease(
    Effect.promise(() => outageRelay(target)),
    (r) => Effect.promise(() => r.close())
  )

const withEndpoint = (url: string) =>
  Effect.withConfigProvider(
    ConfigProvider.fromMap(
      new Map([
        ...Object.entries(process.env).flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as const])),
        ["S3_ENDPOINT", url]
      ])
    )
  )

if (skip !== undefined) {
  describe.skip(`ObjectStore contract: S3 — skipped: ${skip}`, () => {
    it("needs an S3 server", () => undefined)
  })
} else {
  // S3Proxy's filesystem backend answers 500 (not 404) for a key below an existing object ("a/b" when "a" is a file).
  objectStoreContract("S3", selfCleaning(S3ObjectStore.layer(rootOf("contract"), { pageSize: 7 })), {
    manyKeys: 25,
    keyBelowAnObject: false
  })

  describe("S3ObjectStore", () => {
    const raw = new S3Client({ endpoint, region, forcePathStyle: true })

    it.layer(
      selfCleaning(
        S3ObjectStore.layer(rootOf("multipart"), { multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 })
      ),
      {
        timeout: "60 seconds"
      }
    )("multipart", (it) => {
      it.effect("a body above the threshold goes up in parts and reads back whole", () =>
        Effect.gen(function* () {
          const store = yield* ObjectStore
          const data = bytesOf(11 * 1024 * 1024 + 12345, 9)
          yield* store.put("big/object.bin", data)
          expectSameBytes(Option.getOrThrow(yield* store.get("big/object.bin")), data)
          const boundary = 5 * 1024 * 1024
          expectSameBytes(
            yield* store.getRange("big/object.bin", boundary - 10, boundary + 10),
            data.slice(boundary - 10, boundary + 10)
          )
          expect(yield* store.head("big/object.bin")).toStrictEqual(
            Option.some({ key: "big/object.bin", size: data.length })
          )
          const head = yield* Effect.promise(() =>
            raw.send(new HeadObjectCommand({ Bucket: bucket, Key: `${runPrefix}/multipart/big/object.bin` }))
          )
          // A multipart ETag is "<md5 of the part md5s>-<part count>".
          expect(head.ETag).toMatch(/-3"?$/)
          const pending = yield* Effect.promise(() =>
            raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `${runPrefix}/multipart/` }))
          )
          expect(pending.Uploads ?? []).toStrictEqual([])
        })
      )

      it.effect("a body at the threshold is one PutObject", () =>
        Effect.gen(function* () {
          const store = yield* ObjectStore
          const data = bytesOf(5 * 1024 * 1024, 4)
          yield* store.put("big/single.bin", data)
          expectSameBytes(Option.getOrThrow(yield* store.get("big/single.bin")), data)
          const head = yield* Effect.promise(() =>
            raw.send(new HeadObjectCommand({ Bucket: bucket, Key: `${runPrefix}/multipart/big/single.bin` }))
          )
          expect(head.ETag).not.toMatch(/-\d+"?$/)
        })
      )
    })

    it.layer(selfCleaning(S3ObjectStore.layer(rootOf("paging"))), { timeout: "120 seconds" })(
      "default page size",
      (it) => {
        it.effect("lists more than 1000 keys (two ListObjectsV2 pages)", () =>
          Effect.gen(function* () {
            const store = yield* ObjectStore
            const keys = Array.from(
              { length: 1037 },
              (_, i) =>
                `many/date=2026-11-02/hour=${String(i % 24).padStart(2, "0")}/x+${String(i).padStart(4, "0")}.parquet`
            )
            yield* Effect.forEach(keys, (k) => store.put(k, new Uint8Array([1])), { concurrency: 32, discard: true })
            expect(yield* listKeys("many/")).toStrictEqual(byteOrder(keys))
          })
        )
      }
    )

    it.effect("root is s3://bucket/prefix", () =>
      Effect.gen(function* () {
        const store = yield* buildStore(S3ObjectStore.layer({ bucket, prefix: `/${runPrefix}/root/` }))
        expect(store.root).toBe(`s3://${bucket}/${runPrefix}/root`)
        const bare = yield* buildStore(S3ObjectStore.layer({ bucket, prefix: "" }))
        expect(bare.root).toBe(`s3://${bucket}`)
      }).pipe(Effect.scoped)
    )

    it.live("a missing bucket fails at once with StoreError, without retrying", () =>
      Effect.gen(function* () {
        const [elapsed, error] = yield* buildStore(
          S3ObjectStore.layer({ bucket: "peacestate-no-such-bucket", prefix: "x" })
        ).pipe(Effect.scoped, Effect.flip, Effect.timed)
        expect(error).toBeInstanceOf(StoreError)
        expect(Duration.toMillis(elapsed)).toBeLessThan(3000)
      })
    )

    it.live("wrong credentials fail at once and the error carries no secret", () =>
      Effect.gen(function* () {
        const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY }
        const error = yield* Effect.acquireUseRelease(
          Effect.sync(() => {
            process.env.AWS_SECRET_ACCESS_KEY = "not-the-secret-xyz"
          }),
          () => buildStore(S3ObjectStore.layer(rootOf("creds"))).pipe(Effect.scoped, Effect.flip),
          () =>
            Effect.sync(() => {
              process.env.AWS_SECRET_ACCESS_KEY = saved.secret
            })
        )
        expect(error).toBeInstanceOf(StoreError)
        expect(error.message).toMatch(/SignatureDoesNotMatch|InvalidAccessKeyId|AccessDenied/)
        expect(JSON.stringify(error) + error.message).not.toContain("not-the-secret-xyz")
      })
    )

    it.scopedLive("an outage of the S3 server is retried, logged, and the put completes once it is back", () =>
      Effect.gen(function* () {
        const r = yield* relay(new URL(endpoint))
        const lines: Array<string> = []
        const capture = Logger.replace(
          Logger.defaultLogger,
          Logger.map(Logger.logfmtLogger, (line) => {
            lines.push(line)
          })
        )
        const store = yield* buildStore(
          S3ObjectStore.layer(rootOf("outage"), {
            retryBase: "50 millis",
            retryCap: "400 millis",
            retryFor: "30 seconds",
            multipartThreshold: 5 * 1024 * 1024
          })
        ).pipe(withEndpoint(r.url))
        yield* store.put("before", bytesOf(10))
        yield* Effect.promise(r.down)
        const data = bytesOf(6 * 1024 * 1024, 5)
        const puts = yield* Effect.fork(
          Effect.all([store.put("during/small", bytesOf(1000, 2)), store.put("during/multipart", data)], {
            concurrency: 2
          }).pipe(Effect.provide(capture))
        )
        yield* Effect.sleep("2 seconds")
        expect(Option.isNone(yield* Fiber.poll(puts))).toBe(true)
        yield* Effect.promise(r.up)
        yield* Fiber.join(puts)
        expectSameBytes(Option.getOrThrow(yield* store.get("during/multipart")), data)
        const warnings = lines.filter((l) => l.includes("level=WARN"))
        expect(warnings.length).toBeGreaterThan(1)
        expect(warnings.some((l) => l.includes("operation=put") && l.includes("key=during/small"))).toBe(true)
        expect(lines.join("\n")).not.toContain(process.env.AWS_SECRET_ACCESS_KEY ?? "<no secret>")
        yield* Effect.forEach(["before", "during/small", "during/multipart"], store.remove)
      })
    )

    it.scopedLive("gives up with StoreError when the outage outlasts the retry window", () =>
      Effect.gen(function* () {
        const r = yield* relay(new URL(endpoint))
        const store = yield* buildStore(
          S3ObjectStore.layer(rootOf("outage-long"), {
            retryBase: "50 millis",
            retryCap: "200 millis",
            retryFor: "1500 millis"
          })
        ).pipe(withEndpoint(r.url))
        yield* Effect.promise(r.down)
        const [elapsed, error] = yield* store
          .get("anything")
          .pipe(Effect.flip, Effect.timed, Logger.withMinimumLogLevel(LogLevel.None))
        expect(error).toBeInstanceOf(StoreError)
        expect(error.operation).toBe("get")
        expect(Duration.toMillis(elapsed)).toBeGreaterThan(1000)
        expect(Duration.toMillis(elapsed)).toBeLessThan(10_000)
      })
    )
  })
}
