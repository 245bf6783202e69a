import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Metric, Option, Ref, Stream } from "effect"
import * as InMemoryLog from "../../src/adapters/InMemoryLog.js"
import * as HealthServer from "../../src/ops/HealthServer.js"
import { instrumentLog, instrumentStore } from "../../src/ops/Instrument.js"
import * as Metrics from "../../src/ops/Metrics.js"
import * as Prometheus from "../../src/ops/Prometheus.js"
import { MessageLog } from "../../src/ports/MessageLog.js"

const get = (url: string) =>
  Effect.promise(() =>
    fetch(url).then(async (r) => ({
      status: r.status,
      type: r.headers.get("content-type") ?? "",
      body: await r.text()
    }))
  )

// The registry is the process's: each test tags what it updates with a component of its own.
describe("HealthServer and metrics", () => {
  it.scoped("serves /healthz, /readyz (503 until partitions are held, and again once stopping) and /metrics", () =>
    Effect.gen(function* () {
      const base = Option.getOrThrow(yield* HealthServer.serve(Option.some(0), "127.0.0.1"))
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

      expect((yield* get(`${base}/healthz`)).status).toBe(200)
      expect((yield* get(`${base}/readyz`)).status).toBe(503)
      expect((yield* get(`${base}/other`)).status).toBe(404)

      // A consumer seen through the instrumented log: ready while it holds partitions, not once it stops.
      const log = instrumentLog(Option.some(Duration.millis(10)))(yield* Effect.provide(MessageLog, InMemoryLog.layer))
      yield* log.ensureTopic("reports", 2)
      yield* log.publish("reports", [
        { key: "a", value: "1" },
        { key: "b", value: "2" }
      ])
      const duringBatch = yield* Ref.make<ReadonlyArray<number>>([])
      yield* log
        .consume({ topic: "reports", group: "g", idleExit: Option.none(), stopWhenIdle: Effect.succeed(true) }, () => ({
          onAssigned: () => Effect.void,
          onRevoked: () => Effect.void,
          onBatch: (batch) =>
            Effect.gen(function* () {
              yield* Metric.incrementBy(Metrics.recordsIn, batch.records.length)
              const ready = yield* get(`${base}/readyz`)
              yield* Ref.update(duringBatch, (s) => [...s, ready.status])
            }),
          onIdle: Effect.void,
          onStop: Effect.void
        }))
        .pipe(Effect.tagMetrics("component", "health-test"))
      expect(new Set(yield* Ref.get(duringBatch))).toStrictEqual(new Set([200]))
      expect((yield* get(`${base}/readyz`)).status).toBe(503)

      yield* Metric.incrementBy(Metrics.alertsPublished, 3).pipe(Effect.tagMetrics("component", "health-test"))
      yield* Metric.set(
        Metrics.consumerLag.pipe(Metric.tagged("topic", 'odd "topic"\\'), Metric.tagged("partition", "0")),
        5
      ).pipe(Effect.tagMetrics("component", "health-test"))
      const metrics = yield* get(`${base}/metrics`)
      expect(metrics.status).toBe(200)
      expect(metrics.type).toContain("text/plain; version=0.0.4")
      expect(metrics.body).toContain("# TYPE peacestate_records_in_total counter")
      expect(metrics.body).toContain('peacestate_records_in_total{component="health-test"} 2\n')
      expect(metrics.body).toContain('peacestate_alerts_total{component="health-test"} 3\n')
      expect(metrics.body).toMatch(/peacestate_consumer_lag\{[^}]*topic="odd \\"topic\\"\\\\"[^}]*\} 5\n/)
      expect(metrics.body).toContain('peacestate_ready{component="health-test"} 0\n')
      expect(metrics.body).toContain('peacestate_assigned_partitions{component="health-test"} 0\n')
      expect(metrics.body).toMatch(/process_resident_memory_bytes \d+\n/)
    })
  )

  it.effect("closes with its scope, and is off without a port", () =>
    Effect.gen(function* () {
      expect(yield* Effect.scoped(HealthServer.serve(Option.none(), "127.0.0.1"))).toStrictEqual(Option.none())
      const base = Option.getOrThrow(yield* Effect.scoped(HealthServer.serve(Option.some(0), "127.0.0.1")))
      const after = yield* Effect.promise(() =>
        fetch(`${base}/healthz`).then(
          () => "answered",
          () => "refused"
        )
      )
      expect(after).toBe("refused")
    })
  )

  it.effect("counts the objects and bytes put to the store", () =>
    Effect.gen(function* () {
      const store = instrumentStore({
        root: "memory",
        put: () => Effect.void,
        get: () => Effect.succeed(Option.none()),
        getRange: () => Effect.succeed(new Uint8Array(0)),
        head: () => Effect.succeed(Option.none()),
        list: () => Stream.empty,
        remove: () => Effect.void
      })
      yield* Effect.tagMetrics(
        Effect.zipRight(store.put("a", new Uint8Array(10)), store.put("b", new Uint8Array(5))),
        "component",
        "store-test"
      )
      const text = yield* Prometheus.scrape
      expect(text).toContain('peacestate_objects_written_total{component="store-test"} 2\n')
      expect(text).toContain('peacestate_object_bytes_written_total{component="store-test"} 15\n')
    })
  )

  it("renders histograms as cumulative buckets with +Inf, _sum and _count, each family once", () => {
    const h = Metric.histogram("test_seconds", Metrics.flushSeconds.keyType.boundaries, "A test histogram.")
    Effect.runSync(
      Effect.forEach([0.0005, 0.003, 100], (v) => Metric.update(h, v)).pipe(
        Effect.tagMetrics("component", "histogram-test")
      )
    )
    const text = Effect.runSync(Prometheus.scrape)
    expect(text.match(/# TYPE test_seconds histogram/g)).toHaveLength(1)
    expect(text).toContain('test_seconds_bucket{component="histogram-test",le="0.001"} 1\n')
    expect(text).toContain('test_seconds_bucket{component="histogram-test",le="0.004"} 2\n')
    expect(text).toContain('test_seconds_bucket{component="histogram-test",le="+Inf"} 3\n')
    expect(text).toContain('test_seconds_count{component="histogram-test"} 3\n')
    expect(text).toMatch(/test_seconds_sum\{component="histogram-test"\} 100\.003/)
  })
})
