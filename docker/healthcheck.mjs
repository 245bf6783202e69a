// The image's HEALTHCHECK: GET /healthz on the component's health server (METRICS_PORT, on loopback), exit 0 when
// it answers 200 within 4 s, 1 otherwise. Without METRICS_PORT there is no server to ask: 1, so that a check left
// on where nothing serves shows as unhealthy instead of passing silently.
const port = (process.env.METRICS_PORT ?? "").trim()
if (port === "") {
  console.error("healthcheck: METRICS_PORT is not set, nothing serves /healthz")
  process.exit(1)
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) })
  process.exit(response.ok ? 0 : 1)
} catch (error) {
  console.error(`healthcheck: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
