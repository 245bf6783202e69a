import { Array as Arr, type Duration, Effect, Option, Ref, Schedule } from "effect"
import { MessageLog } from "../ports/MessageLog.js"
import type { ObjectStore } from "../ports/ObjectStore.js"
import { type Counters, snapshot } from "./Counters.js"

export type Component = "alerter" | "archiver"

/** Records of one partition the group has not committed yet: end offset − committed offset. */
export interface PartitionLag {
  readonly partition: number
  readonly lag: number
}

export interface LagSample {
  readonly topic: string
  readonly group: string
  readonly partitions: ReadonlyArray<PartitionLag>
}

/** What a running component shows on /metrics and /readyz besides its Counters. */
export interface Probe {
  readonly component: Component
  readonly counters: Counters
  /** Partitions this member holds now: ready once it holds one. */
  readonly assigned: Ref.Ref<ReadonlyArray<number>>
  readonly stopping: Ref.Ref<boolean>
  readonly lag: Ref.Ref<Option.Option<LagSample>>
  readonly objectsWritten: Ref.Ref<number>
  readonly bytesWritten: Ref.Ref<number>
}

export const makeProbe = (component: Component, counters: Counters): Effect.Effect<Probe> =>
  Effect.all({
    component: Effect.succeed(component),
    counters: Effect.succeed(counters),
    assigned: Ref.make<ReadonlyArray<number>>([]),
    stopping: Ref.make(false),
    lag: Ref.make(Option.none<LagSample>()),
    objectsWritten: Ref.make(0),
    bytesWritten: Ref.make(0)
  })

/** Ready: the consumer has joined its group, holds partitions and is not shutting down. */
export const isReady = (probe: Probe): Effect.Effect<boolean> =>
  Effect.map(Effect.all([Ref.get(probe.assigned), Ref.get(probe.stopping)]), ([assigned, stopping]) => assigned.length > 0 && !stopping)

type Log = MessageLog["Type"]
type Store = ObjectStore["Type"]

/** The message log, telling the probe which partitions its consumer holds and when it stops. */
export const observeLog =
  (probe: Probe) =>
  (log: Log): Log => ({
    ...log,
    consume: (options, makeHandler) =>
      log.consume(options, (commit) => {
        const handler = makeHandler(commit)
        return {
          ...handler,
          onAssigned: (partitions) => Effect.zipRight(handler.onAssigned(partitions), Ref.update(probe.assigned, (a) => Arr.union(a, partitions))),
          onRevoked: (partitions) => Effect.zipRight(Ref.update(probe.assigned, (a) => Arr.difference(a, partitions)), handler.onRevoked(partitions)),
          onStop: Effect.zipRight(Ref.set(probe.stopping, true), handler.onStop)
        }
      })
  })

/** The object store, counting the objects and bytes written. */
export const observeStore =
  (probe: Probe) =>
  (store: Store): Store => ({
    ...store,
    put: (key, bytes) =>
      Effect.zipRight(store.put(key, bytes), Effect.zipRight(Ref.update(probe.objectsWritten, (n) => n + 1), Ref.update(probe.bytesWritten, (n) => n + bytes.byteLength)))
  })

const sampleLag = Effect.fn("Metrics.sampleLag")(function* (probe: Probe, topic: string, group: string) {
  const log = yield* MessageLog
  const [ends, committed] = yield* Effect.all([log.endOffsets(topic), log.committedOffsets(topic, group)], { concurrency: 2 })
  const partitions = ends.map((end) => ({
    partition: end.partition,
    lag: Math.max(0, end.offset - Option.getOrElse(Option.map(Arr.findFirst(committed, (c) => c.partition === end.partition), (c) => c.offset), () => 0))
  }))
  yield* Ref.set(probe.lag, Option.some({ topic, group, partitions }))
})

/** Sample the group's lag now and then in the background of the scope (a failed sample keeps the last one). */
export const trackLag = (probe: Probe, topic: string, group: string, every: Duration.DurationInput = "5 seconds") =>
  sampleLag(probe, topic, group).pipe(
    Effect.timeout("30 seconds"),
    Effect.catchAll((e) => Effect.logDebug(`metrics: lag sample failed: ${e.message}`)),
    Effect.repeat(Schedule.spaced(every)),
    Effect.forkScoped
  )

type Labels = Readonly<Record<string, string | number>>

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const labelText = (labels: Labels) => `{${Object.entries(labels).map(([k, v]) => `${k}="${escape(String(v))}"`).join(",")}}`

const family = (name: string, type: "counter" | "gauge", help: string, samples: ReadonlyArray<readonly [Labels, number]>): string =>
  [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([labels, value]) => `${name}${labelText(labels)} ${value}`)].join("\n")

/** The Prometheus text exposition (format 0.0.4) of a component. */
export const render = (probe: Probe): Effect.Effect<string> =>
  Effect.gen(function* () {
    const c = yield* snapshot(probe.counters)
    const [lag, assigned, ready, objects, bytes] = yield* Effect.all([
      Ref.get(probe.lag),
      Ref.get(probe.assigned),
      isReady(probe),
      Ref.get(probe.objectsWritten),
      Ref.get(probe.bytesWritten)
    ])
    const component = { component: probe.component }
    const one = (value: number) => [[component, value] as const]
    const archiver = probe.component === "archiver"
    return [
      family("peacestate_records_in_total", "counter", "Records read from the reports topic.", one(c.recordsIn)),
      family("peacestate_records_rejected_total", "counter", "Records that were bad input (the alerter dead-letters them).", one(c.rejected)),
      ...(archiver
        ? [
            family("peacestate_reports_archived_total", "counter", "Reports written to the archive.", one(c.archived)),
            family("peacestate_files_written_total", "counter", "Parquet files written to the archive.", one(c.files)),
            family("peacestate_reports_skipped_total", "counter", "Reports found already archived (resume after a restart or rebalance).", one(c.skipped)),
            family("peacestate_flush_seconds_total", "counter", "Time spent writing files and committing.", one(c.flushMillis / 1000)),
            family("peacestate_objects_written_total", "counter", "Objects put to the object store.", one(objects)),
            family("peacestate_object_bytes_written_total", "counter", "Bytes put to the object store.", one(bytes))
          ]
        : [family("peacestate_alerts_total", "counter", "Alerts published.", one(c.alerts))]),
      family("peacestate_assigned_partitions", "gauge", "Partitions of the reports topic this member holds.", one(assigned.length)),
      family("peacestate_ready", "gauge", "1 once the consumer holds partitions and is not stopping.", one(ready ? 1 : 0)),
      ...Option.match(lag, {
        onNone: () => [],
        onSome: (s) => [
          family(
            "peacestate_consumer_lag",
            "gauge",
            "Records of the group not committed yet, per partition (end offset - committed offset).",
            s.partitions.map((p) => [{ ...component, topic: s.topic, group: s.group, partition: p.partition }, p.lag] as const)
          )
        ]
      }),
      family("process_resident_memory_bytes", "gauge", "Resident set size of the process.", one(process.memoryUsage.rss()))
    ].join("\n") + "\n"
  })
