/**
 * `peacestate/memory`: the embedded adapters. `InMemoryLog` (a partitioned log with consumer groups, in
 * this process) for the `MessageLog` port and `LocalObjectStore` (a folder) for the `ObjectStore` port.
 * Needs `effect` and `@effect/platform` (the folder store wants `FileSystem` and `Path`: provide
 * `NodeContext.layer` from `@effect/platform-node`).
 */
export * as InMemoryLog from "../adapters/InMemoryLog.js"
export * as LocalObjectStore from "../adapters/LocalObjectStore.js"
