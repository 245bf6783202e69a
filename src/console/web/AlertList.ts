// The list of alerts the page shows, newest first: the live part (alerts pushed by the stream, prepended, capped
// so a console left open for days keeps a flat memory) followed by the older part (pages loaded from /api/alerts,
// with the cursor of the next page). No alertId appears twice. Pure: every operation returns a new list.

import type { StoredAlert } from "./Wire.js"

export interface AlertList {
  readonly live: ReadonlyArray<StoredAlert>
  readonly older: ReadonlyArray<StoredAlert>
  /** The `before` cursor of the next older page; undefined when there is none (or none loaded yet). */
  readonly next: string | undefined
}

export const emptyList: AlertList = { live: [], older: [], next: undefined }

export const alertsOf = (list: AlertList): ReadonlyArray<StoredAlert> => [...list.live, ...list.older]

const contains = (list: AlertList, alertId: string): boolean =>
  list.live.some((a) => a.alertId === alertId) || list.older.some((a) => a.alertId === alertId)

/** The same list with the alert of that alertId replaced, wherever it is; unchanged when it is absent. */
export const replaceAlert = (list: AlertList, alert: StoredAlert): AlertList => {
  const swap = (a: StoredAlert): StoredAlert => (a.alertId === alert.alertId ? alert : a)
  return contains(list, alert.alertId) ? { ...list, live: list.live.map(swap), older: list.older.map(swap) } : list
}

/** A new alert on top; an alertId already shown is updated in place instead. The live part keeps its newest `cap`. */
export const prependLive = (list: AlertList, alert: StoredAlert, cap: number): AlertList =>
  contains(list, alert.alertId)
    ? replaceAlert(list, alert)
    : { ...list, live: [alert, ...list.live].slice(0, Math.max(0, cap)) }

/** An older page at the bottom, without the alerts already shown (nor repeats within the page). */
export const appendPage = (
  list: AlertList,
  alerts: ReadonlyArray<StoredAlert>,
  next: string | undefined
): AlertList => {
  const shown = new Set(alertsOf(list).map((a) => a.alertId))
  const fresh = alerts.filter((a, i) => !shown.has(a.alertId) && alerts.findIndex((b) => b.alertId === a.alertId) === i)
  return { ...list, older: [...list.older, ...fresh], next }
}
