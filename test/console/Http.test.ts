import { describe, expect, it } from "@effect/vitest"
import { Array as Arr, Deferred, Effect } from "effect"
import { ContentSecurityPolicy } from "../../src/console/Http.js"
import type { StoredAlert } from "../../src/console/Model.js"
import { alertOf } from "../contract/ConsoleStoreContract.js"
import { call, readEvents, signIn, startConsole, type TestConsole } from "../support/Console.js"

// The console's HTTP routes, each status code and role (CONTRACT §8), on an in-memory alerts topic and
// the embedded store.

const waitStored = (c: TestConsole, n: number) =>
  Effect.promise(async () => undefined).pipe(
    Effect.zipRight(c.store.stats),
    Effect.repeat({ until: (s) => s.alerts >= n }),
    Effect.timeout("30 seconds")
  )

const withConsole = <A, E>(f: (c: TestConsole) => Effect.Effect<A, E>) =>
  Effect.scoped(
    Effect.flatMap(startConsole(), (c) =>
      Effect.flatMap(
        Effect.zip(c.addUser("anna", "officer", "anna-password"), c.addUser("victor", "viewer", "victor-password")),
        () => f(c)
      )
    )
  )

describe("console HTTP", () => {
  it.live(
    "without a session: /healthz and the page answer, every /api/ route is 401 and tells nothing",
    () =>
      withConsole((c) =>
        Effect.gen(function* () {
          yield* c.publish([alertOf("pw-0001", 1, "Secret Citizen")])
          yield* waitStored(c, 1)
          expect((yield* call(c.url, "/healthz")).status).toBe(200)
          const page = yield* call(c.url, "/")
          expect(page.status).toBe(200)
          expect(page.headers.get("content-security-policy")).toBe(ContentSecurityPolicy)
          expect(page.text).toContain('<script type="module" src="/assets/app.js">')
          expect(page.text).not.toMatch(/<script>|<script [^>]*>[^<]/)
          expect(page.text).not.toContain("Secret Citizen")
          const js = yield* call(c.url, "/assets/app.js")
          expect([js.status, js.headers.get("content-type")]).toStrictEqual([200, "text/javascript; charset=utf-8"])
          const routes: ReadonlyArray<readonly [string, string]> = [
            ["GET", "/api/stats"],
            ["GET", "/api/alerts"],
            ["GET", "/api/alerts?limit=1"],
            ["GET", "/api/alerts/stream"],
            ["GET", "/api/session"],
            ["GET", "/api/analysis/latest"],
            ["GET", "/api/no-such-route"],
            ["POST", "/api/logout"],
            ["POST", `/api/alerts/${encodeURIComponent("pw-0001-000000001/0")}/acknowledge`]
          ]
          const answers = yield* Effect.forEach(routes, ([method, path]) => call(c.url, path, { method }))
          expect(answers.map((a) => a.status)).toStrictEqual(routes.map(() => 401))
          answers.forEach((a) => expect(a.text).not.toMatch(/pw-0001|Secret/))
          // A forged or expired cookie is no session either.
          expect((yield* call(c.url, "/api/stats", { cookie: "peacestate_session=forged" })).status).toBe(401)
        })
      ),
    120_000
  )

  it.live(
    "login: 200 with an HttpOnly SameSite cookie; wrong password 401; not JSON 415; a bad body 400; logout ends the session",
    () =>
      withConsole((c) =>
        Effect.gen(function* () {
          const ok = yield* signIn(c.url, "anna", "anna-password")
          expect(ok.status).toBe(200)
          expect(ok.setCookie).toMatch(/^peacestate_session=[A-Za-z0-9_-]{43}; /)
          expect(ok.setCookie).toMatch(/HttpOnly/)
          expect(ok.setCookie).toMatch(/SameSite=Strict/)
          expect(ok.setCookie).toMatch(/Path=\//)
          expect((yield* signIn(c.url, "anna", "wrong-password")).status).toBe(401)
          expect((yield* signIn(c.url, "nobody", "anna-password")).status).toBe(401)
          const form = yield* call(c.url, "/api/login", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "username=anna&password=anna-password"
          })
          expect(form.status).toBe(415)
          const bad = yield* call(c.url, "/api/login", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ username: "anna" })
          })
          expect(bad.status).toBe(400)
          expect(bad.text).toContain("password")
          const session = yield* call(c.url, "/api/session", { cookie: ok.cookie })
          expect(session.json).toStrictEqual({ username: "anna", role: "officer", csrf: ok.csrf })
          expect((yield* call(c.url, "/api/logout", { method: "POST", cookie: ok.cookie })).status).toBe(403)
          const out = yield* call(c.url, "/api/logout", { method: "POST", cookie: ok.cookie, csrf: ok.csrf })
          expect(out.status).toBe(200)
          expect((yield* call(c.url, "/api/session", { cookie: ok.cookie })).status).toBe(401)
        })
      ),
    120_000
  )

  it.live(
    "login attempts are rate-limited: after 10 failures even the right password gets 429 with Retry-After",
    () =>
      withConsole((c) =>
        Effect.gen(function* () {
          const failures = yield* Effect.forEach(Arr.range(1, 10), () => signIn(c.url, "anna", "guess"))
          expect(failures.map((f) => f.status)).toStrictEqual(Arr.makeBy(10, () => 401))
          const refused = yield* call(c.url, "/api/login", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ username: "anna", password: "anna-password" })
          })
          expect(refused.status).toBe(429)
          expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0)
        })
      ),
    120_000
  )

  it.live(
    "stats, pages newest first with next, filters, and a 400 naming a bad parameter",
    () =>
      withConsole((c) =>
        Effect.gen(function* () {
          const alerts = [
            ...Arr.makeBy(25, (n) => alertOf("pw-0001", n)),
            ...Arr.makeBy(5, (n) => alertOf("pw-0002", 100 + n, `Ada ${n}`))
          ]
          yield* c.publish(alerts)
          yield* waitStored(c, 30)
          const { cookie, csrf } = yield* signIn(c.url, "anna", "anna-password")
          yield* call(c.url, `/api/alerts/${encodeURIComponent(alerts[0]!.alertId)}/acknowledge`, {
            method: "POST",
            cookie,
            csrf
          })
          expect((yield* call(c.url, "/api/stats", { cookie })).json).toStrictEqual({ alerts: 30, open: 29 })
          const pages = yield* Effect.iterate(
            { ids: [] as ReadonlyArray<string>, next: "" as string | undefined },
            {
              while: (s) => s.next !== undefined,
              body: (s) =>
                Effect.map(
                  call(c.url, `/api/alerts?limit=7${s.next === "" ? "" : `&before=${s.next}`}`, { cookie }),
                  (r) => {
                    const body = r.json as { alerts: ReadonlyArray<StoredAlert>; next?: string }
                    return { ids: [...s.ids, ...body.alerts.map((a) => a.alertId)], next: body.next }
                  }
                )
            }
          )
          expect(pages.ids).toHaveLength(30)
          expect(new Set(pages.ids).size).toBe(30)
          const byDrone = (yield* call(c.url, "/api/alerts?droneId=pw-0002&citizen=ada", { cookie })).json as {
            alerts: ReadonlyArray<StoredAlert>
          }
          expect(byDrone.alerts.map((a) => a.citizen)).toStrictEqual(["Ada 4", "Ada 3", "Ada 2", "Ada 1", "Ada 0"])
          const acked = (yield* call(c.url, "/api/alerts?status=acknowledged", { cookie })).json as {
            alerts: ReadonlyArray<StoredAlert>
          }
          expect(acked.alerts.map((a) => [a.alertId, a.status, a.acknowledgedBy])).toStrictEqual([
            [alerts[0]!.alertId, "acknowledged", "anna"]
          ])
          const ranged = (yield* call(c.url, `/api/alerts?from=${alerts[3]!.timestamp}&to=${alerts[5]!.timestamp}`, {
            cookie
          })).json as { alerts: ReadonlyArray<StoredAlert> }
          expect(ranged.alerts.map((a) => a.alertId)).toStrictEqual([alerts[4]!.alertId, alerts[3]!.alertId])
          const bad = yield* Effect.forEach(
            ["limit=0", "limit=abc", "before=x", "status=closed", "from=yesterday", "limit=1&limit=2"],
            (q) => call(c.url, `/api/alerts?${q}`, { cookie })
          )
          expect(bad.map((b) => b.status)).toStrictEqual(Arr.makeBy(6, () => 400))
          expect(bad.map((b) => (b.json as { error: string }).error.split(":")[0])).toStrictEqual([
            "limit",
            "limit",
            "before",
            "status",
            "from",
            "limit"
          ])
        })
      ),
    120_000
  )

  it.live(
    "acknowledge: 200 for an officer, 403 for a viewer, 404 for an unknown id, 403 without the CSRF token or from another origin",
    () =>
      withConsole((c) =>
        Effect.gen(function* () {
          const alert = alertOf("pw-0003", 1)
          yield* c.publish([alert])
          yield* waitStored(c, 1)
          const officer = yield* signIn(c.url, "anna", "anna-password")
          const viewer = yield* signIn(c.url, "victor", "victor-password")
          const path = `/api/alerts/${encodeURIComponent(alert.alertId)}/acknowledge`
          expect((yield* call(c.url, path, { method: "POST", cookie: viewer.cookie, csrf: viewer.csrf })).status).toBe(
            403
          )
          expect((yield* call(c.url, path, { method: "POST", cookie: officer.cookie })).status).toBe(403)
          expect((yield* call(c.url, path, { method: "POST", cookie: officer.cookie, csrf: viewer.csrf })).status).toBe(
            403
          )
          expect(
            (yield* call(c.url, path, {
              method: "POST",
              cookie: officer.cookie,
              csrf: officer.csrf,
              headers: { origin: "http://evil.example" }
            })).status
          ).toBe(403)
          expect(
            (yield* call(c.url, "/api/alerts/pw-9999-000000001%2F0/acknowledge", {
              method: "POST",
              cookie: officer.cookie,
              csrf: officer.csrf
            })).status
          ).toBe(404)
          const ok = yield* call(c.url, path, { method: "POST", cookie: officer.cookie, csrf: officer.csrf })
          expect(ok.status).toBe(200)
          expect(ok.json).toMatchObject({ alertId: alert.alertId, status: "acknowledged", acknowledgedBy: "anna" })
          const viewed = (yield* call(c.url, "/api/alerts", { cookie: viewer.cookie })).json as {
            alerts: ReadonlyArray<StoredAlert>
          }
          expect(viewed.alerts.map((a) => a.status)).toStrictEqual(["acknowledged"])
        })
      ),
    120_000
  )

  it.live(
    "the stream: one data event per new alert, acknowledgements as their own event, and a reconnect with Last-Event-ID gets exactly what it missed",
    () =>
      withConsole((c) =>
        Effect.gen(function* () {
          const { cookie, csrf } = yield* signIn(c.url, "anna", "anna-password")
          const first = Arr.makeBy(12, (n) => alertOf("pw-0004", n))
          // The stream starts from where the store stands when it opens: publish once its first bytes came.
          const opened = yield* Deferred.make<void>()
          const reading = yield* Effect.fork(
            readEvents(
              c.url,
              "/api/alerts/stream",
              cookie,
              (e) => e.length >= 13,
              undefined,
              () => Effect.runSync(Deferred.succeed(opened, undefined))
            )
          )
          yield* Deferred.await(opened)
          yield* c.publish(first.slice(0, 6))
          yield* c.publish([...first.slice(0, 3), ...first.slice(6)])
          yield* waitStored(c, 12)
          yield* call(c.url, `/api/alerts/${encodeURIComponent(first[2]!.alertId)}/acknowledge`, {
            method: "POST",
            cookie,
            csrf
          })
          const got = yield* reading.await.pipe(Effect.flatten)
          expect(got.status).toBe(200)
          expect(got.contentType).toBe("text/event-stream")
          const news = got.events
            .filter((e) => e.event === "message")
            .map((e) => (JSON.parse(e.data) as StoredAlert).alertId)
          expect([...news].sort()).toStrictEqual(first.map((a) => a.alertId).sort())
          const acks = got.events
            .filter((e) => e.event === "acknowledged")
            .map((e) => JSON.parse(e.data) as StoredAlert)
          expect(acks.map((a) => [a.alertId, a.status])).toStrictEqual([[first[2]!.alertId, "acknowledged"]])
          // Away for a while: these are stored while nobody listens; the reconnect names the last event it had.
          const missed = Arr.makeBy(4, (n) => alertOf("pw-0004", 50 + n))
          yield* c.publish(missed)
          yield* waitStored(c, 16)
          const resumed = yield* readEvents(
            c.url,
            "/api/alerts/stream",
            cookie,
            (e) => e.length >= 4,
            got.events.at(-1)!.id
          )
          expect(resumed.events.map((e) => (JSON.parse(e.data) as StoredAlert).alertId).sort()).toStrictEqual(
            missed.map((a) => a.alertId).sort()
          )
        })
      ),
    120_000
  )
})
