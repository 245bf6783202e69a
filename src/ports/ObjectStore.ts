import { Context, Data, type Effect, type Option, type Stream } from "effect"

export interface ObjectInfo {
  readonly key: string
  readonly size: number
}

export class StoreError extends Data.TaggedError("StoreError")<{
  readonly operation: string
  readonly key: string
  readonly cause: unknown
}> {
  override get message(): string {
    return `object store ${this.operation} ${this.key} failed: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * The object store port, shaped after S3: whole-object puts that are atomic (a reader sees the old
 * object or the new one, never a part), gets by byte range, listing by prefix. Keys are relative to
 * the archive root.
 */
export class ObjectStore extends Context.Tag("peacestate/ObjectStore")<
  ObjectStore,
  {
    /** Where this store is, for humans (`s3://bucket/prefix` or a folder). */
    readonly root: string
    readonly put: (key: string, bytes: Uint8Array) => Effect.Effect<void, StoreError>
    readonly get: (key: string) => Effect.Effect<Option.Option<Uint8Array>, StoreError>
    /** Bytes [start, end) of the object; negative `start` counts from the end (a suffix range). */
    readonly getRange: (key: string, start: number, end?: number) => Effect.Effect<Uint8Array, StoreError>
    readonly head: (key: string) => Effect.Effect<Option.Option<ObjectInfo>, StoreError>
    /** Objects whose key starts with `prefix`, in key order. */
    readonly list: (prefix: string) => Stream.Stream<ObjectInfo, StoreError>
    readonly remove: (key: string) => Effect.Effect<void, StoreError>
  }
>() {}
