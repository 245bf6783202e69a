import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Config, Effect, Option } from "effect"
import { createServer } from "node:http"
import { isReady, type Probe, render } from "./Metrics.js"

const PrometheusText = "text/plain; version=0.0.4; charset=utf-8"

const routes = (probe: Probe) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/metrics", Effect.map(render(probe), (body) => HttpServerResponse.text(body, { contentType: PrometheusText }))),
    HttpRouter.get("/healthz", HttpServerResponse.text("ok\n")),
    HttpRouter.get(
      "/readyz",
      Effect.map(isReady(probe), (ready) => HttpServerResponse.text(ready ? "ready\n" : "not ready\n", { status: ready ? 200 : 503 }))
    )
  )

/**
 * `GET /metrics` (Prometheus text), `/healthz` and `/readyz` on `port` for the life of the scope,
 * bound to `METRICS_HOST` (default 127.0.0.1); nothing at all without a port. Port 0 picks a free one.
 * Returns the base URL it listens on.
 */
export const serve = Effect.fn("HealthServer.serve")(function* (port: Option.Option<number>, probe: Probe) {
  if (Option.isNone(port)) return Option.none<string>()
  const host = yield* Config.withDefault(Config.string("METRICS_HOST"), "127.0.0.1")
  const server = yield* NodeHttpServer.make(() => createServer(), { port: port.value, host })
  yield* server.serve(routes(probe))
  const base = HttpServer.formatAddress(server.address)
  yield* Effect.logInfo(`${probe.component}: metrics on ${base}/metrics`)
  return Option.some(base)
})
