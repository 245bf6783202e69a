// Spans over OTLP: with OTEL_EXPORTER_OTLP_ENDPOINT set, a run's named operations reach the collector
// (here a local HTTP server standing in for one); without it, nothing is sent.
import { mkdtempSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { runCli } from "../support/RunCli.js"

interface Received {
  readonly path: string
  readonly body: string
}

const collector = async () => {
  const received: Array<Received> = []
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") })
      res.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const spanNames = (received: ReadonlyArray<Received>): ReadonlySet<string> =>
  new Set(
    received
      .filter((r) => r.path === "/v1/traces")
      .flatMap((r) => JSON.parse(r.body).resourceSpans)
      .flatMap((rs: { scopeSpans: Array<{ spans: Array<{ name: string }> }> }) =>
        rs.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))
      )
  )

describe("tracing over OTLP", () => {
  it("exports the components' spans to OTEL_EXPORTER_OTLP_ENDPOINT, named as the operations, under the service name", async () => {
    const otlp = await collector()
    try {
      const data = join(mkdtempSync(join(tmpdir(), "peacestate-otlp-")), "data")
      const result = await runCli(["demo", "--count", "3000", "--data-dir", data, "--workers", "0", "--json"], {
        OTEL_EXPORTER_OTLP_ENDPOINT: `${otlp.url}/`,
        OTEL_SERVICE_NAME: "peacestate-test"
      })
      expect(result.code, result.stderr).toBe(0)
      const names = spanNames(otlp.received)
      expect([...names]).toEqual(expect.arrayContaining(["Alerter.batch", "Archiver.write", "Archiver.flush"]))
      expect(otlp.received.find((r) => r.path === "/v1/traces")?.body).toContain('"peacestate-test"')
    } finally {
      await otlp.close()
    }
  }, 180_000)

  it("sends nothing without an endpoint", async () => {
    const otlp = await collector()
    try {
      const data = join(mkdtempSync(join(tmpdir(), "peacestate-otlp-")), "data")
      const result = await runCli(["demo", "--count", "500", "--data-dir", data, "--workers", "0", "--json"], {
        OTEL_EXPORTER_OTLP_ENDPOINT: ""
      })
      expect(result.code, result.stderr).toBe(0)
      expect(otlp.received).toHaveLength(0)
    } finally {
      await otlp.close()
    }
  }, 180_000)
})
