import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import {
  errorMessage,
  parseAlert,
  parseJson,
  parsePage,
  parseSession,
  parseStats
} from "../../../src/console/web/Wire.js"
import { alert } from "./Arbitraries.js"

const sample = {
  alertId: "pw-0042-000000017/0",
  reportId: "pw-0042-000000017",
  droneId: "pw-0042",
  timestamp: "2026-11-02T09:17:00.000Z",
  location: { latitude: 48.85661, longitude: 2.35222 },
  citizen: "<img src=x onerror=alert(1)>",
  peacescore: 7,
  detectedAt: "2026-11-28T04:00:00.012Z",
  status: "open"
}

describe("decoding the API", () => {
  it("reads a StoredAlert as it is, text untouched", () => {
    expect(parseAlert(sample)).toEqual({ ...sample, acknowledgedBy: undefined, acknowledgedAt: undefined })
  })

  it.prop("round-trips every well-formed alert through JSON", [alert], ([a]) => {
    const wire = JSON.parse(JSON.stringify(a)) as unknown
    expect(parseAlert(wire)).toEqual({ ...a, acknowledgedBy: a.acknowledgedBy || undefined })
  })

  it.prop(
    "never throws, whatever arrives; only an object with a string alertId is an alert",
    [fc.anything()],
    ([u]) => {
      const a = parseAlert(u)
      const isAlert =
        typeof u === "object" &&
        !!u &&
        !Array.isArray(u) &&
        typeof (u as { alertId?: unknown }).alertId === "string" &&
        (u as { alertId: string }).alertId !== ""
      expect(a !== undefined).toBe(isAlert)
      expect(() => parsePage(u)).not.toThrow()
      expect(() => parseSession(u)).not.toThrow()
    }
  )

  it("wrong fields become neutral values", () => {
    const a = parseAlert({
      alertId: "x",
      citizen: 42,
      peacescore: "7",
      location: { latitude: 91, longitude: 0 },
      acknowledgedBy: {}
    })
    expect(a).toMatchObject({
      alertId: "x",
      citizen: "",
      status: "",
      droneId: "",
      location: undefined,
      acknowledgedBy: undefined
    })
    expect(Number.isNaN(a?.peacescore)).toBe(true)
  })

  it("pages skip what is not an alert; next only when a non-empty string", () => {
    expect(parsePage({ alerts: [sample, null, 3, { alertId: 7 }], next: "c1" })).toMatchObject({
      alerts: [{ alertId: sample.alertId }],
      next: "c1"
    })
    expect(parsePage({ alerts: [] })).toEqual({ alerts: [], next: undefined })
    expect(parsePage({ alerts: [], next: "" })?.next).toBeUndefined()
    expect(parsePage({ alerts: "nope" })).toBeUndefined()
  })

  it("sessions: any role but officer is a viewer", () => {
    expect(parseSession({ username: "ada", role: "officer", csrf: "t" })).toEqual({
      username: "ada",
      role: "officer",
      csrf: "t"
    })
    expect(parseSession({ username: "bob", role: "admin", csrf: "t" })?.role).toBe("viewer")
    expect(parseSession({ username: "bob", role: "officer" })).toBeUndefined()
  })

  it("stats, errors and JSON", () => {
    expect(parseStats({ alerts: 12, open: 3 })).toEqual({ alerts: 12, open: 3 })
    expect(parseStats({ alerts: "12", open: 3 })).toBeUndefined()
    expect(errorMessage({ error: "Too many attempts" })).toBe("Too many attempts")
    expect(errorMessage({})).toBeUndefined()
    expect(parseJson("{")).toBeUndefined()
    expect(parseJson('{"a":1}')).toEqual({ a: 1 })
  })
})
