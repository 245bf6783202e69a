import { Array as Arr, Config, type ConfigError, Data, Deferred, Duration, Effect, Exit, Layer, Option, Order, Predicate, Ref, Runtime, Schedule } from "effect"
import kafkajs, { type Admin, type ConsumerConfig, type EachBatchPayload, type IHeaders, Kafka, type KafkaMessage, type logCreator, logLevel, type Message, Partitioners, type Producer } from "kafkajs"
import { type Batch, type ConsumeOptions, type ConsumerHandler, type LogRecord, LogError, MessageLog, type OutgoingRecord, type PartitionOffset } from "../ports/MessageLog.js"

/** Group-membership and fetch settings; the defaults suit production, tests lower the timeouts. */
export interface KafkaTuning {
  readonly clientId: string
  readonly sessionTimeout: number
  readonly rebalanceTimeout: number
  readonly heartbeatInterval: number
  /** kafkajs retries of one operation (connect, fetch loop, commit) before `consume` fails. */
  readonly retries: number
  readonly maxWaitTimeInMs: number
  readonly maxBytesPerPartition: number
  readonly maxBytes: number
}

export const defaultTuning: KafkaTuning = {
  clientId: "peacestate",
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  retries: 8,
  maxWaitTimeInMs: 100,
  maxBytesPerPartition: 4 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024
}

// A record batch per partition must stay under the broker's message.max.bytes (1 MiB by default).
/** A commit of partitions this member no longer holds (the cause of a LogError). */
class NotAssignedError extends Data.TaggedError("NotAssignedError")<{
  readonly topic: string
  readonly partitions: ReadonlyArray<number>
}> {
  override get message(): string {
    return `partitions ${this.partitions.join(",")} of ${this.topic} are not assigned to this member (rebalanced)`
  }
}

const MaxSendBytes = 900_000
const RecordOverhead = 64
const Tick = 100

const emptyBytes = new Uint8Array(0)
const byPartition = Order.mapInput(Order.number, (p: { readonly partition: number }) => p.partition)
const noHeaders: Readonly<Record<string, string>> = Object.freeze({})
// Marks the error we hand kafkajs when our handler failed: that failure is `consume`'s, not kafkajs' to report.
const HandlerFailed = "peacestate consumer handler failed"

const fail = (operation: string) => (cause: unknown) => new LogError({ operation, cause })
const attempt = <A>(operation: string, f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: fail(operation) })

const retriable = (e: LogError) => Predicate.hasProperty(e.cause, "retriable") && e.cause.retriable === true
/** Admin calls that kafkajs does not retry itself (e.g. offset fetches while the coordinator is loading). */
const attemptRetrying = <A>(operation: string, f: () => Promise<A>) =>
  Effect.retry(attempt(operation, f), { while: retriable, schedule: Schedule.intersect(Schedule.exponential(Duration.millis(100)), Schedule.recurs(8)) })

// kafkajs INFO is chatty (every join, every stop): debug here.
const levels = new Map([
  [logLevel.ERROR, Effect.logError],
  [logLevel.WARN, Effect.logWarning],
  [logLevel.INFO, Effect.logDebug]
])

const kafkaLevel = (level: logLevel, namespace: string, message: string) => {
  // Connection logs every error response (topic exists, group rebalancing, coordinator loading) at ERROR, though
  // kafkajs retries them or the operation fails with them and that surfaces as a LogError: debug noise here.
  if (namespace === "Connection" || message.includes(HandlerFailed) || message.startsWith("Limiting retries")) return Effect.logDebug
  if (message.includes("is rebalancing")) return Effect.logInfo
  return levels.get(level) ?? Effect.logTrace
}

/** kafkajs logs through the Effect logger of the layer; only the message and error text, never the config. */
const logCreatorOf =
  (runtime: Runtime.Runtime<never>): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const message = String(log.message)
    const error = log.error === undefined ? "" : `: ${String(log.error)}`
    Runtime.runFork(runtime)(kafkaLevel(level, namespace, message)(`kafkajs ${namespace}: ${message}${error}`))
  }

