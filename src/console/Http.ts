import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Data, Duration, Effect, Either, Option, ParseResult, Redacted, Ref, Schema, Stream } from "effect"
import { ConsoleStore } from "../ports/ConsoleStore.js"
import { escapeHtml, ReportCss } from "../report/Html.js"
import * as Analyses from "./Analyses.js"
import type { Assets } from "./Assets.js"
import type { Change } from "../ports/ConsoleStore.js"
import { eventId, type Live, parseEventId } from "./Live.js"
import * as LoginLimit from "./LoginLimit.js"
import { type AlertQuery, AlertStatus, isCursor, type Role, type Session } from "./Model.js"
import * as Passwords from "./Passwords.js"

// The console's HTTP interface (CONTRACT §8): JSON routes behind a session cookie, the page and its assets,
// Server-Sent Events for live alerts. Every response carries a Content-Security-Policy that allows scripts
// from this origin only; every POST but the login checks the session's CSRF token; logins are rate-limited.

export const CookieName = "peacestate_session"

export const ContentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

const SecurityHeaders = {
  "content-security-policy": ContentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin"
}

export interface HttpSettings {
  /** How long a session lasts after login. */
  readonly sessionTtl: Duration.Duration
  /** Mark the cookie Secure (behind HTTPS). */
  readonly secureCookie: boolean
  readonly loginLimit: LoginLimit.LimitSettings
  /** Between SSE comments that keep idle connections open through proxies. */
  readonly keepAlive: Duration.DurationInput
}

export const DefaultHttpSettings: HttpSettings = {
  sessionTtl: Duration.hours(12),
  secureCookie: false,
  loginLimit: LoginLimit.DefaultLimit,
  keepAlive: "15 seconds"
}

class ApiError extends Data.TaggedError("ApiError")<{
  readonly status: number
  readonly error: string
  readonly retryAfterSeconds?: number
}> {}

const unauthorized = new ApiError({ status: 401, error: "sign in first" })
const badRequest = (error: string) => new ApiError({ status: 400, error })

const json = (body: unknown, status = 200) =>
  HttpServerResponse.unsafeJson(body, { status, headers: { "cache-control": "no-store" } })

