import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Ref, Stream } from "effect"
import * as InMemoryLog from "../../src/adapters/InMemoryLog.js"
import { MessageLog } from "../../src/ports/MessageLog.js"
import { add, makeCounters } from "../../src/util/Counters.js"
import * as HealthServer from "../../src/util/HealthServer.js"
import * as Metrics from "../../src/util/Metrics.js"

const get = (url: string) => Effect.promise(() => fetch(url).then(async (r) => ({ status: r.status, type: r.headers.get("content-type") ?? "", body: await r.text() })))

describe("HealthServer and Metrics", () => {
  it.scoped("serves /healthz, /readyz (503 until partitions are held, and again once stopping) and /metrics", () =>
    Effect.gen(function* () {
      const counters = yield* makeCounters
      const probe = yield* Metrics.makeProbe("alerter", counters)
      const base = Option.getOrThrow(yield* HealthServer.serve(Option.some(0), probe))
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

      expect((yield* get(`${base}/healthz`)).status).toBe(200)
      expect((yield* get(`${base}/readyz`)).status).toBe(503)
      expect((yield* get(`${base}/other`)).status).toBe(404)

      // A consumer seen through observeLog: ready while it holds partitions, not once it stops.
      const log = Metrics.observeLog(probe)(yield* Effect.provide(MessageLog, InMemoryLog.layer))
      yield* log.ensureTopic("reports", 2)
      yield* log.publish("reports", [{ key: "a", value: "1" }, { key: "b", value: "2" }])
      const duringBatch = yield* Ref.make<ReadonlyArray<number>>([])
      yield* log.consume({ topic: "reports", group: "g", idleExit: Option.none(), stopWhenIdle: Effect.succeed(true) }, () => ({
        onAssigned: () => Effect.void,
        onRevoked: () => Effect.void,
        onBatch: (batch) =>
          Effect.gen(function* () {
            yield* add(counters.recordsIn, batch.records.length)
            const ready = yield* get(`${base}/readyz`)
            yield* Ref.update(duringBatch, (s) => [...s, ready.status])
          }),
        onIdle: Effect.void,
        onStop: Effect.void
      }))
      expect(new Set(yield* Ref.get(duringBatch))).toStrictEqual(new Set([200]))
      expect((yield* get(`${base}/readyz`)).status).toBe(503)

      yield* add(counters.alerts, 3)
      yield* Ref.set(probe.lag, Option.some({ topic: 'odd "topic"\\', group: "g", partitions: [{ partition: 0, lag: 5 }, { partition: 1, lag: 0 }] }))
      const metrics = yield* get(`${base}/metrics`)
      expect(metrics.status).toBe(200)
      expect(metrics.type).toContain("text/plain; version=0.0.4")
      expect(metrics.body).toContain("# TYPE peacestate_records_in_total counter")
      expect(metrics.body).toContain('peacestate_records_in_total{component="alerter"} 2\n')
      expect(metrics.body).toContain('peacestate_alerts_total{component="alerter"} 3\n')
      expect(metrics.body).toContain('peacestate_consumer_lag{component="alerter",topic="odd \\"topic\\"\\\\",group="g",partition="0"} 5\n')
      expect(metrics.body).toContain('peacestate_ready{component="alerter"} 0\n')
      expect(metrics.body).toMatch(/process_resident_memory_bytes\{component="alerter"\} \d+\n/)
      expect(metrics.body).not.toContain("peacestate_reports_archived_total")
    }))

  it.effect("closes with its scope, and is off without a port", () =>
    Effect.gen(function* () {
      const probe = yield* Metrics.makeProbe("archiver", yield* makeCounters)
      expect(yield* Effect.scoped(HealthServer.serve(Option.none(), probe))).toStrictEqual(Option.none())
      const base = Option.getOrThrow(yield* Effect.scoped(HealthServer.serve(Option.some(0), probe)))
      const after = yield* Effect.promise(() => fetch(`${base}/healthz`).then(() => "answered", () => "refused"))
      expect(after).toBe("refused")
    }))

  it.effect("counts the objects and bytes the archiver puts", () =>
    Effect.gen(function* () {
      const probe = yield* Metrics.makeProbe("archiver", yield* makeCounters)
      const store = Metrics.observeStore(probe)({
        root: "memory",
        put: () => Effect.void,
        get: () => Effect.succeed(Option.none()),
        getRange: () => Effect.succeed(new Uint8Array(0)),
        head: () => Effect.succeed(Option.none()),
        list: () => Stream.empty,
        remove: () => Effect.void
      })
      yield* store.put("a", new Uint8Array(10))
      yield* store.put("b", new Uint8Array(5))
      const text = yield* Metrics.render(probe)
      expect(text).toContain('peacestate_objects_written_total{component="archiver"} 2\n')
      expect(text).toContain('peacestate_object_bytes_written_total{component="archiver"} 15\n')
    }))
})
