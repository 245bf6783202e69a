// Subpath imports: the package index re-exports undici, which a bundled worker would load for nothing.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { type ConfigError, Data, Effect, Layer, Option } from "effect"
import { fileURLToPath } from "node:url"
import type { ObjectStore, StoreError } from "../ports/ObjectStore.js"
import * as LocalObjectStore from "./LocalObjectStore.js"
import { normalisePrefix, rootUrl } from "./s3/Root.js"

/** An archive location as given on the command line: a local folder or `s3://bucket/prefix`. */
export type ArchiveRoot = Data.TaggedEnum<{
  Local: { readonly folder: string }
  S3: { readonly bucket: string; readonly prefix: string }
}>

export const ArchiveRoot = Data.taggedEnum<ArchiveRoot>()

const s3Url = /^s3:\/\/([^/]*)\/*(.*)$/i

/** `s3://bucket/prefix` (prefix normalised, without slashes at either end); `file://` URLs and anything else are local folders. */
export const parseRoot = (s: string): ArchiveRoot => {
  const trimmed = s.trim()
  return Option.match(Option.fromNullable(s3Url.exec(trimmed)), {
    onNone: () => ArchiveRoot.Local({ folder: /^file:\/\//i.test(trimmed) ? fileURLToPath(trimmed) : s }),
    onSome: (s3) => ArchiveRoot.S3({ bucket: s3[1] ?? "", prefix: normalisePrefix(s3[2] ?? "").replace(/\/$/, "") })
  })
}

/** The inverse of `parseRoot`: `parseRoot(rootToString(r))` equals `r`. */
export const rootToString = (root: ArchiveRoot): string =>
  ArchiveRoot.$match(root, {
    Local: ({ folder }) => folder,
    S3: (r) => rootUrl(r)
  })

/**
 * The object store of a root, with everything it needs (the Node file system for a folder; config and
 * credentials from the environment for S3), so a worker thread can build it from the root string alone.
 * `s3://` without a bucket takes `S3_BUCKET` (and, without a prefix either, `S3_PREFIX`) from the environment.
 * The S3 adapter (and the AWS SDK under it) is loaded only for an `s3://` root: a folder's analysis does not
 * pay for evaluating the SDK's modules at start-up.
 */
export const storeLayer = (root: ArchiveRoot): Layer.Layer<ObjectStore, ConfigError.ConfigError | StoreError> =>
  ArchiveRoot.$match(root, {
    Local: ({ folder }) =>
      LocalObjectStore.layer(folder).pipe(Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))),
    S3: ({ bucket, prefix }) =>
      Layer.unwrapEffect(
        Effect.map(
          Effect.promise(() => import("./S3ObjectStore.js")),
          (S3ObjectStore) =>
            bucket !== ""
              ? S3ObjectStore.layer({ bucket, prefix })
              : S3ObjectStore.layerConfig(prefix === "" ? {} : { prefix })
        )
      )
  })
