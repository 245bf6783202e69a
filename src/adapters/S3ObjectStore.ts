import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import {
  Array as Arr,
  Chunk,
  Config,
  type ConfigError,
  Data,
  type Duration,
  Effect,
  Exit,
  Layer,
  Option,
  Redacted,
  Schedule,
  ScheduleDecision,
  Stream
} from "effect"
import { type ObjectInfo, ObjectStore, StoreError } from "../ports/ObjectStore.js"

/** Where an archive lives in S3: a bucket and a key prefix inside it ("" = the bucket root). */
export interface S3Root {
  readonly bucket: string
  readonly prefix: string
}

/** Knobs with production defaults; tests shrink them to exercise multipart, paging and retries cheaply. */
export interface Tuning {
  /** Bodies larger than this go up as a multipart upload. */
  readonly multipartThreshold: number
  /** Size of each multipart part (S3 wants >= 5 MiB except the last one). */
  readonly partSize: number
  readonly partConcurrency: number
  /** `MaxKeys` of each ListObjectsV2 page (S3 caps it at 1000). */
  readonly pageSize: number
  readonly retryBase: Duration.DurationInput
  readonly retryCap: Duration.DurationInput
  /** How long transient failures (S3 down, 5xx, throttling) are retried before a call fails. */
  readonly retryFor: Duration.DurationInput
}

const MiB = 1024 * 1024

export const defaultTuning: Tuning = {
  multipartThreshold: 16 * MiB,
  partSize: 8 * MiB,
  partConcurrency: 4,
  pageSize: 1000,
  retryBase: "100 millis",
  retryCap: "5 seconds",
  retryFor: "2 minutes"
}

/** "" → "", "/a/b/" → "a/b/": the string every port key is appended to. */
export const normalisePrefix = (prefix: string): string => {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "")
  return trimmed === "" ? "" : `${trimmed}/`
}

/** `s3://bucket/prefix` (no trailing slash, so `${root}/reports/...` is a valid URL). */
export const rootUrl = (root: S3Root): string => {
  const prefix = normalisePrefix(root.prefix).replace(/\/$/, "")
  return prefix === "" ? `s3://${root.bucket}` : `s3://${root.bucket}/${prefix}`
}

interface SdkFailure {
  readonly name?: unknown
  readonly code?: unknown
  readonly message?: unknown
  readonly $retryable?: unknown
  readonly $metadata?: { readonly httpStatusCode?: unknown }
}

const asFailure = (e: unknown): SdkFailure => (typeof e === "object" && !!e ? (e as SdkFailure) : {})

const statusOf = (e: unknown): Option.Option<number> => {
  const status = asFailure(e).$metadata?.httpStatusCode
  return typeof status === "number" ? Option.some(status) : Option.none()
}

const nameOf = (e: unknown): string => String(asFailure(e).name ?? "")

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN"
])
const transientNames = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ServiceUnavailable",
  "InternalError"
])

/** Worth another try: the network, 5xx, 408, 429 and throttling. Other 4xx (and credential problems) are final. */
export const isTransient = (e: unknown): boolean => {
  const failure = asFailure(e)
  return Option.match(statusOf(e), {
    onNone: () => networkCodes.has(String(failure.code ?? "")) || transientNames.has(nameOf(e)),
    onSome: (status) =>
      status >= 500 || status === 408 || status === 429 || transientNames.has(nameOf(e)) || !!failure.$retryable
  })
}

/**
 * A failed S3 request (the cause of a StoreError), compact: SDK errors carry the request (StringToSign,
 * access key id), which has no place in logs, so only their name, HTTP status, code and message are kept.
 */
class S3RequestError extends Data.TaggedError("S3RequestError")<{
  readonly errorName: string
  readonly status: Option.Option<number>
  readonly code: Option.Option<string>
  readonly detail: string
  /** Worth another try (see isTransient). */
  readonly transient: boolean
}> {
  override get message(): string {
    const status = Option.match(this.status, { onNone: () => "", onSome: (s) => ` (HTTP ${s})` })
    const code = Option.match(this.code, { onNone: () => "", onSome: (c) => ` [${c}]` })
    return `${this.errorName || "Error"}${status}${code}: ${this.detail}`
  }
}

const requestError = (e: unknown): S3RequestError => {
  const failure = asFailure(e)
  return new S3RequestError({
    errorName: nameOf(e),
    status: statusOf(e),
    code: typeof failure.code === "string" ? Option.some(failure.code) : Option.none(),
    detail: String(failure.message ?? e),
    transient: isTransient(e)
  })
}

/** A response without a field we need: final, not retried. */
const malformedResponse = (detail: string): S3RequestError =>
  new S3RequestError({ errorName: "Error", status: Option.none(), code: Option.none(), detail, transient: false })

const contentRange = /^bytes (\d+)-\d+\/(\d+|\*)$/

