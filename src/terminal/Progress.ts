import { Chunk, type Duration, Effect, Fiber, Ref, Stream } from "effect"
import { isTerminal, stderrLine } from "./Stderr.js"

/** A running counter, readable by a progress line while the work goes on. */
export type Counter = Ref.Ref<number>

export const makeCounter: Effect.Effect<Counter> = Ref.make(0)

/** Count the elements of a stream into `counter`, chunk by chunk. */
export const countInto =
  (counter: Counter) =>
  <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
    Stream.mapChunksEffect(self, (chunk) =>
      Effect.as(
        Ref.update(counter, (n) => n + Chunk.size(chunk)),
        chunk
      )
    )

/** Write one progress line to stderr: replacing the previous one on a terminal, as a JSON line otherwise. */
export const writeProgress = (line: string): Effect.Effect<void> =>
  Effect.sync(() => {
    process.stderr.write(isTerminal() ? `\r\x1b[2K${line}` : stderrLine("INFO", line))
  })

/**
 * Run `self` while a progress line made by `render` (from elapsed seconds) is refreshed every
 * `every` on stderr; when stderr is not a terminal, print only every `quietEvery` (or never).
 */
export const withProgress = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  render: (elapsedSeconds: number) => Effect.Effect<string>,
  options: {
    readonly every?: Duration.DurationInput
    readonly quietEvery?: Duration.DurationInput
    readonly enabled?: boolean
  } = {}
): Effect.Effect<A, E, R> => {
  const enabled = options.enabled ?? true
  const period = isTerminal() ? (options.every ?? "500 millis") : options.quietEvery
  if (!enabled || period === undefined) return self
  const started = Date.now()
  const tick = Effect.suspend(() => render((Date.now() - started) / 1000)).pipe(Effect.flatMap(writeProgress))
  const newline = Effect.when(
    Effect.sync(() => process.stderr.write("\n")),
    isTerminal
  )
  return Effect.acquireUseRelease(
    Effect.fork(Effect.interruptible(Effect.forever(Effect.delay(tick, period)))),
    () => self,
    (ticker) => Fiber.interrupt(ticker).pipe(Effect.zipRight(tick), Effect.zipRight(newline))
  )
}

/** `n` rounded, with thousands separators (as `toLocaleString("en-US")`, without loading ICU's locale data: ~30 ms at start-up). */
export const fmt = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",")

/** `n / seconds` as a rate. */
export const rate = (n: number, seconds: number): string => `${fmt(seconds > 0 ? n / seconds : 0)}/s`
