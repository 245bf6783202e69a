/** `peacestate/s3`: the S3 adapter of the `ObjectStore` port (`S3ObjectStore.layer`, `S3ObjectStore.layerConfig`). Loads `@aws-sdk/client-s3`. */
export * as S3ObjectStore from "../adapters/S3ObjectStore.js"