const headerText = (v: Buffer | string): string => (typeof v === "string" ? v : v.toString("utf8"))

const headersOf = (headers: IHeaders | undefined): Readonly<Record<string, string>> => {
  const entries = headers === undefined ? [] : Object.entries(headers)
  return entries.length === 0
    ? noHeaders
    : Object.fromEntries(
        Arr.flatMap(entries, ([k, v]) =>
          v === undefined ? [] : Array.isArray(v) ? Option.match(Arr.last(v), { onNone: () => [], onSome: (last) => [[k, headerText(last)] as const] }) : [[k, headerText(v)] as const]
        )
      )
}

const toRecord =
  (topic: string, partition: number) =>
  (m: KafkaMessage): LogRecord => ({
    topic,
    partition,
    offset: Number(m.offset),
    key: Option.map(Option.fromNullable(m.key), (k) => k.toString("utf8")),
    value: m.value ?? emptyBytes,
    headers: headersOf(m.headers),
    timestamp: Number(m.timestamp)
  })

const toMessage = (r: OutgoingRecord): Message => ({
  key: r.key,
  value: typeof r.value === "string" ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
  ...(r.headers === undefined ? {} : { headers: { ...r.headers } })
})

const sizeOf = (r: OutgoingRecord) =>
  RecordOverhead + r.key.length * 3 + (typeof r.value === "string" ? Buffer.byteLength(r.value) : r.value.byteLength) +
  (r.headers === undefined ? 0 : Arr.reduce(Object.entries(r.headers), 0, (n, [k, v]) => n + k.length + v.length * 3))

/** Split into sends whose record batches stay under the broker's size limit (one send when small). */
const chunksOf = (records: ReadonlyArray<OutgoingRecord>): ReadonlyArray<Array<Message>> =>
  Arr.reduce(records, { chunks: Arr.empty<Array<Message>>(), size: MaxSendBytes }, (acc, r) => {
    const size = sizeOf(r)
    // Appending in place keeps this linear for a million records; the arrays never leave this function.
    const current = acc.size + size > MaxSendBytes ? undefined : acc.chunks[acc.chunks.length - 1]
    if (current === undefined) {
      acc.chunks.push([toMessage(r)])
      return { chunks: acc.chunks, size }
    }
    current.push(toMessage(r))
    return { chunks: acc.chunks, size: acc.size + size }
  }).chunks

interface Member {
  /** GROUP_JOIN events seen, and the assignment of the latest one. */
  readonly joins: number
  readonly latest: ReadonlyArray<number>
  /** Member id of the latest join; a new one means the group dropped this member (e.g. stuck past the rebalance timeout). */
  readonly memberId: string
  /** The group dropped this member since the handler was last told: others may have owned "kept" partitions meanwhile. */
  readonly lostMembership: boolean
  /** The join the handler has been told about (onRevoked/onAssigned), and that assignment. */
  readonly applied: number
  readonly assigned: ReadonlyArray<number>
  /** Next offset to hand to the handler, per partition it kept since it was assigned. */
  readonly positions: ReadonlyMap<number, number>
  readonly joinedAt: Option.Option<number>
  readonly lastRecordAt: number
  readonly batches: number
  readonly stopping: boolean
}

const initialMember: Member = {
  joins: 0,
  latest: [],
  memberId: "",
  lostMembership: false,
  applied: 0,
  assigned: [],
  positions: new Map(),
  joinedAt: Option.none(),
  lastRecordAt: 0,
  batches: 0,
  stopping: false
}

interface IdleClock {
  readonly batches: number
  readonly lastIdleAt: number
  readonly done: boolean
}

