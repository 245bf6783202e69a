/**
 * `peacestate/ports`: the services the components need, as Effect `Context.Tag`s, with their errors
 * and record types. Adapters are in `peacestate/memory`, `peacestate/kafka` and `peacestate/s3`.
 * Needs `effect` only.
 */
export { AlertSink } from "../ports/AlertSink.js"
export { LogError, MessageLog } from "../ports/MessageLog.js"
export type {
  Batch,
  ConsumeOptions,
  ConsumerHandler,
  LogRecord,
  OutgoingRecord,
  PartitionOffset
} from "../ports/MessageLog.js"
export { ObjectStore, StoreError } from "../ports/ObjectStore.js"
export type { ObjectInfo } from "../ports/ObjectStore.js"
