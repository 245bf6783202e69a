// The MessageLog contract, written once and run against every adapter (in-memory and Kafka), so the
// embedded mode cannot drift from the real one.
import { describe, expect, layer } from "@effect/vitest"
import { Array as Arr, Data, Deferred, Duration, Effect, Fiber, type Layer, Option, Order, Ref, Schedule } from "effect"
import {
  type Batch,
  type ConsumeOptions,
  type ConsumerHandler,
  type LogError,
  type LogRecord,
  MessageLog,
  type OutgoingRecord,
  type PartitionOffset
} from "../../src/ports/MessageLog.js"

export interface ContractOptions {
  /** Skip the whole suite, saying why (e.g. no broker). */
  readonly skip?: string | undefined
  /** Topic and group names start with this (so a run can clean up after itself). */
  readonly prefix: string
  /** Per-test timeout. */
  readonly timeout?: Duration.DurationInput
}

class Boom extends Data.TaggedError("Boom")<{ readonly reason: string }> {}

type Commit = (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>

const decoder = new TextDecoder()
const encoder = new TextEncoder()
const text = (r: LogRecord) => decoder.decode(r.value)
const total = (ps: ReadonlyArray<PartitionOffset>) => ps.reduce((n, p) => n + p.offset, 0)
const sorted = (ns: ReadonlyArray<number>) => Arr.sort(ns, Order.number)

/** Everything one member saw, in order, and whether two of its callbacks ever overlapped. */
const makeRecorder = Effect.gen(function* () {
  const batches = yield* Ref.make<ReadonlyArray<Batch>>([])
  const events = yield* Ref.make<ReadonlyArray<string>>([])
  const assigned = yield* Ref.make<ReadonlyArray<number>>([])
  const active = yield* Ref.make(0)
  const overlapped = yield* Ref.make(false)
  const log = (e: string) => Ref.update(events, (es) => [...es, e])
  // Callbacks of one member must run one at a time: count them in, and pause a little to widen any race.
  const exclusive = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.acquireUseRelease(
      Ref.getAndUpdate(active, (n) => n + 1),
      (before) => Effect.zipRight(before > 0 ? Ref.set(overlapped, true) : Effect.sleep(Duration.millis(2)), effect),
      () => Ref.update(active, (n) => n - 1)
    )
  const records = Effect.map(Ref.get(batches), (bs) => bs.flatMap((b) => b.records))
  return { batches, events, assigned, overlapped, log, exclusive, records }
})
type Recorder = Effect.Effect.Success<typeof makeRecorder>

interface HandlerOptions<E> {
  /** Commit each batch right after it was handled. */
  readonly commitEach?: boolean
  readonly onBatch?: (batch: Batch, commit: Commit) => Effect.Effect<void, E | LogError>
  readonly onStop?: (commit: Commit) => Effect.Effect<void, E | LogError>
}

const recording =
  <E = never>(rec: Recorder, options: HandlerOptions<E> = {}) =>
  (commit: Commit): ConsumerHandler<E | LogError, never> => ({
    onAssigned: (ps) =>
      rec.exclusive(
        Effect.zipRight(
          rec.log(`assigned ${ps.join(",")}`),
          Ref.update(rec.assigned, (as) => sorted(Arr.union(as, ps)))
        )
      ),
    onRevoked: (ps) =>
      rec.exclusive(
        Effect.zipRight(
          rec.log(`revoked ${ps.join(",")}`),
          Ref.update(rec.assigned, (as) => Arr.difference(as, ps))
        )
      ),
    onBatch: (batch) =>
      rec.exclusive(
        Effect.gen(function* () {
          yield* Ref.update(rec.batches, (bs) => [...bs, batch])
          yield* rec.log(`batch ${batch.partition}`)
          if (options.onBatch) yield* options.onBatch(batch, commit)
          const last = Arr.last(batch.records)
          if (options.commitEach && Option.isSome(last))
            yield* commit([{ partition: batch.partition, offset: last.value.offset + 1 }])
        })
      ),
    onIdle: rec.exclusive(rec.log("idle")),
    onStop: rec.exclusive(Effect.zipRight(rec.log("stop"), options.onStop ? options.onStop(commit) : Effect.void))
  })

/** Next offset to read per partition, after the records seen. */
const nextOffsets = (records: ReadonlyArray<LogRecord>): ReadonlyArray<PartitionOffset> =>
  Object.values(Arr.groupBy(records, (r) => String(r.partition))).map((rs) => ({
    partition: rs[0].partition,
    offset: Math.max(...rs.map((r) => r.offset)) + 1
  }))

const byPartition = (records: ReadonlyArray<LogRecord>) => Arr.groupBy(records, (r) => String(r.partition))
const byKey = (records: ReadonlyArray<LogRecord>) => Arr.groupBy(records, (r) => Option.getOrElse(r.key, () => ""))

const consumeOptions = (topic: string, group: string, rest: Partial<ConsumeOptions> = {}): ConsumeOptions => ({
  topic,
  group,
  idleExit: Option.none(),
  idleEvery: Duration.millis(200),
  ...rest
})

/** Poll until `check` holds (or fail after `within`). */
const eventually = <E, R>(check: Effect.Effect<boolean, E, R>, within: Duration.DurationInput = "30 seconds") =>
  Effect.repeat(check, { until: (ok) => ok, schedule: Schedule.spaced(Duration.millis(50)) }).pipe(
    Effect.timeoutFail({ duration: within, onTimeout: () => new Error("condition not reached in time") })
  )

const record = (key: string, value: string | Uint8Array, headers?: Record<string, string>): OutgoingRecord =>
  headers === undefined ? { key, value } : { key, value, headers }

/**
 * Register the MessageLog contract tests for one adapter. The layer is built once for the suite;
 * every test uses its own topics and groups, so runs can repeat against the same broker.
 * Returns the prefix of every topic and group name this run uses.
 */
export const messageLogContract = (
  name: string,
  logLayer: Layer.Layer<MessageLog, unknown>,
  options: ContractOptions
): string => {
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const counter = { n: 0 }
  const runPrefix = `${options.prefix}.${runId}`
  const unique = (what: string) => `${runPrefix}.${what}.${(counter.n += 1)}`
  const timeout = Duration.toMillis(options.timeout ?? "60 seconds")

  describe.skipIf(options.skip !== undefined)(
    `MessageLog contract: ${name}${options.skip ? ` (skipped: ${options.skip})` : ""}`,
    () => {
      layer(logLayer, { excludeTestServices: true, timeout: "120 seconds" })((it) => {
        it.effect(
          "ensureTopic is idempotent, also when two callers race; a new topic is empty and a new group has committed nothing",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("ensure")
              yield* Effect.all([log.ensureTopic(topic, 3), log.ensureTopic(topic, 3)], {
                concurrency: 2,
                discard: true
              })
              yield* log.ensureTopic(topic, 3)
              const ends = yield* log.endOffsets(topic)
              expect(ends).toStrictEqual([0, 1, 2].map((partition) => ({ partition, offset: 0 })))
              expect(yield* log.committedOffsets(topic, unique("group"))).toStrictEqual(
                [0, 1, 2].map((partition) => ({ partition, offset: 0 }))
              )
            }),
          timeout
        )

        it.effect(
          "a new group reads every record once from the earliest, offsets increasing per partition, keys in publish order on one partition",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("order")
              const group = unique("group")
              yield* log.ensureTopic(topic, 4)
              const keys = Arr.makeBy(12, (i) => `drone-${i}`)
              // Three publishes, keys interleaved: drone-i:seq.
              yield* Effect.forEach(
                [0, 1, 2],
                (round) =>
                  log.publish(
                    topic,
                    Arr.flatMap([0, 1], (s) => keys.map((k) => record(k, `${k}:${round * 2 + s}`)))
                  ),
                { discard: true }
              )
              const expected = keys.length * 6
              const rec = yield* makeRecorder
              yield* log.consume(
                consumeOptions(topic, group, {
                  stopWhenIdle: Effect.succeed(true),
                  idleExit: Option.some(Duration.seconds(30))
                }),
                recording(rec)
              )
              const records = yield* rec.records

              expect(records.length).toBe(expected)
              expect(new Set(records.map(text)).size).toBe(expected)
              expect(yield* Ref.get(rec.overlapped)).toBe(false)
              records.forEach((r) => expect(r.topic).toBe(topic))
              // Per partition: offsets strictly increasing, and contiguous from 0 up to the end offset.
              const ends = yield* log.endOffsets(topic)
              expect(total(ends)).toBe(expected)
              Object.values(byPartition(records)).forEach((rs) => {
                const offsets = rs.map((r) => r.offset)
                expect(offsets).toStrictEqual(Arr.makeBy(offsets.length, (i) => i))
                expect(ends.find((e) => e.partition === rs[0].partition)?.offset).toBe(offsets.length)
              })
              // Per key: one partition, publish order.
              Object.entries(byKey(records)).forEach(([key, rs]) => {
                expect(new Set(rs.map((r) => r.partition)).size).toBe(1)
                expect(rs.map(text)).toStrictEqual(Arr.makeBy(6, (i) => `${key}:${i}`))
              })
              // Batches hold one partition each, in offset order.
              ;(yield* Ref.get(rec.batches)).forEach((b) =>
                b.records.forEach((r) => expect(r.partition).toBe(b.partition))
              )
              const events = yield* Ref.get(rec.events)
              expect(events.filter((e) => e === "stop")).toHaveLength(1)
              expect(events.at(-1)).toBe("stop")
              expect(events.findIndex((e) => e.startsWith("assigned"))).toBeLessThan(
                events.findIndex((e) => e.startsWith("batch"))
              )
            }),
          timeout
        )

        it.effect(
          "committed offsets persist: the next member of the group resumes after the commit and gets the uncommitted tail again",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("resume")
              const group = unique("group")
              yield* log.ensureTopic(topic, 2)
              yield* log.publish(
                topic,
                Arr.makeBy(30, (i) => record(`k${i % 10}`, `v${i}`))
              )
              const first = yield* makeRecorder
              // Commit only half of what was read, per partition, when leaving.
              const half = (records: ReadonlyArray<LogRecord>) =>
                nextOffsets(records).map((p) => ({ partition: p.partition, offset: Math.floor(p.offset / 2) }))
              yield* log.consume(
                consumeOptions(topic, group, { stopWhenIdle: Effect.succeed(true) }),
                recording(first, { onStop: (commit) => Effect.flatMap(first.records, (rs) => commit(half(rs))) })
              )
              const firstRecords = yield* first.records
              expect(firstRecords).toHaveLength(30)
              const halves = half(firstRecords)
              const committed = yield* log.committedOffsets(topic, group)
              halves.forEach((h) => expect(committed.find((c) => c.partition === h.partition)?.offset).toBe(h.offset))

              const second = yield* makeRecorder
              yield* log.consume(
                consumeOptions(topic, group, { stopWhenIdle: Effect.succeed(true) }),
                recording(second, {
                  onStop: (commit) => Effect.flatMap(second.records, (rs) => commit(nextOffsets(rs)))
                })
              )
              const secondRecords = yield* second.records
              const tail = firstRecords.filter(
                (r) => r.offset >= (halves.find((h) => h.partition === r.partition)?.offset ?? 0)
              )
              expect(secondRecords.map(text).sort()).toStrictEqual(tail.map(text).sort())
              expect(yield* log.committedOffsets(topic, group)).toStrictEqual(yield* log.endOffsets(topic))
            }),
          timeout
        )

        it.effect(
          "two members of one group split the partitions and, committing as they go, read every record exactly once",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("split")
              const group = unique("group")
              const partitions = 4
              yield* log.ensureTopic(topic, partitions)
              const a = yield* makeRecorder
              const b = yield* makeRecorder
              const count = 120
              const seen = Effect.map(Effect.all([a.records, b.records]), ([x, y]) => x.length + y.length)
              const allSeen = Effect.map(seen, (n) => n >= count)
              const member = (rec: Recorder) =>
                log.consume(
                  consumeOptions(topic, group, { stopWhenIdle: allSeen, idleExit: Option.some(Duration.seconds(45)) }),
                  recording(rec, { commitEach: true })
                )
              const fa = yield* Effect.fork(member(a))
              const fb = yield* Effect.fork(member(b))
              // Publish once the group has settled: both members own a share, together all partitions.
              yield* eventually(
                Effect.map(
                  Effect.all([Ref.get(a.assigned), Ref.get(b.assigned)]),
                  ([x, y]) =>
                    x.length > 0 &&
                    y.length > 0 &&
                    Arr.intersection(x, y).length === 0 &&
                    x.length + y.length === partitions
                )
              )
              yield* log.publish(
                topic,
                Arr.makeBy(count, (i) => record(`drone-${i % 40}`, `r${i}`))
              )
              yield* Fiber.join(fa)
              yield* Fiber.join(fb)
              const [ra, rb] = [yield* a.records, yield* b.records]
              expect(ra.length).toBeGreaterThan(0)
              expect(rb.length).toBeGreaterThan(0)
              expect([...ra, ...rb].map(text).sort()).toStrictEqual(Arr.makeBy(count, (i) => `r${i}`).sort())
              expect(
                Arr.intersection([...new Set(ra.map((r) => r.partition))], [...new Set(rb.map((r) => r.partition))])
              ).toStrictEqual([])
              expect(yield* Ref.get(a.overlapped)).toBe(false)
              expect(yield* Ref.get(b.overlapped)).toBe(false)
              expect(yield* log.committedOffsets(topic, group)).toStrictEqual(yield* log.endOffsets(topic))
            }),
          timeout
        )

        it.effect(
          "a partition that moves to another member goes on from the group's commit: nothing before it is handed over again (platformatic/kafka#223)",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("move")
              const group = unique("group")
              const partitions = 4
              yield* log.ensureTopic(topic, partitions)
              const a = yield* makeRecorder
              const b = yield* makeRecorder
              const [first, second] = [80, 40]
              const seen = Effect.map(Effect.all([a.records, b.records]), ([x, y]) => x.length + y.length)
              const member = (rec: Recorder, stopWhenIdle: Effect.Effect<boolean>) =>
                log.consume(
                  consumeOptions(topic, group, { stopWhenIdle, idleExit: Option.some(Duration.seconds(45)) }),
                  recording(rec, { commitEach: true })
                )
              const fa = yield* Effect.fork(
                member(
                  a,
                  Effect.map(seen, (n) => n >= first + second)
                )
              )
              const fb = yield* Effect.fork(member(b, Effect.succeed(false)))
              yield* eventually(
                Effect.map(
                  Effect.all([Ref.get(a.assigned), Ref.get(b.assigned)]),
                  ([x, y]) => x.length > 0 && y.length > 0 && x.length + y.length === partitions
                )
              )
              yield* log.publish(
                topic,
                Arr.makeBy(first, (i) => record(`drone-${i % 40}`, `r${i}`))
              )
              yield* eventually(Effect.map(seen, (n) => n >= first))
              const bPartitions = yield* Ref.get(b.assigned)
              // b leaves having committed all it read; a takes its partitions over, which it never had before.
              yield* Fiber.interrupt(fb)
              yield* eventually(Effect.map(Ref.get(a.assigned), (x) => x.length === partitions))
              const committedByB = (yield* log.committedOffsets(topic, group)).filter((c) =>
                bPartitions.includes(c.partition)
              )
              yield* log.publish(
                topic,
                Arr.makeBy(second, (i) => record(`drone-${i % 40}`, `r${first + i}`))
              )
              yield* Fiber.join(fa)
              const [ra, rb] = [yield* a.records, yield* b.records]
              // What a read of b's partitions starts at b's commit.
              committedByB.forEach((c) =>
                ra
                  .filter((r) => r.partition === c.partition)
                  .forEach((r) => expect(r.offset).toBeGreaterThanOrEqual(c.offset))
              )
              expect([...ra, ...rb].map(text).sort()).toStrictEqual(Arr.makeBy(first + second, (i) => `r${i}`).sort())
              expect(yield* Ref.get(a.overlapped)).toBe(false)
              expect(yield* log.committedOffsets(topic, group)).toStrictEqual(yield* log.endOffsets(topic))
            }),
          timeout
        )

        it.effect(
          "a member joining while records flow: with a commit per batch, the group hands every record over once",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("join")
              const group = unique("group")
              const partitions = 4
              const size = 10
              yield* log.ensureTopic(topic, partitions)
              const a = yield* makeRecorder
              const b = yield* makeRecorder
              const published = yield* Ref.make(0)
              const done = yield* Ref.make(false)
              const distinct = Effect.map(
                Effect.all([a.records, b.records]),
                ([x, y]) => new Set([...x, ...y].map(text)).size
              )
              const member = (rec: Recorder) =>
                log.consume(
                  consumeOptions(topic, group, {
                    stopWhenIdle: Effect.flatMap(Ref.get(done), (d) =>
                      d
                        ? Effect.flatMap(Ref.get(published), (n) => Effect.map(distinct, (m) => m >= n))
                        : Effect.succeed(false)
                    ),
                    idleExit: Option.some(Duration.seconds(45))
                  }),
                  recording(rec, { commitEach: true })
                )
              const burst = Effect.gen(function* () {
                const from = yield* Ref.get(published)
                yield* log.publish(
                  topic,
                  Arr.makeBy(size, (i) => record(`drone-${(from + i) % 40}`, `r${from + i}`))
                )
                yield* Ref.set(published, from + size)
                yield* Effect.sleep(Duration.millis(25))
              })
              const fa = yield* Effect.fork(member(a))
              yield* eventually(Effect.map(Ref.get(a.assigned), (x) => x.length === partitions))
              yield* Effect.repeatN(burst, 9)
              // b joins while records keep coming, until it holds a share and a little after: a rebalance under flow.
              const fb = yield* Effect.fork(member(b))
              yield* Effect.repeat(burst, { until: () => Effect.runSync(Ref.get(b.assigned)).length > 0 })
              yield* Effect.repeatN(burst, 9)
              yield* Ref.set(done, true)
              yield* Fiber.join(fa)
              yield* Fiber.join(fb)
              const all = [...(yield* a.records), ...(yield* b.records)].map(text)
              const count = yield* Ref.get(published)
              // Every batch in offset order (a batch holding a re-fetch would go back), and nothing handed over twice.
              const batches = [...(yield* Ref.get(a.batches)), ...(yield* Ref.get(b.batches))]
              batches.forEach((bt) =>
                bt.records.forEach((r, i) => expect(r.offset).toBeGreaterThan(bt.records[i - 1]?.offset ?? -1))
              )
              expect(all.length - new Set(all).size).toBe(0)
              expect([...all].sort()).toStrictEqual(Arr.makeBy(count, (i) => `r${i}`).sort())
            }),
          timeout
        )

        it.effect(
          "idleExit ends consume after onStop ran once, also on an empty topic; onIdle runs while nothing arrives",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("idle")
              yield* log.ensureTopic(topic, 2)
              yield* log.publish(
                topic,
                Arr.makeBy(5, (i) => record(`k${i}`, `v${i}`))
              )
              const rec = yield* makeRecorder
              yield* log.consume(
                consumeOptions(topic, unique("group"), { idleExit: Option.some(Duration.seconds(2)) }),
                recording(rec)
              )
              expect((yield* rec.records).map(text).sort()).toStrictEqual(["v0", "v1", "v2", "v3", "v4"])
              const events = yield* Ref.get(rec.events)
              expect(events.filter((e) => e === "stop")).toHaveLength(1)
              expect(events.at(-1)).toBe("stop")
              expect(events).toContain("idle")

              const empty = unique("empty")
              yield* log.ensureTopic(empty, 1)
              const none = yield* makeRecorder
              yield* log.consume(
                consumeOptions(empty, unique("group"), { idleExit: Option.some(Duration.millis(500)) }),
                recording(none)
              )
              expect(yield* none.records).toHaveLength(0)
              expect((yield* Ref.get(none.events)).filter((e) => e === "stop")).toHaveLength(1)
            }),
          timeout
        )

        it.effect(
          "stopWhenIdle: consume keeps reading while the producer runs and leaves once it is done and everything was read",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("producer")
              yield* log.ensureTopic(topic, 3)
              const done = yield* Ref.make(false)
              const producer = yield* Effect.fork(
                Effect.zipRight(
                  Effect.forEach(
                    [0, 1, 2],
                    (round) =>
                      Effect.zipRight(
                        Effect.sleep(Duration.millis(300)),
                        log.publish(
                          topic,
                          Arr.makeBy(5, (i) => record(`k${i}`, `r${round}-${i}`))
                        )
                      ),
                    { discard: true }
                  ),
                  Ref.set(done, true)
                )
              )
              const rec = yield* makeRecorder
              yield* log.consume(
                consumeOptions(topic, unique("group"), {
                  stopWhenIdle: Ref.get(done),
                  idleExit: Option.some(Duration.seconds(30))
                }),
                recording(rec)
              )
              yield* Fiber.join(producer)
              expect(yield* rec.records).toHaveLength(15)
              expect((yield* Ref.get(rec.events)).filter((e) => e === "stop")).toHaveLength(1)
            }),
          timeout
        )

        it.effect(
          "interrupting consume runs onStop once, and its commit is kept",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("interrupt")
              const group = unique("group")
              yield* log.ensureTopic(topic, 2)
              yield* log.publish(
                topic,
                Arr.makeBy(10, (i) => record(`k${i}`, `v${i}`))
              )
              const rec = yield* makeRecorder
              const all = yield* Deferred.make<void>()
              const fiber = yield* Effect.fork(
                log.consume(
                  consumeOptions(topic, group),
                  recording(rec, {
                    onBatch: () =>
                      Effect.flatMap(rec.records, (rs) =>
                        rs.length >= 10 ? Deferred.succeed(all, undefined) : Effect.void
                      ),
                    onStop: (commit) => Effect.flatMap(rec.records, (rs) => commit(nextOffsets(rs)))
                  })
                )
              )
              yield* Deferred.await(all)
              yield* Fiber.interrupt(fiber)
              const events = yield* Ref.get(rec.events)
              expect(events.filter((e) => e === "stop")).toHaveLength(1)
              expect(events.at(-1)).toBe("stop")
              expect(total(yield* log.committedOffsets(topic, group))).toBe(10)
            }),
          timeout
        )

        it.effect(
          "keys, headers and binary values round-trip; a record without headers has none",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("bytes")
              yield* log.ensureTopic(topic, 1)
              const binary = Uint8Array.from(Arr.makeBy(256, (i) => i))
              const invalidUtf8 = Uint8Array.from([0xff, 0xfe, 0x00, 0xc3, 0x28])
              const sent = [
                record("drône-1", binary, {
                  error: "telemetry.batteryPct: expected a number in [0, 100]",
                  "x-unicode": "✓ ü 漢"
                }),
                record("drône-1", "héllo ✓"),
                record("", invalidUtf8, { empty: "" }),
                record("k", new Uint8Array(0))
              ]
              const before = Date.now()
              yield* log.publish(topic, sent)
              const after = Date.now()
              const rec = yield* makeRecorder
              yield* log.consume(
                consumeOptions(topic, unique("group"), {
                  stopWhenIdle: Effect.succeed(true),
                  idleExit: Option.some(Duration.seconds(30))
                }),
                recording(rec)
              )
              const got = yield* rec.records
              expect(got).toHaveLength(sent.length)
              got.forEach((r, i) => {
                const s = sent[i]!
                expect(Option.getOrUndefined(r.key)).toBe(s.key)
                expect(Array.from(r.value)).toStrictEqual(
                  Array.from(typeof s.value === "string" ? encoder.encode(s.value) : s.value)
                )
                expect({ ...r.headers }).toStrictEqual(s.headers ?? {})
                expect(r.timestamp).toBeGreaterThanOrEqual(before - 60_000)
                expect(r.timestamp).toBeLessThanOrEqual(after + 60_000)
              })
            }),
          timeout
        )

        it.effect(
          "a failing handler fails consume with its error, commits nothing, and leaves the group for the next member",
          () =>
            Effect.gen(function* () {
              const log = yield* MessageLog
              const topic = unique("failure")
              const group = unique("group")
              yield* log.ensureTopic(topic, 2)
              yield* log.publish(
                topic,
                Arr.makeBy(6, (i) => record(`k${i}`, `v${i}`))
              )
              const rec = yield* makeRecorder
              const error = yield* log
                .consume(
                  consumeOptions(topic, group),
                  recording(rec, { onBatch: () => new Boom({ reason: "bad batch" }) })
                )
                .pipe(Effect.flip, Effect.timeout("30 seconds"))
              expect(error).toStrictEqual(new Boom({ reason: "bad batch" }))
              expect(total(yield* log.committedOffsets(topic, group))).toBe(0)

              const next = yield* makeRecorder
              yield* log.consume(
                consumeOptions(topic, group, {
                  stopWhenIdle: Effect.succeed(true),
                  idleExit: Option.some(Duration.seconds(30))
                }),
                recording(next)
              )
              expect((yield* next.records).map(text).sort()).toStrictEqual(Arr.makeBy(6, (i) => `v${i}`))
            }),
          timeout
        )
      })
    }
  )
  return runPrefix
}
