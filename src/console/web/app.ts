// The officers' console in the browser: the entry point, bundled by scripts/bundle.mjs into dist/web/app.js and
// loaded by the server's HTML shell, which has an empty <main id="app">. Without a session it shows the login
// form; with one, the console: alerts newest first from /api/alerts, new ones pushed by /api/alerts/stream (SSE),
// a map, stats, filters, acknowledging. The console's state is one closure object replaced immutably
// (`ref.current = { ...ref.current, ... }`); rendering is coalesced (one per RenderDelayMs at most) and reuses
// the rows that did not change. Filtering, list merging, projection and formatting are the pure modules'.

import * as Api from "./Api.js"
import { alertsOf, appendPage, emptyList, prependLive, replaceAlert, type AlertList } from "./AlertList.js"
import { alertIdAt } from "./Dom.js"
import { matches, noFilters, readFilters, toQuery, type Filters } from "./Filters.js"
import { alertRow, consoleView, loginView, renderMap, rowSignature } from "./View.js"
import { errorMessage, parseAlert, parseJson, parsePage, parseSession, parseStats, type Session } from "./Wire.js"

const PageSize = 100
/** Alerts pushed by the stream kept on the page; older live ones are dropped (the pages loaded stay). */
const LiveCap = 500
const StatsEveryMs = 2_000
const RenderDelayMs = 100
const ReopenDelayMs = 5_000

const showLogin = (app: HTMLElement, notice = ""): void => {
  const view = loginView(notice)
  app.replaceChildren(view.form)
  view.username.focus()
  view.form.addEventListener("submit", (event) => {
    event.preventDefault()
    view.submit.disabled = true
    view.error.textContent = ""
    void Api.login(view.username.value, view.password.value).then((reply) => {
      const session = reply.status === 200 ? parseSession(reply.body) : undefined
      if (session !== undefined) return showConsole(app, session)
      view.submit.disabled = false
      view.password.value = ""
      view.error.textContent =
        errorMessage(reply.body) ?? (reply.status === 401 ? "Wrong username or password." : Api.describeFailure(reply))
    })
  })
}

interface State {
  readonly filters: Filters
  readonly list: AlertList
  /** Bumped by each reload: replies to the requests of an earlier generation are dropped. */
  readonly generation: number
  readonly loading: boolean
  readonly highlighted: string | undefined
  readonly source: EventSource | undefined
  readonly renderTimer: number | undefined
  readonly statsTimer: number | undefined
  readonly reopenTimer: number | undefined
  readonly lastStatsAt: number
  /** Whether the first page has been asked for: once the stream is open (see firstLoad). */
  readonly listed: boolean
  readonly closed: boolean
}

const FirstLoadFallbackMs = 3000

