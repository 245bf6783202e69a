// Arbitrary StoredAlerts and filters for the web console's tests (the shapes of src/console/web/Wire.ts).
import fc from "fast-check"
import type { Filters } from "../../../src/console/web/Filters.js"
import type { StoredAlert } from "../../../src/console/web/Wire.js"

export const instant = fc
  .integer({ min: Date.parse("2020-01-01T00:00:00Z"), max: Date.parse("2030-01-01T00:00:00Z") })
  .map((ms) => new Date(ms).toISOString())

// Positions as JSON can carry them: JSON has no -0 (it arrives as 0), so the generator makes none.
const coordinate = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map((x) => (x === 0 ? 0 : x))

export const position = fc.record({
  latitude: coordinate(-89, 89),
  longitude: coordinate(-180, 180)
})

export const alert: fc.Arbitrary<StoredAlert> = fc.record({
  alertId: fc.string({ minLength: 1, maxLength: 12 }),
  reportId: fc.string({ maxLength: 12 }),
  droneId: fc.constantFrom("pw-0001", "pw-0002", "pw-0042"),
  timestamp: instant,
  location: fc.option(position, { nil: undefined }),
  citizen: fc.oneof(fc.constantFrom("Ada Morel", "ADA", "Bob Li", "<img src=x onerror=alert(1)>"), fc.string()),
  peacescore: fc.integer({ min: 0, max: 100 }),
  detectedAt: instant,
  status: fc.constantFrom("open", "acknowledged"),
  acknowledgedBy: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
  acknowledgedAt: fc.option(instant, { nil: undefined })
})

/** Alerts with distinct alertIds. */
export const alerts = (maxLength: number) => fc.uniqueArray(alert, { maxLength, selector: (a) => a.alertId })

export const filters: fc.Arbitrary<Filters> = fc.record({
  status: fc.constantFrom("" as const, "open" as const, "acknowledged" as const),
  droneId: fc.constantFrom("", "pw-0001", "pw-0042"),
  citizen: fc.constantFrom("", "ada", "LI", "<img", "x"),
  from: fc.option(instant, { nil: undefined }),
  to: fc.option(instant, { nil: undefined })
})
