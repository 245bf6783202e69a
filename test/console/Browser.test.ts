// The officers' console in a real browser (playwright-core driving Debian's chromium): signing in, live alerts
// over SSE, acknowledging (officers only), untrusted text shown as text under the page's CSP, a wrong password,
// the phone layout, and the screenshot of docs/console.png (written there only with PEACESTATE_SCREENSHOT=1).
// Skipped, saying why, when there is no chromium. Every wait is for a condition (30 s at most): the machine may
// be slow and busy.
import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it, layer } from "@effect/vitest"
import { Array as Arr, Context, Effect, Layer, Ref } from "effect"
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core"
import type { Alert } from "../../src/domain/Alert.js"
import { alertOf } from "../contract/ConsoleStoreContract.js"
import { startConsole, type TestConsole } from "../support/Console.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** /usr/bin/chromium (Debian's package), else whatever `command -v chromium` finds. */
const chromiumPath = (): string | undefined => {
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium"
  const found = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).stdout?.trim() ?? ""
  return found === "" ? undefined : found
}

const executablePath = chromiumPath()

const Wait = 30_000
const TestTimeout = 120_000

class Chromium extends Context.Tag("test/Chromium")<Chromium, Browser>() {}

const ChromiumLive = (path: string) =>
  Layer.scoped(
    Chromium,
    Effect.acquireRelease(
      Effect.promise(() =>
        chromium.launch({
          executablePath: path,
          headless: true,
          timeout: 60_000,
          args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
        })
      ),
      (browser) => Effect.promise(() => browser.close())
    )
  )

/** Promise-based steps inside the Effect test bodies (a rejection, e.g. a failed expect, fails the test). */
const step = <A>(f: () => Promise<A>) => Effect.promise(f)

// Records CSP violations from the start of every document (init scripts run before the page's own, outside CSP).
const CspWatch = `document.addEventListener("securitypolicyviolation", (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""))
})`

/**
 * What the page said went wrong: console errors and warnings, uncaught exceptions, CSP violations. A
 * "Failed to load resource" for a status in `expectedStatuses` (401 before signing in, a refused password, a
 * viewer's 403) is the browser reporting an HTTP answer the test asked for, and is left out; so is the 404 of
 * /favicon.ico, which the browser asks for by itself (the console serves no icon).
 */
const problemsOf = async (
  page: Page,
  logged: Ref.Ref<ReadonlyArray<string>>,
  expectedStatuses: ReadonlyArray<number>
): Promise<ReadonlyArray<string>> => {
  const csp = (await page.evaluate("window.__cspViolations || []")) as ReadonlyArray<string>
  const failed = (status: number) => `Failed to load resource: the server responded with a status of ${status}`
  const expected = (m: string) =>
    expectedStatuses.some((s) => m.includes(failed(s))) || (m.includes(failed(404)) && m.endsWith("/favicon.ico)"))
  const seen = await Effect.runPromise(Ref.get(logged))
  return [...seen.filter((m) => !expected(m)), ...csp.map((v) => `CSP violation: ${v}`)]
}

interface OpenPage {
  readonly page: Page
  /** The unexpected problems so far (see problemsOf). */
  readonly problems: (expectedStatuses?: ReadonlyArray<number>) => Promise<ReadonlyArray<string>>
}

/** A page in a fresh browser context (its own cookies), closed with the scope, watched for problems. */
const openPage = (options: BrowserContextOptions = {}) =>
  Effect.gen(function* () {
    const browser = yield* Chromium
    const context = yield* Effect.acquireRelease(
      Effect.promise(() => browser.newContext({ viewport: { width: 1280, height: 800 }, ...options })),
      (c) => Effect.promise(() => c.close())
    )
    context.setDefaultTimeout(Wait)
    context.setDefaultNavigationTimeout(Wait)
    yield* step(() => context.addInitScript({ content: CspWatch }))
    const page = yield* step(() => context.newPage())
    const logged = yield* Ref.make<ReadonlyArray<string>>([])
    const note = (m: string) => Effect.runSync(Ref.update(logged, (l) => [...l, m]))
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") note(`console.${m.type()}: ${m.text()} (${m.location().url})`)
    })
    page.on("pageerror", (e) => note(`pageerror: ${e.message}`))
    return {
      page,
      problems: (expectedStatuses: ReadonlyArray<number> = [401]) => problemsOf(page, logged, expectedStatuses)
    } satisfies OpenPage
  })

