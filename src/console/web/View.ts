// The console's views, built with Dom.ts: the login form, the console's fixed structure (header with stats and
// the live indicator, filters, map, table), one table row per alert (cards on phones, by CSS) and the SVG map.
// Builders only: they return elements and hold no state (app.ts does). data-testid attributes are the hooks of
// the browser tests.

import { el, field, svg, svgText, text } from "./Dom.js"
import { formatDuration, formatLocal, formatLocation, formatNumber, latencyMs, missing } from "./Format.js"
import { project } from "./Map.js"
import type { Session, StoredAlert } from "./Wire.js"

export interface LoginView {
  readonly form: HTMLFormElement
  readonly username: HTMLInputElement
  readonly password: HTMLInputElement
  readonly submit: HTMLButtonElement
  readonly error: HTMLElement
}

export const loginView = (notice: string): LoginView => {
  const username = el("input", { name: "username", autocomplete: "username", autocapitalize: "none", required: "" })
  const password = el("input", { name: "password", type: "password", autocomplete: "current-password", required: "" })
  const submit = text("button", { type: "submit" }, "Sign in")
  const error = text("p", { class: "error", role: "alert", "data-testid": "login-error" }, notice)
  const form = el("form", { class: "login", "data-testid": "login-form" }, [
    text("h1", {}, "PeaceState console"),
    field("Username", username),
    field("Password", password),
    submit,
    error
  ])
  return { form, username, password, submit, error }
}

export interface ConsoleView {
  readonly root: HTMLElement
  readonly statsAlerts: HTMLElement
  readonly statsOpen: HTMLElement
  readonly live: HTMLElement
  readonly logout: HTMLButtonElement
  readonly filters: HTMLFormElement
  readonly status: HTMLSelectElement
  readonly droneId: HTMLInputElement
  readonly citizen: HTMLInputElement
  readonly from: HTMLInputElement
  readonly to: HTMLInputElement
  readonly clear: HTMLButtonElement
  readonly message: HTMLElement
  readonly mapBox: HTMLElement
  readonly map: SVGSVGElement
  readonly count: HTMLElement
  readonly rows: HTMLTableSectionElement
  readonly empty: HTMLElement
  readonly loadOlder: HTMLButtonElement
}

const columns = ["Time", "Drone", "Citizen", "Peacescore", "Location", "Report → alert", "Status", "Action"]

const option = (value: string, caption: string) => text("option", { value }, caption)

export const consoleView = (session: Session): ConsoleView => {
  const statsAlerts = text("strong", { "data-testid": "stats-alerts" }, missing)
  const statsOpen = text("strong", { "data-testid": "stats-open" }, missing)
  const live = text("span", { class: "live off", "data-testid": "live", role: "status" }, "reconnecting…")
  const logout = text("button", { type: "button", class: "secondary", "data-testid": "logout" }, "Log out")
  const status = el("select", { name: "status" }, [
    option("", "All"),
    option("open", "Open"),
    option("acknowledged", "Acknowledged")
  ])
  const input = (name: string, type = "text") =>
    el("input", { name, type, autocomplete: "off", step: type === "datetime-local" ? "1" : undefined })
  const [droneId, citizen, from, to] = [
    input("droneId"),
    input("citizen"),
    input("from", "datetime-local"),
    input("to", "datetime-local")
  ]
  const clear = text("button", { type: "button", class: "secondary" }, "Clear")
  const filters = el("form", { class: "filters", role: "search", "data-testid": "filters" }, [
    field("Status", status),
    field("Drone id", droneId),
    field("Citizen contains", citizen),
    field("From (local time)", from),
    field("To (local time)", to),
    el("div", { class: "actions" }, [text("button", { type: "submit" }, "Apply"), clear])
  ])
  const message = text("p", { class: "message", role: "alert" }, "")
  const map = svg("svg", { class: "map", "data-testid": "map", role: "img", "aria-label": "Map of alert positions" })
  const mapBox = el("section", { class: "map-box" }, [map])
  const count = text("p", { class: "count" }, "")
  const rows = el("tbody")
  const table = el("table", { class: "alerts", "data-testid": "alerts" }, [
    text("caption", { class: "sr-only" }, "Alerts, newest first"),
    el("thead", {}, [
      el(
        "tr",
        {},
        columns.map((c) => text("th", { scope: "col" }, c))
      )
    ]),
    rows
  ])
  const empty = text("p", { class: "empty" }, "Loading…")
  const loadOlder = text("button", { type: "button", class: "older", "data-testid": "load-older" }, "Load older")
  const header = el("header", { class: "top" }, [
    text("h1", {}, "PeaceState console"),
    el("p", { class: "stats" }, [text("span", {}, "Alerts"), statsAlerts, text("span", {}, "Open"), statsOpen]),
    live,
    el("p", { class: "user" }, [
      text("a", { href: "/analysis", "data-testid": "analysis-link" }, "Analysis"),
      text("span", { "data-testid": "user" }, `${session.username} (${session.role})`),
      logout
    ])
  ])
  const root = el("div", { class: "console" }, [header, filters, message, mapBox, count, table, empty, loadOlder])
  message.hidden = true
  loadOlder.hidden = true
  return {
    root,
    statsAlerts,
    statsOpen,
    live,
    logout,
    filters,
    status,
    droneId,
    citizen,
    from,
    to,
    clear,
    message,
    mapBox,
    map,
    count,
    rows,
    empty,
    loadOlder
  }
}