const showConsole = (app: HTMLElement, session: Session): void => {
  const canAcknowledge = session.role === "officer"
  const view = consoleView(session)
  app.replaceChildren(view.root)
  const ref: { current: State } = {
    current: {
      filters: noFilters,
      list: emptyList,
      generation: 0,
      loading: false,
      highlighted: undefined,
      source: undefined,
      renderTimer: undefined,
      statsTimer: undefined,
      reopenTimer: undefined,
      lastStatsAt: 0,
      listed: false,
      closed: false
    }
  }
  const set = (patch: Partial<State>): void => {
    ref.current = { ...ref.current, ...patch }
  }

  const say = (message: string): void => {
    view.message.textContent = message
    view.message.hidden = message === ""
  }

  const rowOf = (alertId: string): Element | undefined =>
    Array.from(view.rows.children).find((row) => row.getAttribute("data-alert-id") === alertId)

  const highlight = (alertId: string | undefined): void => {
    view.root
      .querySelectorAll("tr[data-alert-id], circle[data-alert-id]")
      .forEach((node) => node.classList.toggle("hl", node.getAttribute("data-alert-id") === alertId))
  }

  const point = (alertId: string | undefined): void => {
    if (alertId === undefined || alertId === ref.current.highlighted) return
    set({ highlighted: alertId })
    highlight(alertId)
  }

  const render = (): void => {
    const s = ref.current
    const alerts = alertsOf(s.list)
    const shown = new Map(Array.from(view.rows.children).map((row) => [row.getAttribute("data-alert-id") ?? "", row]))
    view.rows.replaceChildren(
      ...alerts.map((a) => {
        const row = shown.get(a.alertId)
        return row !== undefined && row.getAttribute("data-sig") === rowSignature(a) ? row : alertRow(a, canAcknowledge)
      })
    )
    renderMap(view.map, alerts, Math.min(Math.max(Math.round(view.mapBox.clientWidth) || 800, 280), 1600))
    highlight(s.highlighted)
    view.count.textContent = `${alerts.length} shown, newest first (${s.list.live.length} arrived live)`
    view.empty.textContent = s.loading ? "Loading…" : "No alerts match these filters."
    view.empty.hidden = alerts.length > 0
    view.loadOlder.hidden = s.list.next === undefined
    view.loadOlder.disabled = s.loading
    view.loadOlder.textContent = s.loading ? "Loading…" : "Load older"
  }

  const scheduleRender = (): void => {
    if (ref.current.renderTimer !== undefined || ref.current.closed) return
    set({
      renderTimer: window.setTimeout(() => {
        set({ renderTimer: undefined })
        render()
      }, RenderDelayMs)
    })
  }

  const close = (): void => {
    const s = ref.current
    s.source?.close()
    ;[s.renderTimer, s.statsTimer, s.reopenTimer].forEach((timer) => window.clearTimeout(timer))
    window.removeEventListener("resize", scheduleRender)
    set({ closed: true, source: undefined })
  }

  /** A 401 from any call: the session is gone, back to the login form. */
  const expire = (): void => {
    close()
    showLogin(app, "Your session has ended. Please sign in again.")
  }

  const refreshStats = (): void => {
    void Api.getStats().then((reply) => {
      if (ref.current.closed) return
      if (reply.status === 401) return expire()
      const stats = reply.status === 200 ? parseStats(reply.body) : undefined
      if (stats === undefined) return
      view.statsAlerts.textContent = String(stats.alerts)
      view.statsOpen.textContent = String(stats.open)
    })
  }

  /** Re-fetches /api/stats at most once every StatsEveryMs, however many events arrive. */
  const scheduleStats = (): void => {
    const s = ref.current
    if (s.statsTimer !== undefined || s.closed) return
    set({
      statsTimer: window.setTimeout(
        () => {
          set({ statsTimer: undefined, lastStatsAt: Date.now() })
          refreshStats()
        },
        Math.max(0, s.lastStatsAt + StatsEveryMs - Date.now())
      )
    })
  }

  /** Loads the first page for the current filters (replacing the list), or the next older page. */
  const load = (older: boolean): void => {
    const s = ref.current
    if (older && (s.loading || s.list.next === undefined)) return
    const generation = older ? s.generation : s.generation + 1
    set({ generation, loading: true, list: older ? s.list : emptyList })
    scheduleRender()
    void Api.getAlerts(toQuery(s.filters, { limit: PageSize, before: older ? s.list.next : undefined })).then(
      (reply) => {
        if (ref.current.closed || ref.current.generation !== generation) return
        if (reply.status === 401) return expire()
        const page = reply.status === 200 ? parsePage(reply.body) : undefined
        set({
          loading: false,
          list: page === undefined ? ref.current.list : appendPage(ref.current.list, page.alerts, page.next)
        })
        say(page === undefined ? `Could not load alerts: ${Api.describeFailure(reply)}` : "")
        scheduleRender()
      }
    )
  }

  const acknowledge = (alertId: string, button: HTMLButtonElement): void => {
    button.disabled = true
    void Api.acknowledge(alertId, session.csrf).then((reply) => {
      if (ref.current.closed) return
      if (reply.status === 401) return expire()
      const updated = reply.status === 200 ? parseAlert(reply.body) : undefined
      button.disabled = updated !== undefined
      say(updated === undefined ? `Could not acknowledge: ${Api.describeFailure(reply)}` : "")
      if (updated === undefined) return
      set({ list: replaceAlert(ref.current.list, updated) })
      scheduleStats()
      scheduleRender()
    })
  }

  /** A stream event: a new alert (shown if it passes the filters) or an acknowledged one (updated if shown). */
  const received = (event: Event, acknowledged: boolean): void => {
    const alert =
      event instanceof MessageEvent && typeof event.data === "string" ? parseAlert(parseJson(event.data)) : undefined
    if (alert === undefined || ref.current.closed) return
    const { list, filters } = ref.current
    const next = acknowledged
      ? replaceAlert(list, alert)
      : matches(filters, alert)
        ? prependLive(list, alert, LiveCap)
        : list
    scheduleStats()
    if (next === list) return
    set({ list: next })
    scheduleRender()
  }

  const setLive = (live: boolean): void => {
    view.live.textContent = live ? "live" : "reconnecting…"
    view.live.className = live ? "live on" : "live off"
  }

  // EventSource reconnects by itself after a network error; after an HTTP error it gives up (CLOSED): then check
  // the session (a 401 means signing in again) and open a new one.
  const openStream = (): void => {
    const source = new EventSource(Api.streamUrl)
    source.addEventListener("open", () => {
      setLive(true)
      scheduleStats()
      firstLoad()
    })
    source.addEventListener("error", () => {
      setLive(false)
      if (source.readyState === EventSource.CLOSED && !ref.current.closed) reopenLater()
    })
    source.addEventListener("message", (event) => received(event, false))
    source.addEventListener("acknowledged", (event) => received(event, true))
    set({ source })
  }

  const reopenLater = (): void => {
    ref.current.source?.close()
    set({
      source: undefined,
      reopenTimer: window.setTimeout(() => {
        set({ reopenTimer: undefined })
        void Api.getSession().then((reply) =>
          ref.current.closed ? undefined : reply.status === 401 ? expire() : openStream()
        )
      }, ReopenDelayMs)
    })
  }

  view.filters.addEventListener("submit", (event) => {
    event.preventDefault()
    set({
      filters: readFilters({
        status: view.status.value,
        droneId: view.droneId.value,
        citizen: view.citizen.value,
        from: view.from.value,
        to: view.to.value
      })
    })
    load(false)
  })
  view.clear.addEventListener("click", () => {
    view.filters.reset()
    set({ filters: noFilters })
    load(false)
  })
  view.loadOlder.addEventListener("click", () => load(true))
  view.logout.addEventListener("click", () => {
    view.logout.disabled = true
    void Api.logout(session.csrf).then((reply) => {
      const done = reply.status === 200 || reply.status === 401
      if (done) close()
      if (done) return showLogin(app)
      view.logout.disabled = false
      say(`Could not log out: ${Api.describeFailure(reply)}`)
    })
  })
  view.rows.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.ack") : undefined
    const alertId = alertIdAt(event.target, "tr[data-alert-id]")
    if (button instanceof HTMLButtonElement && alertId !== undefined && !button.disabled) acknowledge(alertId, button)
  })
  view.rows.addEventListener("mouseover", (event) => point(alertIdAt(event.target, "tr[data-alert-id]")))
  view.map.addEventListener("mouseover", (event) => point(alertIdAt(event.target, "circle[data-alert-id]")))
  view.map.addEventListener("click", (event) => {
    const alertId = alertIdAt(event.target, "circle[data-alert-id]")
    point(alertId)
    const row = alertId === undefined ? undefined : rowOf(alertId)
    row?.scrollIntoView({ block: "nearest", behavior: "smooth" })
  })
  window.addEventListener("resize", scheduleRender)

  // The stream first, then the first page: an alert stored between the two is in both (shown once: the list
  // de-duplicates), never in neither. Without a stream after a few seconds, the page is loaded anyway.
  const firstLoad = (): void => {
    if (ref.current.listed || ref.current.closed) return
    set({ listed: true })
    load(false)
  }
  openStream()
  window.setTimeout(firstLoad, FirstLoadFallbackMs)
  scheduleStats()
}

const start = (app: HTMLElement): void => {
  void Api.getSession().then((reply) => {
    const session = reply.status === 200 ? parseSession(reply.body) : undefined
    return session === undefined
      ? showLogin(app, reply.status === 401 ? "" : Api.describeFailure(reply))
      : showConsole(app, session)
  })
}

const app = document.getElementById("app")
if (app instanceof HTMLElement) start(app)