/** Signs in through the login form (the page opened at the console's address). */
const signInWithForm = async (page: Page, url: string, username: string, password: string) => {
  await page.goto(url)
  const form = page.getByTestId("login-form")
  await form.waitFor()
  await form.locator('input[name="username"]').fill(username)
  await form.locator('input[name="password"]').fill(password)
  await form.locator('button[type="submit"]').click()
}

/** Signs in and waits for the console, its live stream connected. */
const signInToConsole = async (page: Page, url: string, username: string, password: string) => {
  await signInWithForm(page, url, username, password)
  await page.locator('[data-testid="live"].on').waitFor()
  expect(await page.getByTestId("live").textContent()).toBe("live")
  expect(await page.getByTestId("login-form").count()).toBe(0)
}

const rows = (page: Page) => page.getByTestId("alert-row")
const row = (page: Page, alertId: string) => page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`)
const rowIds = (page: Page) => rows(page).evaluateAll((rs) => rs.map((r) => r.getAttribute("data-alert-id") ?? ""))
const sorted = (ids: ReadonlyArray<string>) => [...ids].sort()
const text = (page: Page, testId: string) => page.getByTestId(testId).textContent()

const poll = <A>(f: () => Promise<A>) => expect.poll(f, { timeout: Wait, interval: 200 })

/** Waits until the store holds `n` alerts: the console's ingest took every published one. */
const stored = (c: TestConsole, n: number) =>
  step(() => poll(() => Effect.runPromise(c.store.stats).then((s) => s.alerts)).toBe(n))

const storedAlert = (c: TestConsole, alert: Alert) =>
  Effect.map(c.store.page({ limit: 10, droneId: alert.droneId }), (p) =>
    p.alerts.find((a) => a.alertId === alert.alertId)
  )

const Password = "correct horse battery staple"

if (executablePath === undefined) {
  describe.skip("the console in a browser — skipped: no chromium (neither /usr/bin/chromium nor on PATH)", () => {
    it("needs chromium", () => undefined)
  })
} else {
  layer(ChromiumLive(executablePath), { timeout: 120_000, excludeTestServices: true })(
    "the console in a browser",
    (it) => {
      it.scoped(
        "an officer signs in; alerts published after the page loaded appear live, without a reload; stats follow",
        () =>
          Effect.gen(function* () {
            const c = yield* startConsole()
            yield* c.addUser("ada", "officer", Password)
            const { page, problems } = yield* openPage()
            yield* step(async () => {
              await signInToConsole(page, c.url, "ada", Password)
              expect(await text(page, "user")).toBe("ada (officer)")
              await poll(() => text(page, "stats-alerts")).toBe("0")
              expect(await rows(page).count()).toBe(0)
              await page.evaluate("window.__sameDocument = true")
            })
            const alerts = [alertOf("drone-a", 1), alertOf("drone-b", 2), alertOf("drone-a", 3), alertOf("drone-c", 4)]
            // Two drones per batch: their partitions of the alerts topic are read in no set order, so within a
            // batch the order is open; a later batch goes on top of an earlier one.
            const [first, second] = [alerts.slice(0, 2), alerts.slice(2)]
            yield* c.publish(first)
            yield* step(async () => {
              await poll(() => rowIds(page).then(sorted)).toStrictEqual(sorted(first.map((a) => a.alertId)))
              await poll(() => text(page, "stats-alerts")).toBe("2")
            })
            yield* c.publish(second)
            yield* step(async () => {
              await poll(() => rows(page).count()).toBe(4)
              const shown = await rowIds(page)
              expect(sorted(shown.slice(0, 2))).toStrictEqual(sorted(second.map((a) => a.alertId)))
              expect(sorted(shown.slice(2))).toStrictEqual(sorted(first.map((a) => a.alertId)))
              await poll(() => text(page, "stats-alerts")).toBe("4")
              expect(await text(page, "stats-open")).toBe("4")
              expect(await page.getByTestId("ack").count()).toBe(4)
              expect(await row(page, alerts[3]!.alertId).getByTestId("citizen").textContent()).toBe("Citizen 4")
              expect(await row(page, alerts[3]!.alertId).getByTestId("status").textContent()).toBe("open")
              await poll(() => page.getByTestId("map").locator("circle[data-alert-id]").count()).toBe(4)
              expect(await page.evaluate("window.__sameDocument")).toBe(true)
              expect(await text(page, "live")).toBe("live")
              expect(await problems()).toStrictEqual([])
            })
          }),
        TestTimeout
      )

      it.scoped(
        "an officer acknowledges an alert (page and store agree); a viewer sees no buttons and is refused with 403",
        () =>
          Effect.gen(function* () {
            const c = yield* startConsole()
            yield* c.addUser("olga", "officer", Password)
            yield* c.addUser("victor", "viewer", Password)
            const alerts = Arr.makeBy(3, (n) => alertOf("drone-ack", n + 1))
            yield* c.publish(alerts)
            yield* stored(c, 3)
            const officer = yield* openPage()
            const target = alerts[1]!
            yield* step(async () => {
              await signInToConsole(officer.page, c.url, "olga", Password)
              await poll(() => rows(officer.page).count()).toBe(3)
              await poll(() => text(officer.page, "stats-open")).toBe("3")
              await row(officer.page, target.alertId).getByTestId("ack").click()
              await poll(() => row(officer.page, target.alertId).getByTestId("status").textContent()).toBe(
                "acknowledged"
              )
              expect(await row(officer.page, target.alertId).getByTestId("ack").count()).toBe(0)
              expect(await row(officer.page, target.alertId).locator(".by").textContent()).toMatch(/^by olga at /)
              expect(await officer.page.getByTestId("ack").count()).toBe(2)
              await poll(() => text(officer.page, "stats-open")).toBe("2")
              expect(await text(officer.page, "stats-alerts")).toBe("3")
            })
            const acked = yield* storedAlert(c, target)
            expect(acked).toMatchObject({ status: "acknowledged", acknowledgedBy: "olga" })
            expect(Date.parse(acked?.acknowledgedAt ?? "")).toBeGreaterThan(Date.now() - 5 * 60_000)

            const viewer = yield* openPage()
            const other = alerts[0]!
            const refused = yield* step(async () => {
              await signInToConsole(viewer.page, c.url, "victor", Password)
              expect(await text(viewer.page, "user")).toBe("victor (viewer)")
              await poll(() => rows(viewer.page).count()).toBe(3)
              expect(await row(viewer.page, target.alertId).getByTestId("status").textContent()).toBe("acknowledged")
              expect(await row(viewer.page, other.alertId).getByTestId("status").textContent()).toBe("open")
              expect(await viewer.page.getByTestId("ack").count()).toBe(0)
              expect(await viewer.page.locator("button.ack").count()).toBe(0)
              // The API refuses a viewer even with a valid session and CSRF token.
              return viewer.page.evaluate(async (alertId) => {
                const session = (await (await fetch("/api/session")).json()) as { csrf: string; role: string }
                const res = await fetch(`/api/alerts/${encodeURIComponent(alertId)}/acknowledge`, {
                  method: "POST",
                  headers: { "x-csrf-token": session.csrf }
                })
                return { role: session.role, status: res.status, body: (await res.json()) as unknown }
              }, other.alertId)
            })
            expect(refused).toStrictEqual({
              role: "viewer",
              status: 403,
              body: { error: "only officers acknowledge alerts" }
            })
            expect(yield* storedAlert(c, other)).toMatchObject({ status: "open" })
            expect(yield* step(() => officer.problems())).toStrictEqual([])
            expect(yield* step(() => viewer.problems([401, 403]))).toStrictEqual([])
          }),
        TestTimeout
      )

      it.scoped(
        "a citizen name full of markup shows as text: no element made of it, no script run, no CSP violation",
        () =>
          Effect.gen(function* () {
            const c = yield* startConsole()
            yield* c.addUser("mallory-watch", "officer", Password)
            const names = [
              `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`,
              `"><svg onload="window.__pwned=3"></svg><a href="javascript:window.__pwned=4">x</a>`,
              `Ada 'Morel' & "co" — ünï &amp; &lt;b&gt;`
            ]
            const loaded = alertOf("drone-xss", 1, names[0])
            yield* c.publish([loaded])
            yield* stored(c, 1)
            const { page, problems } = yield* openPage()
            const pushed = [alertOf("drone-xss", 2, names[1]), alertOf("drone-xss", 3, names[2])]
            yield* step(async () => {
              await signInToConsole(page, c.url, "mallory-watch", Password)
              await row(page, loaded.alertId).waitFor()
            })
            // One name came with the first page, the others arrive live.
            yield* c.publish(pushed)
            yield* step(async () => {
              await poll(() => rows(page).count()).toBe(3)
              const shown = await Promise.all(
                [loaded, ...pushed].map((a) => row(page, a.alertId).getByTestId("citizen").textContent())
              )
              expect(shown).toStrictEqual(names)
              const list = page.getByTestId("alerts")
              expect(await list.locator("img, script, svg, a, b").count()).toBe(0)
              expect(await page.locator("img").count()).toBe(0)
              expect(await page.evaluate("document.scripts.length")).toBe(1)
              // The map's tooltips carry the names too, as SVG <title> text.
              const titles = await page
                .getByTestId("map")
                .locator("circle > title")
                .evaluateAll((ts) => ts.map((t) => t.textContent ?? ""))
              expect([...titles].sort()).toStrictEqual([...names].sort())
              expect(await page.getByTestId("map").locator("image, foreignObject, script, a").count()).toBe(0)
              expect(await page.evaluate("typeof window.__pwned")).toBe("undefined")
              expect(await problems()).toStrictEqual([])
            })
          }),
        TestTimeout
      )

      it.scoped(
        "a wrong password shows an error and stays on the login form",
        () =>
          Effect.gen(function* () {
            const c = yield* startConsole()
            yield* c.addUser("bea", "officer", Password)
            const { page, problems } = yield* openPage()
            yield* step(async () => {
              await signInWithForm(page, c.url, "bea", "not the password")
              const error = page.getByTestId("login-error")
              await poll(() => error.textContent()).toMatch(/wrong username or password/i)
              expect(await error.isVisible()).toBe(true)
              expect(await page.getByTestId("login-form").isVisible()).toBe(true)
              expect(await page.locator('input[name="password"]').inputValue()).toBe("")
              expect(await page.locator('button[type="submit"]').isEnabled()).toBe(true)
              expect(await page.getByTestId("live").count()).toBe(0)
              expect(await page.getByTestId("alerts").count()).toBe(0)
              expect(await page.evaluate("fetch('/api/session').then((r) => r.status)")).toBe(401)
              expect(await problems()).toStrictEqual([])
            })
          }),
        TestTimeout
      )

      it.scoped(
        "the console with 30 alerts of five drones at 1280×800: the screenshot (docs/console.png when asked)",
        () =>
          Effect.gen(function* () {
            const c = yield* startConsole()
            yield* c.addUser("officer.martin", "officer", Password)
            const drones = ["drone-0007", "drone-0012", "drone-0019", "drone-0023", "drone-0031"]
            const citizens = [
              "Ada Morel",
              "Bruno Lefèvre",
              "Chloé Garnier",
              "Daniel Roux",
              "Élise Fontaine",
              "Farid Benali",
              "Gaëlle Marchand",
              "Hugo Perrin",
              "Inès Caron",
              "Jules Mercier"
            ]
            // Around Paris, each drone on its own beat: positions spread over the map.
            const alerts = Arr.makeBy(30, (k): Alert => {
              const drone = k % drones.length
              const base = alertOf(drones[drone]!, k + 1, citizens[(k * 7) % citizens.length]!)
              return {
                ...base,
                peacescore: (k * 13) % 20,
                location: {
                  latitude: 48.815 + drone * 0.018 + ((k * 37) % 11) * 0.0021,
                  longitude: 2.255 + ((k * 53) % 17) * 0.0085 + drone * 0.006
                }
              }
            })
            yield* c.publish(alerts)
            yield* stored(c, 30)
            const acknowledged = alerts.filter((_, k) => k % 4 === 1 && k < 26)
            yield* Effect.forEach(acknowledged, (a, i) =>
              c.store.acknowledge(a.alertId, i % 2 === 0 ? "officer.martin" : "officer.durand", new Date())
            )
            const { page, problems } = yield* openPage({ viewport: { width: 1280, height: 800 } })
            const fs = yield* FileSystem.FileSystem
            const dir =
              process.env["PEACESTATE_SCREENSHOT"] === "1"
                ? join(root, "docs")
                : yield* fs.makeTempDirectoryScoped({ prefix: "peacestate-screenshot-" })
            const file = join(dir, "console.png")
            yield* step(async () => {
              await signInToConsole(page, c.url, "officer.martin", Password)
              await poll(() => rows(page).count()).toBe(30)
              await poll(() => page.getByTestId("map").locator("circle[data-alert-id]").count()).toBe(30)
              await poll(() => text(page, "stats-alerts")).toBe("30")
              await poll(() => text(page, "stats-open")).toBe(String(30 - acknowledged.length))
              expect(await page.getByTestId("ack").count()).toBe(30 - acknowledged.length)
              await page.mouse.move(0, 0)
              mkdirSync(dir, { recursive: true })
              await page.screenshot({ path: file, animations: "disabled", caret: "hide" })
              expect(await problems()).toStrictEqual([])
            })
            expect(statSync(file).size).toBeGreaterThan(10_000)
          }).pipe(Effect.provide(NodeContext.layer)),
        TestTimeout
      )

      it.scoped(
        "on a phone (375×740) the page never scrolls sideways",
        () =>
          Effect.gen(function* () {
            const c = yield* startConsole()
            yield* c.addUser("pat", "viewer", Password)
            const alerts = [
              ...Arr.makeBy(8, (n) => alertOf(`drone-phone-${n % 3}`, n + 1)),
              alertOf("drone-with-a-rather-long-identifier-0000000001", 9, "Wolfeschlegelsteinhausenberger".repeat(3)),
              alertOf("drone-phone-0", 10, `<img src=x onerror="window.__pwned=1"> and a long name after it`)
            ]
            yield* c.publish(alerts)
            yield* stored(c, alerts.length)
            const { page, problems } = yield* openPage({
              viewport: { width: 375, height: 740 },
              isMobile: true,
              hasTouch: true,
              deviceScaleFactor: 2
            })
            yield* step(async () => {
              await signInToConsole(page, c.url, "pat", Password)
              await poll(() => rows(page).count()).toBe(alerts.length)
              await poll(() => text(page, "stats-alerts")).toBe(String(alerts.length))
              expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375)
              expect(await page.evaluate("document.body.scrollWidth")).toBeLessThanOrEqual(375)
              // body has overflow-x: hidden: also check that no box reaches past the right edge (the map's
              // shapes excepted: the SVG clips them to its own box, which is checked).
              const past = await page.evaluate(`Array.from(document.querySelectorAll("#app *"))
              .filter((e) => e.getClientRects().length > 0 && !e.closest(".sr-only") && !e.closest("svg > *"))
              .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
              .map((e) => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className : "")
                + " right=" + Math.round(e.getBoundingClientRect().right))`)
              expect(past).toStrictEqual([])
              expect(await problems()).toStrictEqual([])
            })
          }),
        TestTimeout
      )
    }
  )
}
