import { Context, Effect, Fiber, type Layer, type Scope } from "effect"

/**
 * A long-running component as its layer provides it: its loop runs in the layer's scope from the moment the
 * layer is built, and `done` ends when the loop does (idle exit) or fails with the loop's error. Layer.launch
 * alone would hide both: it never returns, and a failure of a forked loop would go unseen.
 */
export interface Running<E> {
  readonly component: string
  readonly done: Effect.Effect<void, E>
}

/** Build the loop (`make` reads the component's settings and services), then fork it, tagged `component=<name>`, into the scope. */
export const start = <E1, E2, R1>(
  component: string,
  make: Effect.Effect<Effect.Effect<void, E2>, E1, R1>
): Effect.Effect<Running<E2>, E1, R1 | Scope.Scope> =>
  Effect.gen(function* () {
    const loop = yield* make
    const fiber = yield* Effect.forkScoped(loop)
    // Awaited, not joined: joining would also pass the loop's fiber refs (its metric tags) to the caller.
    return { component, done: Effect.flatten(Fiber.await(fiber)) }
  }).pipe(Effect.tagMetrics("component", component))

/** Launch a component: build its layer (with everything below it), wait for its loop, then release it all. */
export const launch = <I, S extends Running<unknown>, LE, LR>(
  tag: Context.Tag<I, S>,
  layer: Layer.Layer<I, LE, LR>
): Effect.Effect<void, Effect.Effect.Error<S["done"]> | LE, LR> =>
  Effect.flatMap(tag, (running) => running.done as Effect.Effect<void, Effect.Effect.Error<S["done"]>>).pipe(
    Effect.provide(layer)
  )

/** When present, a consumer stops at its first idle poll once this says true (the demo: once its producer is done). */
export class StopWhenIdle extends Context.Tag("peacestate/StopWhenIdle")<StopWhenIdle, Effect.Effect<boolean>>() {}
