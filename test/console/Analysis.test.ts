import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as LocalObjectStore from "../../src/adapters/LocalObjectStore.js"
import { published, publish, PublishedAnalysis } from "../../src/analyzer/Published.js"
import { ContentSecurityPolicy } from "../../src/console/Http.js"
import { ofReports, toAnalysis } from "../../src/domain/Stats.js"
import { call, signIn, startConsole } from "../support/Console.js"

// The console's §9 routes: GET /analysis (the latest published analysis as charts) and /api/analysis/latest
// (its JSON), behind the session, from the archive given as CONSOLE_ARCHIVE.

const provenance = (generatedAt: string) => ({
  generatedAt,
  source: "/archive",
  from: Option.none<string>(),
  until: Option.none<string>(),
  shards: { count: 2, covered: [0, 1] }
})

const store = (root: string) => LocalObjectStore.layer(root).pipe(Layer.provide(NodeContext.layer))

describe("console /analysis", () => {
  it.live(
    "shows the latest published analysis as charts and JSON, to a signed-in user only",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const root = mkdtempSync(join(tmpdir(), "peacestate-console-analysis-"))
          const c = yield* startConsole({ settings: { CONSOLE_ARCHIVE: root } })
          yield* c.addUser("vera", "viewer", "vera-password")
          const session = yield* signIn(c.url, "vera", "vera-password")

          // Nothing published yet: 404s that say what to run.
          const none = yield* call(c.url, "/api/analysis/latest", { cookie: session.cookie })
          expect(none.status).toBe(404)
          expect(none.json).toStrictEqual({
            error: `no analysis published yet under ${root}/analysis/: run peacestate analyze --source ${root} --publish`
          })
          expect((yield* call(c.url, "/analysis", { cookie: session.cookie })).status).toBe(404)

          const older = published(toAnalysis(ofReports([], 20)), provenance("2026-12-01T00:00:00.000Z"))
          const newer = {
            ...published(toAnalysis(ofReports([], 20)), provenance("2026-12-02T00:00:00.000Z")),
            reports: 1234,
            repeatOffenders: [{ name: "<b>Mallory</b>", alerts: 7 }]
          }
          yield* Effect.provide(Effect.zip(publish(newer), publish(older)), store(root))

          // Without a session: 401 for the JSON, the login page for the page; nothing about the analysis leaks.
          const anonymous = yield* call(c.url, "/api/analysis/latest")
          expect(anonymous.status).toBe(401)
          expect(anonymous.text).not.toContain("1234")
          const redirected = yield* call(c.url, "/analysis", { redirect: "manual" })
          expect([redirected.status, redirected.headers.get("location")]).toStrictEqual([303, "/"])

          const latest = yield* call(c.url, "/api/analysis/latest", { cookie: session.cookie })
          expect(latest.status).toBe(200)
          expect(Schema.decodeUnknownSync(PublishedAnalysis)(latest.json)).toStrictEqual(newer)
          expect(latest.json).toMatchObject({ generatedAt: "2026-12-02T00:00:00.000Z", from: null, until: null })

          const page = yield* call(c.url, "/analysis", { cookie: session.cookie })
          expect(page.status).toBe(200)
          expect(page.headers.get("content-type")).toContain("text/html")
          expect(page.headers.get("content-security-policy")).toBe(ContentSecurityPolicy)
          expect(page.text.match(/<svg[\s>]/g)?.length).toBe(5)
          expect(page.text).toContain("<dd>1234</dd>")
          expect(page.text).toContain("&lt;b&gt;Mallory&lt;/b&gt;")
          expect(page.text).not.toContain("<b>Mallory")
          // The console's CSP forbids inline style and script: the page links its style sheet and has neither.
          expect(page.text).not.toMatch(/<style|<script|style="/)
          expect(page.text).toContain('<link rel="stylesheet" href="/assets/analysis.css">')
          const css = yield* call(c.url, "/assets/analysis.css")
          expect([css.status, css.headers.get("content-type")]).toStrictEqual([200, "text/css; charset=utf-8"])

          // A newer analysis published while the console runs replaces the one it had read and drawn.
          const newest = { ...newer, generatedAt: "2026-12-03T00:00:00.000Z", reports: 4321 }
          yield* Effect.provide(publish(newest), store(root))
          const again = yield* call(c.url, "/api/analysis/latest", { cookie: session.cookie })
          expect(again.json).toMatchObject({ generatedAt: "2026-12-03T00:00:00.000Z", reports: 4321 })
          const redrawn = yield* call(c.url, "/analysis", { cookie: session.cookie })
          expect(redrawn.text).toContain("<dd>4321</dd>")
          expect(redrawn.text).not.toContain("<dd>1234</dd>")
        })
      ),
    120_000
  )

  it.live(
    "without an archive configured, says how to configure one",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const c = yield* startConsole()
          yield* c.addUser("olga", "officer", "olga-password")
          const session = yield* signIn(c.url, "olga", "olga-password")
          const res = yield* call(c.url, "/api/analysis/latest", { cookie: session.cookie })
          expect(res.status).toBe(404)
          expect(res.json).toStrictEqual({
            error: "no archive configured: start the console with --archive ROOT (or the S3_* settings)"
          })
        })
      ),
    120_000
  )
})