const make = (brokers: ReadonlyArray<string>, tuning: KafkaTuning) =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const retry = { retries: tuning.retries, initialRetryTime: 300, maxRetryTime: 30_000 }
    const kafka = new Kafka({ brokers: [...brokers], clientId: tuning.clientId, logLevel: logLevel.INFO, logCreator: logCreatorOf(runtime), retry })

    const disconnect = (operation: string, f: () => Promise<void>) =>
      Effect.catchAll(attempt(operation, f), (e) => Effect.logWarning(e.message))

    const admin: Admin = yield* Effect.acquireRelease(
      Effect.sync(() => kafka.admin({ retry })).pipe(Effect.tap((a) => attempt("admin connect", () => a.connect()))),
      (a) => disconnect("admin disconnect", () => a.disconnect())
    )
    const producer: Producer = yield* Effect.acquireRelease(
      Effect.sync(() =>
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
          retry: { ...retry, retries: 10 }
        })
      ).pipe(Effect.tap((p) => attempt("producer connect", () => p.connect()))),
      (p) => disconnect("producer disconnect", () => p.disconnect())
    )

    const ensureTopic = Effect.fn("KafkaLog.ensureTopic")(function* (topic: string, partitions: number) {
      const cluster = yield* attemptRetrying("describe cluster", () => admin.describeCluster())
      const replicationFactor = Math.max(1, Math.min(3, cluster.brokers.length))
      // false = it already exists (also when another process won the race to create it). Right after a creation
      // (ours or a concurrent one) the metadata kafkajs waits on may not know the topic yet: UNKNOWN_TOPIC_OR_PARTITION,
      // retriable, but kafkajs gives up on it; try again (a repeated create answers "already exists").
      yield* attemptRetrying(`create topic ${topic}`, () =>
        admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: Math.max(1, partitions), replicationFactor }] })
      )
      yield* attemptRetrying(`metadata of ${topic}`, () => admin.fetchTopicMetadata({ topics: [topic] }))
    })

    const publish = Effect.fn("KafkaLog.publish")(function* (topic: string, records: ReadonlyArray<OutgoingRecord>) {
      yield* Effect.forEach(chunksOf(records), (messages) => attempt(`publish to ${topic}`, () => producer.send({ topic, messages, acks: -1 })), {
        discard: true
      })
    })

    const topicOffsets = (topic: string) =>
      Effect.map(attemptRetrying(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic)), (ps) =>
        Arr.sort(
          ps.map((p) => ({ partition: p.partition, high: Number(p.high), low: Number(p.low) })),
          byPartition
        )
      )

    const endOffsets = Effect.fn("KafkaLog.endOffsets")(function* (topic: string) {
      const ps = yield* topicOffsets(topic)
      return ps.map((p): PartitionOffset => ({ partition: p.partition, offset: p.high }))
    })

    /** Raw committed offsets: -1 where the group has none. */
    const committedRaw = (topic: string, group: string) =>
      Effect.map(attemptRetrying(`committed offsets of ${group} on ${topic}`, () => admin.fetchOffsets({ groupId: group, topics: [topic] })), (ts) =>
        Arr.sort(
          Arr.flatMap(ts, (t) => (t.topic === topic ? t.partitions.map((p): PartitionOffset => ({ partition: p.partition, offset: Number(p.offset) })) : [])),
          byPartition
        )
      )

    const committedOffsets = Effect.fn("KafkaLog.committedOffsets")(function* (topic: string, group: string) {
      const raw = yield* committedRaw(topic, group)
      return raw.map((p) => ({ partition: p.partition, offset: Math.max(0, p.offset) }))
    })

    const consume = <E, R>(
      options: ConsumeOptions,
      makeHandler: (commit: (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>) => ConsumerHandler<E, R>
    ): Effect.Effect<void, LogError | E, R> =>
      Effect.gen(function* () {
        const { topic, group } = options
        const handlerRuntime = yield* Effect.runtime<R>()
        const permit = yield* Effect.makeSemaphore(1)
        const member = yield* Ref.make(initialMember)
        const outcome = yield* Deferred.make<void, LogError | E>()
        const stopped = yield* Ref.make(false)

        // kafkajs does not retry a retriable error while joining (e.g. "The coordinator is loading" just after a broker
        // start): it crashes and asks restartOnFailure (only for retriable errors). Before the first join nothing was
        // read or handed to the handler, so restarting then is safe; it is allowed for a minute after the start.
        const startedAt = Date.now()
        const restartable = (): boolean => Effect.runSync(Ref.get(member)).joins === 0 && Date.now() - startedAt < 60_000

        const config: ConsumerConfig = {
          groupId: group,
          sessionTimeout: tuning.sessionTimeout,
          rebalanceTimeout: tuning.rebalanceTimeout,
          heartbeatInterval: tuning.heartbeatInterval,
          maxBytesPerPartition: tuning.maxBytesPerPartition,
          maxBytes: tuning.maxBytes,
          minBytes: 1,
          maxWaitTimeInMs: tuning.maxWaitTimeInMs,
          allowAutoTopicCreation: false,
          // A crash (our handler failing, or kafkajs giving up after its retries) ends `consume`: no silent restart,
          // except before the first join (see restartable).
          retry: { ...retry, restartOnFailure: () => Promise.resolve(restartable()) }
        }
        const consumer = yield* Effect.acquireRelease(
          Effect.try({ try: () => kafka.consumer(config), catch: fail(`consumer config (${group})`) }).pipe(
            Effect.tap((c) => attempt(`consumer connect (${group})`, () => c.connect()))
          ),
          (c) => Effect.zipRight(Ref.update(member, (m) => ({ ...m, stopping: true })), disconnect(`consumer disconnect (${group})`, () => c.disconnect()))
        )

        // Every handler call of this member goes through here: one at a time, and none once stopping.
        const serialized = <A, E2>(effect: Effect.Effect<A, E2, R>) =>
          permit.withPermits(1)(Effect.flatMap(Ref.get(member), (m) => (m.stopping ? Effect.succeedNone : Effect.asSome(effect))))

        const commit = (offsets: ReadonlyArray<PartitionOffset>) =>
          Effect.gen(function* () {
            if (offsets.length === 0) return
            const m = yield* Ref.get(member)
            // Refused until the handler has been told of the latest join: what it holds may predate it (e.g. buffers of
            // partitions that were another member's meanwhile), and the archiver's commit before a put is its fence.
            const foreign = m.applied === m.joins ? offsets.filter((o) => !m.latest.includes(o.partition)) : offsets
            if (foreign.length > 0) {
              return yield* new LogError({
                operation: "commit",
                cause: new NotAssignedError({ topic, partitions: foreign.map((o) => o.partition) })
              })
            }
            yield* attempt(`commit (${group})`, () => consumer.commitOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: String(o.offset) }))))
          })
        const handler = makeHandler(commit)

        // kafkajs only reports an assignment after the fact (GROUP_JOIN); tell the handler before anything else.
        const syncAssignment = Effect.gen(function* () {
          const m = yield* Ref.get(member)
          if (m.applied === m.joins) return
          // After the group dropped this member, every partition it held may have moved and come back: all are
          // revoked and assigned afresh, and kafkajs' fetch from the committed offsets is handed over in full.
          const revoked = m.lostMembership ? m.assigned : Arr.difference(m.assigned, m.latest)
          const gained = m.lostMembership ? m.latest : Arr.difference(m.latest, m.assigned)
          yield* Ref.set(member, {
            ...m,
            applied: m.joins,
            assigned: m.latest,
            lostMembership: false,
            positions: m.lostMembership ? new Map() : new Map(Arr.filter(Arr.fromIterable(m.positions), ([p]) => m.latest.includes(p)))
          })
          if (revoked.length > 0) yield* handler.onRevoked(revoked)
          if (gained.length > 0) yield* handler.onAssigned(gained)
        })

        const handleBatch = (batch: EachBatchPayload["batch"]) =>
          Effect.gen(function* () {
            yield* syncAssignment
            const m = yield* Ref.get(member)
            const { partition, messages } = batch
            const last = Arr.last(messages)
            if (!m.assigned.includes(partition) || Option.isNone(last)) return Option.none<string>()
            // After a rejoin kafkajs fetches a kept partition again from the committed offset: skip what we handed over already.
            const position = m.positions.get(partition)
            const fresh = position === undefined || Number(messages[0]?.offset) >= position ? messages : messages.filter((r) => Number(r.offset) >= position)
            if (fresh.length > 0) {
              const records = fresh.map(toRecord(topic, partition))
              yield* handler.onBatch({ topic, partition, records } satisfies Batch)
            }
            const next = Number(last.value.offset) + 1
            yield* Ref.update(member, (s) => ({
              ...s,
              positions: new Map(s.positions).set(partition, Math.max(next, s.positions.get(partition) ?? 0)),
              lastRecordAt: fresh.length > 0 ? Date.now() : s.lastRecordAt,
              batches: s.batches + 1
            }))
            return Option.some(last.value.offset)
          })

        const runBatch = Runtime.runPromiseExit(handlerRuntime)
        const eachBatch = (payload: EachBatchPayload): Promise<void> =>
          runBatch(Effect.map(serialized(handleBatch(payload.batch)), Option.flatten)).then((exit) => {
            if (Exit.isFailure(exit)) {
              Effect.runSync(Deferred.failCause(outcome, exit.cause))
              return Promise.reject(new kafkajs.KafkaJSNonRetriableError(HandlerFailed))
            }
            if (Option.isSome(exit.value)) payload.resolveOffset(exit.value.value)
            return payload.heartbeat()
          })

        consumer.on(consumer.events.GROUP_JOIN, (event) => {
          const now = Date.now()
          const latest = Arr.sort(event.payload.memberAssignment[topic] ?? [], Order.number)
          const memberId = event.payload.memberId
          Effect.runSync(
            Ref.update(member, (m) => ({
              ...m,
              joins: m.joins + 1,
              latest,
              memberId,
              lostMembership: m.lostMembership || (m.memberId !== "" && memberId !== m.memberId),
              joinedAt: Option.orElse(m.joinedAt, () => Option.some(now)),
              lastRecordAt: Option.isNone(m.joinedAt) ? now : m.lastRecordAt
            }))
          )
        })
        consumer.on(consumer.events.CRASH, (event) => {
          const error = new LogError({ operation: `consume ${topic} (${group})`, cause: event.payload.error })
          Runtime.runSync(runtime)(
            event.payload.restart
              ? Effect.logWarning(`${error.message}; not joined yet, so the consumer starts again`)
              : Deferred.fail(outcome, error)
          )
        })

        // Caught up: every assigned partition has been read up to its end offset.
        const caughtUp = Effect.gen(function* () {
          const m = yield* Ref.get(member)
          if (m.applied !== m.joins || Option.isNone(m.joinedAt)) return false
          if (m.assigned.length === 0) return true
          const ends = yield* topicOffsets(topic)
          const missing = m.assigned.some((p) => !m.positions.has(p))
          const committed = missing ? yield* committedRaw(topic, group) : []
          return m.assigned.every((p) => {
            const end = ends.find((e) => e.partition === p)
            const from = committed.find((c) => c.partition === p)?.offset ?? -1
            const position = m.positions.get(p) ?? (from >= 0 ? from : (end?.low ?? 0))
            return end !== undefined && position >= end.high
          })
        }).pipe(Effect.catchAll((e) => Effect.as(Effect.logDebug(`idle check: ${e.message}`), false)))

        const idleEvery = Duration.toMillis(options.idleEvery ?? Duration.seconds(1))
        const tick = Duration.millis(Math.max(1, Math.min(Tick, idleEvery)))
        const idleStep = (clock: IdleClock): Effect.Effect<IdleClock, E, R> =>
          Effect.gen(function* () {
            yield* serialized(syncAssignment)
            const m = yield* Ref.get(member)
            const next = { ...clock, batches: m.batches }
            if (Option.isNone(m.joinedAt) || m.batches !== clock.batches) return next
            const now = Date.now()
            if (Option.exists(options.idleExit, (d) => now - m.lastRecordAt >= Duration.toMillis(d))) return { ...next, done: true }
            if (options.stopWhenIdle !== undefined && (yield* options.stopWhenIdle) && (yield* caughtUp)) return { ...next, done: true }
            if (now - clock.lastIdleAt < idleEvery) return next
            yield* serialized(Effect.zipRight(syncAssignment, handler.onIdle))
            return { ...next, lastIdleAt: Date.now() }
          })
        const start: IdleClock = { batches: -1, lastIdleAt: Date.now(), done: false }
        const idleLoop = Effect.iterate(
          start,
          { while: (c) => !c.done, body: (c) => Effect.zipRight(Effect.sleep(tick), idleStep(c)) }
        )

        // onStop exactly once: new batches are skipped, the one in progress finishes first (the permit).
        const stop = Effect.uninterruptible(
          Effect.gen(function* () {
            if (yield* Ref.getAndSet(stopped, true)) return
            yield* Ref.update(member, (m) => ({ ...m, stopping: true }))
            yield* Effect.ignore(Effect.try(() => consumer.pause([{ topic }])))
            // The handler learns of a last rebalance first, so it does not flush partitions it lost.
            yield* permit.withPermits(1)(Effect.zipRight(syncAssignment, handler.onStop))
          })
        )

        yield* attempt(`subscribe to ${topic} (${group})`, () => consumer.subscribe({ topic, fromBeginning: true }))
        // Not interruptible: kafkajs must finish joining before it can leave cleanly.
        yield* Effect.uninterruptible(
          attempt(`consume ${topic} (${group})`, () => consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch }))
        )
        yield* Effect.forkScoped(Effect.flatMap(Effect.exit(idleLoop), (exit) => Deferred.done(outcome, Exit.asVoid(exit))))
        // Interrupted (SIGTERM): the last flush may fail (e.g. the store is down); what it held stays uncommitted and is
        // read again, but the operator must hear of it.
        yield* Deferred.await(outcome).pipe(
          Effect.onInterrupt(() =>
            Effect.catchAllCause(stop, (cause) => Effect.logError(`consumer of ${topic} (${group}) could not flush on shutdown; the uncommitted records will be read again`, cause))
          )
        )
        yield* stop
      }).pipe(Effect.scoped, Effect.withSpan("KafkaLog.consume", { attributes: { topic: options.topic, group: options.group } }))

    return MessageLog.of({ ensureTopic, publish, consume, endOffsets, committedOffsets })
  })