const Page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>PeaceState console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script></head>
<body><main id="app"><noscript>The PeaceState console needs JavaScript.</noscript></main></body></html>
`

const LoginBody = Schema.Struct({
  username: Schema.String.pipe(Schema.maxLength(256)),
  password: Schema.String.pipe(Schema.maxLength(1024))
})
const decodeLogin = Schema.decodeUnknownEither(LoginBody)

const MaxLimit = 500

/** The query of `GET /api/alerts`, or a 400 naming the parameter and the problem. */
export const parseAlertQuery = (
  params: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
): Either.Either<AlertQuery, string> => {
  const one = (name: string): Either.Either<Option.Option<string>, string> => {
    const v = params[name]
    return v === undefined
      ? Either.right(Option.none())
      : typeof v === "string"
        ? Either.right(v === "" ? Option.none() : Option.some(v))
        : Either.left(`${name}: expected one value, got ${v.length}`)
  }
  const checked = (name: string, ok: (s: string) => boolean, expected: string) =>
    Either.flatMap(one(name), (o) =>
      Option.match(o, {
        onNone: () => Either.right(Option.none<string>()),
        onSome: (s) =>
          ok(s)
            ? Either.right(Option.some(s))
            : Either.left(`${name}: expected ${expected}, got ${JSON.stringify(s.slice(0, 64))}`)
      })
    )
  const instant = (s: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && Number.isFinite(Date.parse(s))
  return Either.gen(function* () {
    const limit = yield* checked(
      "limit",
      (s) => /^[0-9]{1,4}$/.test(s) && Number(s) >= 1 && Number(s) <= MaxLimit,
      `an integer in [1, ${MaxLimit}]`
    )
    const before = yield* checked("before", isCursor, "a cursor from a previous page's next")
    const status = yield* checked("status", Schema.is(AlertStatus), "open or acknowledged")
    const droneId = yield* checked("droneId", (s) => s.length <= 128, "at most 128 characters")
    const citizen = yield* checked("citizen", (s) => s.length <= 128, "at most 128 characters")
    const from = yield* checked("from", instant, "an ISO-8601 instant")
    const to = yield* checked("to", instant, "an ISO-8601 instant")
    const opt = <K extends string>(key: K, o: Option.Option<string>) =>
      Option.match(o, { onNone: () => ({}), onSome: (v) => ({ [key]: v }) as Record<K, string> })
    return {
      limit: Option.match(limit, { onNone: () => 50, onSome: Number }),
      ...opt("before", before),
      ...(Option.isSome(status) ? { status: status.value as AlertStatus } : {}),
      ...opt("droneId", droneId),
      ...opt("citizen", citizen),
      ...opt("from", from),
      ...opt("to", to)
    }
  })
}

/** One SSE message: a new alert as a plain `data:` event, an acknowledgement as `event: acknowledged`. */
export const encodeEvent = (e: Option.Option<Change>): string =>
  Option.match(e, {
    onNone: () => "event: reset\ndata: {}\n\n",
    onSome: (ev) =>
      `id: ${eventId(ev.change)}\n${ev.kind === "acknowledged" ? "event: acknowledged\n" : ""}data: ${JSON.stringify(ev.alert)}\n\n`
  })

const sessionView = (s: { readonly username: string; readonly role: Role; readonly csrf: string }) => ({
  username: s.username,
  role: s.role,
  csrf: s.csrf
})

/** The routes, over the store, the live hub, the assets and the settings. */
export const make = (
  live: Live,
  assets: Assets,
  settings: HttpSettings = DefaultHttpSettings,
  analyses: Analyses.Analyses = Analyses.none
) =>
  Effect.gen(function* () {
    const store = yield* ConsoleStore
    const failures = yield* Ref.make(LoginLimit.empty)

    const currentSession = Effect.gen(function* () {
      const req = yield* HttpServerRequest.HttpServerRequest
      const token = Option.fromNullable(req.cookies[CookieName])
      if (Option.isNone(token)) return yield* Effect.fail(unauthorized)
      const found = yield* store.findSession(Passwords.tokenHash(token.value), new Date())
      return yield* Option.match(found, { onNone: () => Effect.fail(unauthorized), onSome: Effect.succeed })
    })

    // A POST with a session: from this origin (when the browser says), carrying the session's CSRF token.
    const postingSession = Effect.gen(function* () {
      const session = yield* currentSession
      const req = yield* HttpServerRequest.HttpServerRequest
      yield* sameOrigin
      const sent = req.headers["x-csrf-token"] ?? ""
      if (!Passwords.sameText(sent, session.csrf)) {
        return yield* Effect.fail(new ApiError({ status: 403, error: "missing or wrong x-csrf-token header" }))
      }
      return session
    })

    const sameOrigin = Effect.gen(function* () {
      const req = yield* HttpServerRequest.HttpServerRequest
      const origin = Option.fromNullable(req.headers["origin"])
      const host = req.headers["host"] ?? ""
      const ok = Option.match(origin, {
        onNone: () => true,
        onSome: (o) =>
          Either.getOrElse(
            Either.try(() => new URL(o).host === host),
            () => false
          )
      })
      if (!ok) return yield* Effect.fail(new ApiError({ status: 403, error: "cross-origin request refused" }))
    })

    const login = Effect.gen(function* () {
      const req = yield* HttpServerRequest.HttpServerRequest
      yield* sameOrigin
      if (!(req.headers["content-type"] ?? "").toLowerCase().startsWith("application/json")) {
        return yield* Effect.fail(
          new ApiError({ status: 415, error: "expected a JSON body (content-type: application/json)" })
        )
      }
      const raw = yield* req.json.pipe(
        HttpServerRequest.withMaxBodySize(Option.some(16 * 1024)),
        Effect.mapError(() => badRequest('expected a JSON body {"username", "password"} of at most 16 KiB'))
      )
      const body = yield* Either.mapLeft(decodeLogin(raw), (e) =>
        badRequest(`login: ${ParseResult.TreeFormatter.formatErrorSync(e)}`)
      )
      const address = Option.getOrElse(req.remoteAddress, () => "unknown")
      const keys = LoginLimit.keysOf(body.username, address)
      const now = Date.now()
      const wait = LoginLimit.retryAfter(yield* Ref.get(failures), keys, now, settings.loginLimit)
      if (Option.isSome(wait)) {
        yield* Effect.logWarning(
          `console: login attempts for ${JSON.stringify(body.username)} from ${address} refused for now (too many failures)`
        )
        return yield* Effect.fail(
          new ApiError({
            status: 429,
            error: "too many failed sign-ins: try again later",
            retryAfterSeconds: Math.ceil(wait.value / 1000)
          })
        )
      }
      const user = yield* store.findUser(body.username)
      const password = Redacted.make(body.password)
      // An unknown account is checked against a decoy hash: both answers take as long.
      const matches = yield* Passwords.verify(
        password,
        Option.match(user, { onNone: () => Passwords.Decoy, onSome: (u) => u.passwordHash })
      )
      const signedIn = Option.filter(user, () => matches)
      yield* Ref.update(failures, (f) => LoginLimit.record(f, keys, now, Option.isSome(signedIn), settings.loginLimit))
      if (Option.isNone(signedIn)) {
        yield* Effect.logInfo(`console: sign-in refused for ${JSON.stringify(body.username)} from ${address}`)
        return yield* Effect.fail(new ApiError({ status: 401, error: "wrong username or password" }))
      }
      const token = Passwords.token()
      const session: Session = {
        tokenHash: Passwords.tokenHash(token),
        username: signedIn.value.username,
        role: signedIn.value.role,
        csrf: Passwords.token(),
        expiresAt: new Date(now + Duration.toMillis(settings.sessionTtl))
      }
      yield* store.createSession(session)
      yield* Effect.logInfo(`console: ${session.username} (${session.role}) signed in from ${address}`)
      return yield* HttpServerResponse.setCookie(json(sessionView(session)), CookieName, token, {
        httpOnly: true,
        sameSite: "strict",
        path: "/",
        maxAge: settings.sessionTtl,
        secure: settings.secureCookie
      }).pipe(Effect.orDie)
    })

    const logout = Effect.gen(function* () {
      const session = yield* postingSession
      yield* store.deleteSession(session.tokenHash)
      yield* Effect.logInfo(`console: ${session.username} signed out`)
      return yield* HttpServerResponse.expireCookie(json({ ok: true }), CookieName, { path: "/" }).pipe(Effect.orDie)
    })

    const alerts = Effect.gen(function* () {
      yield* currentSession
      const params = yield* HttpServerRequest.ParsedSearchParams
      const query = yield* Either.mapLeft(parseAlertQuery(params), badRequest)
      const page = yield* store.page(query)
      return json(page)
    })

    const acknowledge = Effect.gen(function* () {
      const session = yield* postingSession
      if (session.role !== "officer") {
        return yield* Effect.fail(new ApiError({ status: 403, error: "only officers acknowledge alerts" }))
      }
      const { alertId } = yield* HttpRouter.params
      const id = alertId ?? ""
      const acked = yield* store.acknowledge(id, session.username, new Date())
      return yield* Option.match(acked, {
        onNone: () => Effect.fail(new ApiError({ status: 404, error: `no alert ${JSON.stringify(id.slice(0, 200))}` })),
        onSome: (a) =>
          Effect.as(
            Effect.logInfo(
              `console: alert ${JSON.stringify(a.alertId)} acknowledged by ${a.acknowledgedBy ?? session.username}`
            ),
            json(a)
          )
      })
    })

    const stream = Effect.gen(function* () {
      const session = yield* currentSession
      const req = yield* HttpServerRequest.HttpServerRequest
      const resumed = Option.flatMap(Option.fromNullable(req.headers["last-event-id"]), parseEventId)
      const from = yield* Option.match(resumed, { onNone: () => live.position, onSome: Effect.succeed })
      const body = Stream.concat(
        Stream.make("retry: 2000\n: connected\n\n"),
        Stream.merge(
          live.events(from).pipe(Stream.map(encodeEvent)),
          Stream.tick(settings.keepAlive).pipe(Stream.map(() => ": keep-alive\n\n")),
          { haltStrategy: "left" }
        )
      ).pipe(
        // The page reconnects (with Last-Event-ID) after a store failure; an expired session ends the stream.
        Stream.catchAll((e) =>
          Stream.fromEffect(Effect.as(Effect.logWarning(`console: live stream ended: ${e.message}`), ""))
        ),
        Stream.interruptAfter(Duration.millis(Math.max(0, session.expiresAt.getTime() - Date.now()))),
        Stream.encodeText
      )
      return HttpServerResponse.stream(body, {
        contentType: "text/event-stream",
        headers: { "cache-control": "no-store", "x-accel-buffering": "no" }
      })
    })

    const asset = (name: keyof Assets, contentType: string) =>
      HttpServerResponse.uint8Array(assets[name], { contentType, headers: { "cache-control": "no-cache" } })

    const ApiErrorStatus = (e: ApiError) =>
      HttpServerResponse.unsafeJson(
        { error: e.error },
        {
          status: e.status,
          headers: {
            "cache-control": "no-store",
            ...(e.retryAfterSeconds === undefined ? {} : { "retry-after": String(e.retryAfterSeconds) })
          }
        }
      )

    // Tagged failures become their status; anything else is logged and answered 500 without details.
    const respond = <E extends { readonly _tag: string }, R>(
      handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
    ) =>
      handler.pipe(
        Effect.catchAll((e) =>
          e instanceof ApiError
            ? Effect.succeed(ApiErrorStatus(e))
            : Effect.as(
                Effect.logError(`console: request failed: ${e instanceof Error ? e.message : e._tag}`),
                json({ error: "internal error" }, 500)
              )
        )
      )

    const noAnalysis = Option.match(analyses.root, {
      onNone: () => "no archive configured: start the console with --archive ROOT (or the S3_* settings)",
      onSome: (root) =>
        `no analysis published yet under ${root}/analysis/: run peacestate analyze --source ${root} --publish`
    })

    // The report page is server-rendered HTML; without a session it sends the browser to the login page.
    const analysisPage = Effect.matchEffect(currentSession, {
      onFailure: () => Effect.succeed(HttpServerResponse.empty({ status: 303, headers: { location: "/" } })),
      onSuccess: () =>
        respond(
          Effect.map(analyses.page, (page) =>
            Option.match(page, {
              onNone: () =>
                HttpServerResponse.text(
                  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>PeaceState analysis</title><link rel="stylesheet" href="${Analyses.StylePath}"></head><body><main><nav><a href="/">← Alerts</a></nav><h1>No analysis yet</h1><p>${escapeHtml(noAnalysis)}</p></main></body></html>\n`,
                  { status: 404, contentType: "text/html; charset=utf-8" }
                ),
              onSome: (html) => HttpServerResponse.html(html)
            })
          )
        )
    })

    const router = HttpRouter.empty.pipe(
      HttpRouter.get("/healthz", HttpServerResponse.text("ok\n")),
      HttpRouter.get(
        "/readyz",
        store.lastChange.pipe(
          Effect.as(HttpServerResponse.text("ready\n")),
          Effect.catchAll(() => Effect.succeed(HttpServerResponse.text("store unreachable\n", { status: 503 })))
        )
      ),
      HttpRouter.get("/", HttpServerResponse.html(Page)),
      HttpRouter.get("/assets/app.js", asset("appJs", "text/javascript; charset=utf-8")),
      HttpRouter.get("/assets/app.css", asset("appCss", "text/css; charset=utf-8")),
      HttpRouter.get("/assets/app.js.map", asset("appJsMap", "application/json")),
      HttpRouter.post("/api/login", respond(login)),
      HttpRouter.post("/api/logout", respond(logout)),
      HttpRouter.get("/api/session", respond(Effect.map(currentSession, (s) => json(sessionView(s))))),
      HttpRouter.get(
        "/api/stats",
        respond(
          Effect.zipRight(
            currentSession,
            Effect.map(store.stats, (s) => json(s))
          )
        )
      ),
      HttpRouter.get("/api/alerts", respond(alerts)),
      HttpRouter.get("/api/alerts/stream", respond(stream)),
      HttpRouter.post("/api/alerts/:alertId/acknowledge", respond(acknowledge)),
      HttpRouter.get(
        "/api/analysis/latest",
        respond(
          Effect.zipRight(
            currentSession,
            Effect.flatMap(analyses.latest, (found) =>
              Option.match(found, {
                onNone: () => Effect.fail(new ApiError({ status: 404, error: noAnalysis })),
                onSome: (l) => Effect.succeed(json(l.encoded))
              })
            )
          )
        )
      ),
      HttpRouter.get("/analysis", analysisPage),
      HttpRouter.get(
        Analyses.StylePath,
        HttpServerResponse.text(ReportCss, { contentType: "text/css; charset=utf-8" })
      ),
      // Any other /api/ path: 401 without a session (nothing is told about routes), 404 with one.
      HttpRouter.all(
        "/api/*",
        respond(Effect.zipRight(currentSession, Effect.fail(new ApiError({ status: 404, error: "no such route" }))))
      )
    )

    return router.pipe(
      Effect.catchTag("RouteNotFound", () => Effect.succeed(HttpServerResponse.text("not found\n", { status: 404 }))),
      Effect.map(HttpServerResponse.setHeaders(SecurityHeaders))
    )
  })