/** What a row shows that can change for the same alertId: a row whose signature still matches is reused. */
export const rowSignature = (a: StoredAlert): string =>
  `${a.status}|${a.acknowledgedBy ?? ""}|${a.acknowledgedAt ?? ""}`

const statusClass = (a: StoredAlert): string => (a.status === "open" ? "open" : "done")

const acknowledgement = (a: StoredAlert): string =>
  `by ${a.acknowledgedBy ?? missing}${a.acknowledgedAt === undefined ? "" : ` at ${formatLocal(a.acknowledgedAt)}`}`

export const alertRow = (a: StoredAlert, canAcknowledge: boolean): HTMLTableRowElement => {
  const cell = (label: string, content: string, attributes: Readonly<Record<string, string>> = {}) =>
    text("td", { "data-label": label, ...attributes }, content)
  const action =
    a.status !== "open"
      ? [text("span", { class: "by" }, a.status === "acknowledged" ? acknowledgement(a) : "")]
      : canAcknowledge
        ? [text("button", { type: "button", class: "ack", "data-testid": "ack" }, "Acknowledge")]
        : []
  return el(
    "tr",
    { class: statusClass(a), "data-testid": "alert-row", "data-alert-id": a.alertId, "data-sig": rowSignature(a) },
    [
      el("td", { "data-label": "Time" }, [
        text("time", { datetime: a.timestamp, title: a.timestamp }, formatLocal(a.timestamp))
      ]),
      cell("Drone", a.droneId || missing, { class: "mono" }),
      cell("Citizen", a.citizen, { "data-testid": "citizen", class: "citizen" }),
      cell("Peacescore", formatNumber(a.peacescore), { class: "num" }),
      cell("Location", formatLocation(a.location), { class: "mono" }),
      cell("Report → alert", formatDuration(latencyMs(a)), { class: "num", title: `detected ${a.detectedAt}` }),
      cell("Status", a.status || missing, { "data-testid": "status", class: `status ${statusClass(a)}` }),
      el("td", { "data-label": "Action", class: "action" }, action)
    ]
  )
}

const fixed = (n: number): string => n.toFixed(1)

/** Redraws the map for these alerts (those with a position) at this width, in viewBox units ≈ CSS pixels. */
export const renderMap = (map: SVGSVGElement, alerts: ReadonlyArray<StoredAlert>, width: number): void => {
  const height = Math.round(Math.min(Math.max(width * 0.5, 220), 420))
  const located = alerts.flatMap((a) => (a.location === undefined ? [] : [{ alert: a, at: a.location }]))
  const projection = project(
    located.map((l) => l.at),
    { width, height, padding: 28 }
  )
  const meridians = projection.meridians.flatMap((m) => [
    svg("line", { class: "grid", x1: fixed(m.at), x2: fixed(m.at), y1: "0", y2: String(height) }),
    svgText("text", { class: "grid-label", x: fixed(m.at + 3), y: String(height - 6) }, m.label)
  ])
  const parallels = projection.parallels.flatMap((p) => [
    svg("line", { class: "grid", x1: "0", x2: String(width), y1: fixed(p.at), y2: fixed(p.at) }),
    svgText("text", { class: "grid-label", x: "4", y: fixed(p.at - 4) }, p.label)
  ])
  // Oldest first, so that the newest are drawn on top.
  const dots = located
    .map((l, i) => ({ alert: l.alert, point: projection.points[i] }))
    .reverse()
    .map(({ alert, point }) =>
      svg(
        "circle",
        {
          class: `dot ${statusClass(alert)}`,
          cx: fixed(point.x),
          cy: fixed(point.y),
          r: "6",
          "data-alert-id": alert.alertId
        },
        [svgText("title", {}, alert.citizen)]
      )
    )
  const nothing =
    located.length === 0
      ? [
          svgText(
            "text",
            { class: "map-empty", x: String(width / 2), y: String(height / 2), "text-anchor": "middle" },
            "No positions to show"
          )
        ]
      : []
  map.setAttribute("viewBox", `0 0 ${width} ${height}`)
  map.setAttribute("aria-label", `Map of ${located.length} alert positions`)
  map.replaceChildren(
    svg("rect", { class: "sea", width: String(width), height: String(height) }),
    ...meridians,
    ...parallels,
    ...dots,
    ...nothing
  )
}
