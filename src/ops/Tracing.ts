import { Config, Effect, Layer, Option } from "effect"

const trimSlash = (url: string) => url.replace(/\/+$/, "")

/** Where spans go: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` (the OTLP convention). */
export const TracesUrlConfig: Config.Config<Option.Option<string>> = Config.all([
  Config.option(Config.nonEmptyString("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")),
  Config.option(Config.nonEmptyString("OTEL_EXPORTER_OTLP_ENDPOINT"))
]).pipe(
  Config.map(([traces, base]) => Option.orElse(traces, () => Option.map(base, (b) => `${trimSlash(b)}/v1/traces`)))
)

/**
 * Spans (`Effect.fn` and `withSpan` names: Alerter.batch, Archiver.write, …) exported over OTLP/HTTP as JSON
 * when an OTLP endpoint is configured; nothing, and nothing loaded, otherwise. `OTEL_SERVICE_NAME` names the
 * service (default `peacestate`). Spans still buffered are sent when the program ends.
 */
export const TracingLive: Layer.Layer<never> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const url = yield* Effect.orElseSucceed(TracesUrlConfig, () => Option.none<string>())
    const serviceName = yield* Effect.orElseSucceed(
      Config.withDefault(Config.string("OTEL_SERVICE_NAME"), "peacestate"),
      () => "peacestate"
    )
    if (Option.isNone(url)) return Layer.empty
    const [OtlpTracer, OtlpSerialization, FetchHttpClient] = yield* Effect.promise(() =>
      Promise.all([
        import("@effect/opentelemetry/OtlpTracer"),
        import("@effect/opentelemetry/OtlpSerialization"),
        import("@effect/platform/FetchHttpClient")
      ])
    )
    yield* Effect.logDebug(`tracing: spans to ${url.value}`)
    return OtlpTracer.layer({
      url: url.value,
      resource: { serviceName, serviceVersion: "0.1.0" },
      exportInterval: "2 seconds"
    }).pipe(Layer.provide(OtlpSerialization.layerJson), Layer.provide(FetchHttpClient.layer))
  })
)
