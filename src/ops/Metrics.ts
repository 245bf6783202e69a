import { Effect, Metric, MetricBoundaries } from "effect"

// The components' metrics, in Effect's metric registry. Each component's fiber tags what it updates with
// `component` (and the demo with its run), so one set of definitions serves every component and process.

const counter = (name: string, description: string) => Metric.counter(name, { description, incremental: true })

export const recordsIn = counter("peacestate_records_in_total", "Records read from the reports topic.")
export const recordsRejected = counter(
  "peacestate_records_rejected_total",
  "Records that were bad input (the alerter dead-letters them)."
)
export const alertsPublished = counter("peacestate_alerts_total", "Alerts published.")
export const reportsArchived = counter("peacestate_reports_archived_total", "Reports written to the archive.")
export const filesWritten = counter("peacestate_files_written_total", "Parquet files written to the archive.")
export const reportsSkipped = counter(
  "peacestate_reports_skipped_total",
  "Reports found already archived (resume after a restart or rebalance)."
)
export const objectsWritten = counter("peacestate_objects_written_total", "Objects put to the object store.")
export const objectBytesWritten = counter("peacestate_object_bytes_written_total", "Bytes put to the object store.")

// Seconds, from 1 ms to about 33 s.
const latencyBuckets = MetricBoundaries.exponential({ start: 0.001, factor: 2, count: 16 })

export const flushSeconds = Metric.histogram(
  "peacestate_flush_seconds",
  latencyBuckets,
  "Time to store one archive file and commit past it."
)
export const batchSeconds = Metric.histogram(
  "peacestate_batch_seconds",
  latencyBuckets,
  "Time the alerter takes for one batch: judge, publish, commit."
)
export const alertLatencySeconds = Metric.histogram(
  "peacestate_alert_latency_seconds",
  latencyBuckets,
  "From a report's append to the reports topic to the publication of its alerts."
)

export const assignedPartitions = Metric.gauge("peacestate_assigned_partitions", {
  description: "Partitions of the reports topic this member holds."
})
/** The name of the readiness gauge, which /readyz reads. */
export const ReadyName = "peacestate_ready"

export const ready = Metric.gauge(ReadyName, {
  description: "1 once the consumer holds partitions and is not stopping."
})
export const consumerLag = Metric.gauge("peacestate_consumer_lag", {
  description: "Records of the group not committed yet, per partition (end offset - committed offset)."
})
export const residentMemory = Metric.gauge("process_resident_memory_bytes", {
  description: "Resident set size of the process."
})

/** The counters a component shows from its start, at 0 until something happens. */
export const register = (counters: ReadonlyArray<Metric.Metric.Counter<number>>): Effect.Effect<void> =>
  Effect.forEach(counters, (c) => Metric.incrementBy(c, 0), { discard: true })

/** A counter's value as the current fiber's tags see it (the component's own count). */
export const count = (c: Metric.Metric.Counter<number>): Effect.Effect<number> =>
  Effect.map(Metric.value(c), (s) => s.count)
