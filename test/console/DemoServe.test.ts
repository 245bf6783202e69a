// `peacestate demo --serve`: the pipeline, then the console over the demo's alerts, signed in with the
// one-time password it prints. No services: the embedded default.
import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startCli } from "../support/Children.js"

describe("demo --serve", () => {
  it("prints the URL and a one-time officer password; the console holds every alert of the demo", async () => {
    const dir = mkdtempSync(join(tmpdir(), "peacestate-demo-serve-"))
    const proc = startCli("demo-serve", ["demo", "--count", "5000", "--data-dir", dir, "--json", "--serve", "0"], {
      PEACESTATE_SKIP_INFRA: "1"
    })
    try {
      const deadline = Date.now() + 150_000
      const line = async (): Promise<RegExpMatchArray> => {
        const m = /console: (http:\/\/[0-9.:]+) — sign in as (\w+) with the one-time password ([A-Za-z0-9_-]+)/.exec(
          proc.stdout()
        )
        if (m !== null) return m
        if (proc.exited() || Date.now() > deadline)
          throw new Error(`no console line:\n${proc.stdout()}\n${proc.stderr().slice(-2000)}`)
        await new Promise((r) => setTimeout(r, 200))
        return line()
      }
      const [, url, username, password] = await line()
      const summary = JSON.parse(
        proc
          .stdout()
          .split("\n")
          .find((l) => l.startsWith("{")) ?? "{}"
      ) as { alerts: number }
      expect(summary.alerts).toBeGreaterThan(0)
      const login = await fetch(`${url}/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password })
      })
      expect(login.status).toBe(200)
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
      const waitAll = async (): Promise<{ alerts: number; open: number }> => {
        const stats = (await (await fetch(`${url}/api/stats`, { headers: { cookie } })).json()) as {
          alerts: number
          open: number
        }
        if (stats.alerts >= summary.alerts || Date.now() > deadline) return stats
        await new Promise((r) => setTimeout(r, 200))
        return waitAll()
      }
      expect(await waitAll()).toStrictEqual({ alerts: summary.alerts, open: summary.alerts })
      proc.signal("SIGTERM")
      await proc.exitWithin(30_000)
    } finally {
      proc.signal("SIGKILL")
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