/** The message log on Kafka brokers, for tests and tools that pick the brokers themselves. */
export const layerWith = (brokers: ReadonlyArray<string>, tuning: Partial<KafkaTuning> = {}): Layer.Layer<MessageLog, LogError> =>
  Layer.scoped(MessageLog, make(brokers, { ...defaultTuning, ...tuning }))

const TuningConfig = Config.all({
  brokers: Config.withDefault(Config.string("KAFKA_BROKERS"), "127.0.0.1:9092"),
  clientId: Config.withDefault(Config.string("KAFKA_CLIENT_ID"), defaultTuning.clientId),
  sessionTimeout: Config.withDefault(Config.integer("KAFKA_SESSION_TIMEOUT_MS"), defaultTuning.sessionTimeout),
  rebalanceTimeout: Config.withDefault(Config.integer("KAFKA_REBALANCE_TIMEOUT_MS"), defaultTuning.rebalanceTimeout),
  heartbeatInterval: Config.withDefault(Config.integer("KAFKA_HEARTBEAT_INTERVAL_MS"), defaultTuning.heartbeatInterval)
})

/**
 * The message log on Kafka, connected on build and disconnected on release: `KAFKA_BROKERS` (comma-separated,
 * default 127.0.0.1:9092), `KAFKA_CLIENT_ID` (peacestate), and the group timeouts `KAFKA_SESSION_TIMEOUT_MS`,
 * `KAFKA_REBALANCE_TIMEOUT_MS`, `KAFKA_HEARTBEAT_INTERVAL_MS` (tests lower them for fast rebalances).
 */
export const layer: Layer.Layer<MessageLog, LogError | ConfigError.ConfigError> = Layer.scoped(
  MessageLog,
  Effect.flatMap(TuningConfig, ({ brokers, ...tuning }) =>
    make(
      brokers.split(",").map((b) => b.trim()).filter((b) => b.length > 0),
      { ...defaultTuning, ...tuning }
    )
  )
)