export const make = (root: S3Root, tuning: Tuning = defaultTuning) =>
  Effect.gen(function* () {
    const region = yield* Config.string("S3_REGION").pipe(Config.withDefault("us-east-1"))
    const endpoint = (yield* Config.option(Config.string("S3_ENDPOINT"))).pipe(Option.filter((e) => e.trim() !== ""))
    // Static credentials when configured (kept redacted: never in a log or an error); otherwise the SDK's standard
    // chain (instance profile, web identity, SSO, ~/.aws, ...).
    const staticCredentials = yield* Config.option(
      Config.all({
        accessKeyId: Config.redacted("AWS_ACCESS_KEY_ID"),
        secretAccessKey: Config.redacted("AWS_SECRET_ACCESS_KEY"),
        sessionToken: Config.option(Config.redacted("AWS_SESSION_TOKEN"))
      })
    )
    const client = yield* Effect.acquireRelease(
      Effect.sync(
        () =>
          new S3Client({
            region,
            // Our Schedule does the retrying, with logging and a bound we choose.
            maxAttempts: 1,
            requestHandler: { connectionTimeout: 5_000, socketTimeout: 60_000 },
            ...Option.match(staticCredentials, {
              onNone: () => ({}),
              onSome: (c) => ({
                credentials: {
                  accessKeyId: Redacted.value(c.accessKeyId),
                  secretAccessKey: Redacted.value(c.secretAccessKey),
                  ...Option.match(c.sessionToken, {
                    onNone: () => ({}),
                    onSome: (t) => ({ sessionToken: Redacted.value(t) })
                  })
                }
              })
            }),
            ...Option.match(endpoint, {
              onNone: () => ({}),
              onSome: (url) => ({ endpoint: url, forcePathStyle: true })
            })
          })
      ),
      (c) => Effect.sync(() => c.destroy())
    )
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

    const putSingle = (key: string, bytes: Uint8Array) =>
      call("put", key, (signal) =>
        client.send(new PutObjectCommand({ Bucket, Key: base + key, Body: bytes }), { abortSignal: signal })
      )

    const putMultipart = (key: string, bytes: Uint8Array) =>
      Effect.acquireUseRelease(
        call("put", key, (signal) =>
          client.send(new CreateMultipartUploadCommand({ Bucket, Key: base + key }), { abortSignal: signal })
        ).pipe(
          Effect.flatMap((created) =>
            Option.fromNullable(created.UploadId).pipe(
              Effect.mapError(() => malformedResponse("CreateMultipartUpload returned no UploadId"))
            )
          )
        ),
        (UploadId) =>
          Effect.forEach(
            Arr.makeBy(Math.ceil(bytes.length / tuning.partSize), (i) => i + 1),
            (PartNumber) =>
              call("put", key, (signal) =>
                client.send(
                  new UploadPartCommand({
                    Bucket,
                    Key: base + key,
                    UploadId,
                    PartNumber,
                    Body: bytes.subarray((PartNumber - 1) * tuning.partSize, PartNumber * tuning.partSize)
                  }),
                  { abortSignal: signal }
                )
              ).pipe(
                Effect.flatMap((part) =>
                  Option.fromNullable(part.ETag).pipe(
                    Effect.mapError(() => malformedResponse(`UploadPart ${PartNumber} returned no ETag`))
                  )
                ),
                Effect.map((ETag) => ({ ETag, PartNumber }))
              ),
            { concurrency: tuning.partConcurrency }
          ).pipe(
            Effect.flatMap((Parts) =>
              call("put", key, (signal) =>
                client.send(
                  new CompleteMultipartUploadCommand({ Bucket, Key: base + key, UploadId, MultipartUpload: { Parts } }),
                  { abortSignal: signal }
                )
              )
            )
          ),
        // Best effort and bounded: a stray upload is invisible to readers and a lifecycle rule can expire it.
        (UploadId, exit) =>
          Exit.isSuccess(exit)
            ? Effect.void
            : Effect.tryPromise((signal) =>
                client.send(new AbortMultipartUploadCommand({ Bucket, Key: base + key, UploadId }), {
                  abortSignal: signal
                })
              ).pipe(Effect.timeout("10 seconds"), Effect.ignore)
      )

    const put = (key: string, bytes: Uint8Array) =>
      (bytes.length > tuning.multipartThreshold ? putMultipart(key, bytes) : putSingle(key, bytes)).pipe(
        Effect.asVoid,
        Effect.mapError(storeError("put", key))
      )

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

    // An empty or inverted [start, end) still asks for one byte, so a missing key fails as it does elsewhere.
    const rangeHeader = (start: number, end?: number) =>
      start < 0
        ? `bytes=${start}`
        : end === undefined
          ? `bytes=${start}-`
          : `bytes=${start}-${Math.max(start, end - 1)}`

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
        Effect.map(({ range, body }) => {
          // The body holds bytes [offset, offset + body.length) of an object of `size` bytes; a server that ignores
          // Range sends the whole object (no Content-Range). Clip to what was asked either way.
          const [offset, size] = Option.match(
            Option.flatMap(range, (r) => Option.fromNullable(contentRange.exec(r))),
            {
              onNone: () => [0, body.length] as const,
              onSome: (m) => [Number(m[1]), m[2] === "*" ? Number(m[1]) + body.length : Number(m[2])] as const
            }
          )
          const from = start < 0 ? Math.max(0, size + start) : Math.min(start, size)
          const to = Math.max(from, Math.min(end ?? size, size))
          return body.slice(Math.max(0, from - offset), Math.max(0, to - offset))
        }),
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
