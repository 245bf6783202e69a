import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import {
  alertsOf,
  appendPage,
  emptyList,
  prependLive,
  replaceAlert,
  type AlertList
} from "../../../src/console/web/AlertList.js"
import type { StoredAlert } from "../../../src/console/web/Wire.js"
import { alert, alerts } from "./Arbitraries.js"

const ids = (list: AlertList) => alertsOf(list).map((a) => a.alertId)
const unique = (xs: ReadonlyArray<string>) => new Set(xs).size === xs.length

/** A list built by a random mix of pushes (live) and pages. */
const built = fc
  .array(
    fc.oneof(
      alert.map((a) => ({ live: a })),
      alerts(8).map((page) => ({ page }))
    ),
    { maxLength: 30 }
  )
  .map((steps) =>
    steps.reduce<AlertList>(
      (list, step) => ("live" in step ? prependLive(list, step.live, 10) : appendPage(list, step.page, "cursor")),
      emptyList
    )
  )

describe("the alert list", () => {
  it.prop("never shows an alertId twice, and keeps at most `cap` live alerts", [built], ([list]) => {
    expect(unique(ids(list))).toBe(true)
    expect(list.live.length).toBeLessThanOrEqual(10)
  })

  it.prop(
    "a pushed alert goes on top; the oldest live ones beyond the cap are dropped",
    [alerts(40), fc.integer({ min: 1, max: 20 })],
    ([pushed, cap]) => {
      const list = pushed.reduce<AlertList>((l, a) => prependLive(l, a, cap), emptyList)
      expect(ids(list)).toEqual(
        pushed
          .map((a) => a.alertId)
          .reverse()
          .slice(0, cap)
      )
    }
  )

  it.prop(
    "a pushed alert already shown is updated in place, not repeated",
    [alerts(10), alerts(10), alert],
    ([live, page, a]) => {
      const list = appendPage(
        live.reduce<AlertList>((l, x) => prependLive(l, x, 100), emptyList),
        page,
        undefined
      )
      const shown = alertsOf(list)
      fc.pre(shown.length > 0)
      const target = { ...a, alertId: shown[shown.length - 1]!.alertId, status: "acknowledged" }
      const after = prependLive(list, target, 100)
      expect(ids(after)).toEqual(ids(list))
      expect(alertsOf(after).at(-1)).toEqual(target)
    }
  )

  it.prop(
    "pages are appended in order without the alerts already shown; next is the last page's",
    [alerts(10), alerts(10)],
    ([first, second]) => {
      const list = appendPage(appendPage(emptyList, first, "a"), second, undefined)
      const firstIds = first.map((a) => a.alertId)
      expect(ids(list)).toEqual([...firstIds, ...second.map((a) => a.alertId).filter((id) => !firstIds.includes(id))])
      expect(list.next).toBeUndefined()
      expect(appendPage(emptyList, [...first, ...first], "b").older).toEqual(first)
    }
  )

  it.prop(
    "replaceAlert swaps the alert of that id wherever it is, and leaves the list alone when absent",
    [built, alert],
    ([list, a]) => {
      const shown = alertsOf(list)
      expect(replaceAlert(list, { ...a, alertId: "never-an-id-of-the-arbitrary" })).toBe(list)
      const target: StoredAlert | undefined = shown[Math.floor(shown.length / 2)]
      if (target === undefined) return
      const updated = { ...target, status: "acknowledged", acknowledgedBy: "ada" }
      const after = replaceAlert(list, updated)
      expect(ids(after)).toEqual(ids(list))
      expect(alertsOf(after).find((x) => x.alertId === target.alertId)).toEqual(updated)
    }
  )
})
