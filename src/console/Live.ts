import { type Duration, Effect, Option, PubSub, Ref, Stream } from "effect"
import { type Change, ConsoleStore, type ConsoleStoreError } from "../ports/ConsoleStore.js"

// New alerts and acknowledgements, live, for every open page: one poller per console instance reads the
// store's changes in order (so every instance on one PostgreSQL sees every change, whoever stored it) and
// publishes them in batches that say which changes they cover. A page whose subscription fell behind (the
// hub keeps a bounded number of batches) or that reconnects with Last-Event-ID reads the gap from the store:
// nothing is skipped, nothing sent twice.

/** Changes `(from, to]`, in order. */
export interface LiveBatch {
  readonly from: number
  readonly to: number
  readonly changes: ReadonlyArray<Change>
}

/** The SSE id of a change, and back. */
export const eventId = (change: number): string => String(change)
export const parseEventId = (id: string): Option.Option<number> =>
  /^[0-9]{1,15}$/.test(id.trim()) ? Option.some(Number(id.trim())) : Option.none()

export interface LiveSettings {
  /** How often the poller asks the store for changes when the last ask found none. */
  readonly pollEvery: Duration.DurationInput
  /** Changes read per ask. */
  readonly batchSize: number
  /** A reader further behind than this many changes starts again from now (told by a `None`: reload). */
  readonly maxReplay: number
}

export const DefaultLiveSettings: LiveSettings = { pollEvery: "200 millis", batchSize: 1000, maxReplay: 20_000 }

export interface Live {
  /** The last change published. */
  readonly position: Effect.Effect<number>
  /** Changes after `from`, live, for as long as the stream is read. A `None` element: the gap was too large, reload. */
  readonly events: (from: number) => Stream.Stream<Option.Option<Change>, ConsoleStoreError>
}

/** What a reader at `reader` takes of a batch that starts at or before it: the changes after it. */
export const after = (reader: number, batch: LiveBatch): ReadonlyArray<Change> =>
  batch.from >= reader ? batch.changes : batch.changes.filter((c) => c.change > reader)

/** The hub: polls the store for the life of the scope, publishes batches to subscribers. */
export const make = (settings: LiveSettings = DefaultLiveSettings) =>
  Effect.gen(function* () {
    const store = yield* ConsoleStore
    const at = yield* Ref.make(yield* store.lastChange)
    const hub = yield* PubSub.sliding<LiveBatch>(256)

    const pollOnce = Effect.gen(function* () {
      const from = yield* Ref.get(at)
      const changes = yield* store.changesAfter(from, settings.batchSize)
      const to = changes.at(-1)?.change ?? from
      if (changes.length === 0) return false
      yield* Ref.set(at, to)
      yield* PubSub.publish(hub, { from, to, changes })
      return changes.length === settings.batchSize
    })
    // A failing store is logged and retried at the next tick: pages stay connected and catch up after it.
    const poller = pollOnce.pipe(
      Effect.catchAll((e) => Effect.as(Effect.logWarning(`console live updates: ${e.message}`), false)),
      Effect.flatMap((more) => (more ? Effect.void : Effect.sleep(settings.pollEvery))),
      Effect.forever
    )
    yield* Effect.forkScoped(poller)

    type Step = readonly [number, ReadonlyArray<Option.Option<Change>>]

    // The changes in (from, until] read from the store, or (more than maxReplay) one None and a jump to `until`.
    const replay = (from: number, until: number): Effect.Effect<Step, ConsoleStoreError> =>
      Effect.iterate(
        { to: from, changes: [] as ReadonlyArray<Change>, done: from >= until },
        {
          while: (s) => !s.done && s.changes.length <= settings.maxReplay,
          body: (s) =>
            Effect.map(store.changesAfter(s.to, settings.batchSize), (read) => {
              const kept = read.filter((c) => c.change <= until)
              const to = kept.at(-1)?.change ?? s.to
              return { to, changes: [...s.changes, ...kept], done: read.length < settings.batchSize || to >= until }
            })
        }
      ).pipe(
        Effect.map((s): Step =>
          s.changes.length > settings.maxReplay ? [until, [Option.none()]] : [s.to, s.changes.map(Option.some)]
        )
      )

    // A batch that follows on or overlaps gives what is new to the reader; after a gap, the store fills it.
    const follow = (reader: number, batch: LiveBatch): Effect.Effect<Step, ConsoleStoreError> =>
      batch.to <= reader
        ? Effect.succeed([reader, []])
        : batch.from <= reader
          ? Effect.succeed([batch.to, after(reader, batch).map(Option.some)])
          : replay(reader, batch.to)

    const events = (from: number) =>
      Stream.unwrapScoped(
        Effect.gen(function* () {
          const subscription = yield* PubSub.subscribe(hub)
          const now = yield* Ref.get(at)
          const [reader, first] = now > from ? yield* replay(from, now) : ([from, []] as Step)
          return Stream.concat(
            Stream.fromIterable(first),
            Stream.fromQueue(subscription).pipe(
              Stream.mapAccumEffect(reader, follow),
              Stream.flatMap((events) => Stream.fromIterable(events))
            )
          )
        })
      )

    return { position: Ref.get(at), events } satisfies Live
  })
