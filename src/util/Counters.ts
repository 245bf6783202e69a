import { Effect, Ref } from "effect"

/** The running counts of a component: what the progress line, the summary and /metrics show. */
export interface Counters {
  readonly recordsIn: Ref.Ref<number>
  readonly rejected: Ref.Ref<number>
  readonly alerts: Ref.Ref<number>
  readonly archived: Ref.Ref<number>
  readonly files: Ref.Ref<number>
  readonly skipped: Ref.Ref<number>
  readonly flushMillis: Ref.Ref<number>
}

export const makeCounters: Effect.Effect<Counters> = Effect.all({
  recordsIn: Ref.make(0),
  rejected: Ref.make(0),
  alerts: Ref.make(0),
  archived: Ref.make(0),
  files: Ref.make(0),
  skipped: Ref.make(0),
  flushMillis: Ref.make(0)
})

export const add = (counter: Ref.Ref<number>, n: number): Effect.Effect<void> => (n === 0 ? Effect.void : Ref.update(counter, (x) => x + n))

export const snapshot = (c: Counters) =>
  Effect.all({
    recordsIn: Ref.get(c.recordsIn),
    rejected: Ref.get(c.rejected),
    alerts: Ref.get(c.alerts),
    archived: Ref.get(c.archived),
    files: Ref.get(c.files),
    skipped: Ref.get(c.skipped),
    flushMillis: Ref.get(c.flushMillis)
  })
