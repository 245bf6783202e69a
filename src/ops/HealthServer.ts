import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Array as Arr, Config, ConfigError, Effect, Either, Layer, Metric, MetricState, Option } from "effect"
import { createServer } from "node:http"
import { parseInteger } from "../config/Parse.js"
import { ReadyName } from "./Metrics.js"
import * as Prometheus from "./Prometheus.js"

/** Ready: at least one consumer, and every consumer of the process holds partitions and is not stopping. */
export const isReady: Effect.Effect<boolean> = Effect.map(Metric.snapshot, (pairs) => {
  const states = Arr.filterMap(pairs, (p) =>
    p.metricKey.name === ReadyName && MetricState.isGaugeState(p.metricState)
      ? Option.some(Number(p.metricState.value))
      : Option.none()
  )
  return states.length > 0 && states.every((v) => v === 1)
})

const routes = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/metrics",
    Effect.map(Prometheus.scrape, (body) => HttpServerResponse.text(body, { contentType: Prometheus.ContentType }))
  ),
  HttpRouter.get("/healthz", HttpServerResponse.text("ok\n")),
  HttpRouter.get(
    "/readyz",
    Effect.map(isReady, (ok) => HttpServerResponse.text(ok ? "ready\n" : "not ready\n", { status: ok ? 200 : 503 }))
  )
)

/**
 * `GET /metrics` (Prometheus text), `/healthz` and `/readyz` on `port` for the life of the scope, bound to
 * `host`; nothing at all without a port. Port 0 picks a free one. Returns the base URL it listens on.
 */
export const serve = Effect.fn("HealthServer.serve")(function* (port: Option.Option<number>, host: string) {
  if (Option.isNone(port)) return Option.none<string>()
  const server = yield* NodeHttpServer.make(() => createServer(), { port: port.value, host })
  yield* server.serve(routes)
  const base = HttpServer.formatAddress(server.address)
  yield* Effect.logInfo(`metrics on ${base}/metrics`)
  return Option.some(base)
})

// An empty METRICS_PORT is unset, as in a compose file's `METRICS_PORT: ""`.
export const MetricsPortConfig: Config.Config<Option.Option<number>> = Config.string("METRICS_PORT").pipe(
  Config.withDefault(""),
  Config.mapOrFail((s) =>
    s.trim() === ""
      ? Either.right(Option.none())
      : Either.match(parseInteger("METRICS_PORT", { min: 0, max: 65535 })(s), {
          onLeft: (message) => Either.left(ConfigError.InvalidData([], message)),
          onRight: (n) => Either.right(Option.some(n))
        })
  )
)

export const MetricsHostConfig = Config.withDefault(Config.string("METRICS_HOST"), "127.0.0.1")

/** The health and metrics server as a layer: on `METRICS_PORT` (off when unset), bound to `METRICS_HOST` (default 127.0.0.1). */
export const HealthServerLive: Layer.Layer<never, ConfigError.ConfigError> = Layer.scopedDiscard(
  Effect.gen(function* () {
    const port = yield* MetricsPortConfig
    const host = yield* MetricsHostConfig
    yield* serve(port, host).pipe(Effect.orDie)
  })
)
