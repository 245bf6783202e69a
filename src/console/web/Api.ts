// The console's client of the server API: JSON over fetch, same origin. The session cookie is HttpOnly (this code
// never sees it); state-changing calls carry the CSRF token from /api/session or /api/login. Every call resolves
// to a Reply, a network failure included (status 0): nothing here throws.

import { errorMessage, parseJson } from "./Wire.js"

export interface Reply {
  readonly status: number
  readonly body: unknown
}

const call = (
  method: "GET" | "POST",
  path: string,
  options: { readonly json?: unknown; readonly csrf?: string } = {}
): Promise<Reply> =>
  fetch(path, {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: {
      accept: "application/json",
      ...(options.json === undefined ? {} : { "content-type": "application/json" }),
      ...(options.csrf === undefined ? {} : { "x-csrf-token": options.csrf })
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) })
  })
    .then((response) => response.text().then((text) => ({ status: response.status, body: parseJson(text) })))
    .catch(() => ({ status: 0, body: undefined }))

/** What to tell the user about a failed reply: the server's own `error` message when it sent one. */
export const describeFailure = (reply: Reply): string =>
  errorMessage(reply.body) ??
  (reply.status === 0
    ? "Cannot reach the server."
    : reply.status === 403
      ? "Not allowed for your role."
      : reply.status === 404
        ? "Not found."
        : `Request failed (HTTP ${reply.status}).`)

export const getSession = () => call("GET", "/api/session")
export const login = (username: string, password: string) =>
  call("POST", "/api/login", { json: { username, password } })
export const logout = (csrf: string) => call("POST", "/api/logout", { csrf })
export const getStats = () => call("GET", "/api/stats")
export const getAlerts = (query: string) => call("GET", `/api/alerts?${query}`)
export const acknowledge = (alertId: string, csrf: string) =>
  call("POST", `/api/alerts/${encodeURIComponent(alertId)}/acknowledge`, { csrf })

export const streamUrl = "/api/alerts/stream"
