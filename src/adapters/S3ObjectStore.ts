import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand
} from "@aws-sdk/client-s3"
import {
  Array as Arr,
  Chunk,
  Config,
  type ConfigError,
  Effect,
  Layer,
  Option,
  Schedule,
  ScheduleDecision,
  Stream
} from "effect"
import { type ObjectInfo, ObjectStore, StoreError } from "../ports/ObjectStore.js"
import { client as makeClient } from "./s3/Client.js"
import { requestError, type S3RequestError } from "./s3/Failure.js"
import { putMultipart } from "./s3/Multipart.js"
import { clip, rangeHeader } from "./s3/Range.js"
import { defaultTuning, normalisePrefix, rootUrl, type S3Root, type Tuning } from "./s3/Root.js"

export { isTransient } from "./s3/Failure.js"
export { defaultTuning, normalisePrefix, rootUrl, type S3Root, type Tuning } from "./s3/Root.js"

export const make = (root: S3Root, tuning: Tuning = defaultTuning) =>
  Effect.gen(function* () {
    const client = yield* makeClient
    const Bucket = root.bucket
    const base = normalisePrefix(root.prefix)
    const rootString = rootUrl(root)

    const retryPolicy = (operation: string, key: string) =>
      Schedule.exponential(tuning.retryBase).pipe(
        Schedule.union(Schedule.spaced(tuning.retryCap)),
        Schedule.jittered,
        Schedule.upTo(tuning.retryFor),
        Schedule.whileInput((error: S3RequestError) => error.transient),
        Schedule.passthrough,
        Schedule.onDecision((error: S3RequestError, decision) =>
          ScheduleDecision.isContinue(decision)
            ? Effect.logWarning("object store request failed, retrying").pipe(
                Effect.annotateLogs({ store: rootString, operation, key, error: error.message })
              )
            : Effect.void
        )
      )

    /** One SDK call: interruptible (abort signal), retried while transient; callers map its S3RequestError to a StoreError. */
    const call = <A>(
      operation: string,
      key: string,
      f: (signal: AbortSignal) => Promise<A>
    ): Effect.Effect<A, S3RequestError> =>
      Effect.tryPromise({ try: f, catch: requestError }).pipe(Effect.retry(retryPolicy(operation, key)))

    const storeError = (operation: string, key: string) => (cause: S3RequestError) =>
      new StoreError({ operation, key, cause })

    const put = (key: string, bytes: Uint8Array) =>
      (bytes.length > tuning.multipartThreshold
        ? putMultipart(
            client,
            (f) => call("put", key, f),
            { Bucket, Key: base + key },
            bytes,
            tuning.partSize,
            tuning.partConcurrency
          )
        : call("put", key, (signal) =>
            client.send(new PutObjectCommand({ Bucket, Key: base + key, Body: bytes }), { abortSignal: signal })
          )
      ).pipe(Effect.asVoid, Effect.mapError(storeError("put", key)))

    const get = (key: string) =>
      call("get", key, (signal) =>
        client
          .send(new GetObjectCommand({ Bucket, Key: base + key }), { abortSignal: signal })
          .then((out) => out.Body?.transformToByteArray() ?? new Uint8Array(0))
      ).pipe(
        Effect.map(Option.some),
        Effect.catchIf(
          (e) => e.errorName === "NoSuchKey",
          () => Effect.succeed(Option.none<Uint8Array>())
        ),
        Effect.mapError(storeError("get", key))
      )

    const getRange = (key: string, start: number, end?: number) =>
      call("getRange", key, (signal) =>
        client
          .send(new GetObjectCommand({ Bucket, Key: base + key, Range: rangeHeader(start, end) }), {
            abortSignal: signal
          })
          .then(async (out) => ({
            range: Option.fromNullable(out.ContentRange),
            body: (await out.Body?.transformToByteArray()) ?? new Uint8Array(0)
          }))
      ).pipe(
        Effect.map(({ range, body }) => clip(body, range, start, end)),
        // 416: the range starts at or past the end (or the object is empty).
        Effect.catchIf(
          (e) => Option.contains(e.status, 416),
          () => Effect.succeed(new Uint8Array(0))
        ),
        Effect.mapError(storeError("getRange", key))
      )

    const head = (key: string) =>
      call("head", key, (signal) =>
        client.send(new HeadObjectCommand({ Bucket, Key: base + key }), { abortSignal: signal })
      ).pipe(
        Effect.map((out) => Option.some<ObjectInfo>({ key, size: out.ContentLength ?? 0 })),
        Effect.catchIf(
          (e) => Option.contains(e.status, 404),
          () => Effect.succeed(Option.none<ObjectInfo>())
        ),
        Effect.mapError(storeError("head", key))
      )

    const listPage = (prefix: string, token: Option.Option<string>) =>
      call("list", prefix, (signal) =>
        client.send(
          new ListObjectsV2Command({
            Bucket,
            Prefix: base + prefix,
            MaxKeys: tuning.pageSize,
            ContinuationToken: Option.getOrUndefined(token)
          }),
          { abortSignal: signal }
        )
      ).pipe(Effect.mapError(storeError("list", prefix)))

    const list = (prefix: string): Stream.Stream<ObjectInfo, StoreError> =>
      Stream.paginateChunkEffect(Option.none<string>(), (token) =>
        Effect.map(listPage(prefix, token), (page) => {
          const objects = Arr.flatMap(page.Contents ?? [], (object) =>
            // Zero-byte "folder" markers (`a/b/`) made by consoles are not objects of ours.
            object.Key !== undefined && !object.Key.endsWith("/")
              ? [{ key: object.Key.slice(base.length), size: object.Size ?? 0 }]
              : []
          )
          const next = page.IsTruncated
            ? Option.map(Option.fromNullable(page.NextContinuationToken), Option.some)
            : Option.none()
          return [Chunk.fromIterable(objects), next] as const
        })
      )

    const remove = (key: string) =>
      call("remove", key, (signal) =>
        client.send(new DeleteObjectCommand({ Bucket, Key: base + key }), { abortSignal: signal })
      ).pipe(Effect.asVoid, Effect.mapError(storeError("remove", key)))

    // Fail at startup, not at the first flush, when the bucket is missing or the credentials are refused.
    // A one-key listing of our own prefix also works with prefix-scoped IAM policies.
    yield* listPage("", Option.none()).pipe(
      Effect.mapError((e) => new StoreError({ operation: "open", key: rootString, cause: e.cause }))
    )

    return ObjectStore.of({ root: rootString, put, get, getRange, head, list, remove })
  })

/** The archive in S3 (or an S3-compatible server when `S3_ENDPOINT` is set); `S3_REGION`, default `us-east-1`. */
export const layer = (
  root: S3Root,
  tuning: Partial<Tuning> = {}
): Layer.Layer<ObjectStore, ConfigError.ConfigError | StoreError> =>
  Layer.scoped(ObjectStore, make(root, { ...defaultTuning, ...tuning }))

/** The archive at `S3_BUCKET` / `S3_PREFIX` (default ""), unless given here. */
export const layerConfig = (
  root: Partial<S3Root> = {},
  tuning: Partial<Tuning> = {}
): Layer.Layer<ObjectStore, ConfigError.ConfigError | StoreError> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        bucket:
          root.bucket === undefined || root.bucket === "" ? Config.string("S3_BUCKET") : Config.succeed(root.bucket),
        prefix:
          root.prefix === undefined
            ? Config.string("S3_PREFIX").pipe(Config.withDefault(""))
            : Config.succeed(root.prefix)
      }),
      (resolved) => layer(resolved, tuning)
    )
  )
