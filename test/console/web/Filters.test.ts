import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { localToIso, matches, noFilters, readFilters, toQuery } from "../../../src/console/web/Filters.js"
import { formatLocal } from "../../../src/console/web/Format.js"
import { alert, filters } from "./Arbitraries.js"

describe("filters", () => {
  it.prop(
    "match has the server's semantics: status and drone equal, citizen substring (any case), from ≤ t < to",
    [filters, alert],
    ([f, a]) => {
      // An independent oracle: a case-insensitive RegExp, and ISO strings of one format compared as strings.
      const citizen = new RegExp(f.citizen.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i")
      const expected =
        (f.status === "" || f.status === a.status) &&
        (f.droneId === "" || f.droneId === a.droneId) &&
        citizen.test(a.citizen) &&
        (f.from === undefined || f.from <= a.timestamp) &&
        (f.to === undefined || a.timestamp < f.to)
      expect(matches(f, a)).toBe(expected)
    }
  )

  it.prop("filters made from an alert's own fields match it", [alert, fc.nat(), fc.nat()], ([a, i, j]) => {
    const [start, end] = [Math.min(i, j) % (a.citizen.length + 1), Math.max(i, j) % (a.citizen.length + 1)]
    const t = Date.parse(a.timestamp)
    const own = {
      status: a.status === "open" ? ("open" as const) : ("acknowledged" as const),
      droneId: a.droneId,
      citizen: a.citizen.slice(Math.min(start, end), Math.max(start, end)).toUpperCase(),
      from: a.timestamp,
      to: new Date(t + 1).toISOString()
    }
    const ascii = /^[\x20-\x7e]*$/.test(a.citizen)
    if (ascii) expect(matches(own, a)).toBe(true)
    expect(matches({ ...own, citizen: "", to: a.timestamp }, a)).toBe(false)
  })

  it.prop("no filters match every alert", [alert], ([a]) => {
    expect(matches(noFilters, a)).toBe(true)
  })

  it("citizen is a case-insensitive substring; the range is half-open", () => {
    const a = { ...fc.sample(alert, 1)[0]!, citizen: "Ada Morel", timestamp: "2026-11-02T09:17:00.000Z" }
    expect(matches({ ...noFilters, citizen: "MOR" }, a)).toBe(true)
    expect(matches({ ...noFilters, citizen: "bob" }, a)).toBe(false)
    expect(matches({ ...noFilters, from: "2026-11-02T09:17:00.000Z" }, a)).toBe(true)
    expect(matches({ ...noFilters, to: "2026-11-02T09:17:00.000Z" }, a)).toBe(false)
    expect(matches({ ...noFilters, to: "2026-11-02T09:17:00.001Z" }, a)).toBe(true)
  })

  it.prop(
    "the query string carries exactly the filters that are set",
    [filters, fc.integer({ min: 1, max: 500 }), fc.option(fc.string({ minLength: 1 }), { nil: undefined })],
    ([f, limit, before]) => {
      const q = new URLSearchParams(toQuery(f, { limit, before }))
      expect(q.get("limit")).toBe(String(limit))
      expect(q.get("before") ?? undefined).toBe(before)
      expect(q.get("status") ?? "").toBe(f.status)
      expect(q.get("droneId") ?? "").toBe(f.droneId)
      expect(q.get("citizen") ?? "").toBe(f.citizen)
      expect(q.get("from") ?? undefined).toBe(f.from)
      expect(q.get("to") ?? undefined).toBe(f.to)
    }
  )

  it("reads the form: unknown status is any, text trimmed, local times to ISO UTC, bad times dropped", () => {
    const f = readFilters({
      status: "bogus",
      droneId: " pw-0042 ",
      citizen: " ada ",
      from: "2026-11-02T10:17",
      to: "nope"
    })
    expect(f).toEqual({
      status: "",
      droneId: "pw-0042",
      citizen: "ada",
      from: new Date(2026, 10, 2, 10, 17).toISOString(),
      to: undefined
    })
    expect(readFilters({ status: "acknowledged", droneId: "", citizen: "", from: "", to: "" }).status).toBe(
      "acknowledged"
    )
  })

  it("localToIso reads the browser's local time, with or without seconds", () => {
    expect(localToIso("2026-11-02T10:17:05")).toBe(new Date(2026, 10, 2, 10, 17, 5).toISOString())
    expect(localToIso("2026-11-02T10:17:05.250")).toBe(new Date(2026, 10, 2, 10, 17, 5, 250).toISOString())
    expect(localToIso("2026-11-02")).toBeUndefined()
    expect(localToIso("2026-13-45T99:99")).toBeUndefined()
    expect(localToIso("")).toBeUndefined()
  })

  it.prop(
    "localToIso inverts formatLocal (away from DST changes)",
    [fc.integer({ min: Date.parse("2020-01-01T00:00:00Z"), max: Date.parse("2030-01-01T00:00:00Z") })],
    ([ms]) => {
      const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString()
      const steady = [-3, 3].every(
        (h) => new Date(ms + h * 3_600_000).getTimezoneOffset() === new Date(ms).getTimezoneOffset()
      )
      if (steady) expect(localToIso(formatLocal(iso).replace(" ", "T"))).toBe(iso)
    }
  )
})
