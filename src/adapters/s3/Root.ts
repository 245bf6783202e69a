import type { Duration } from "effect"

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
