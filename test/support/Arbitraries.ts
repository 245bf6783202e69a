import fc from "fast-check"
import type { Report } from "../../src/domain/Report.js"

const finite = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => x + 0)

export const citizen = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20 }),
  peacescore: fc.integer({ min: 0, max: 100 })
})

/** Valid reports, including edge values (bounds, unicode, empty arrays). */
export const report: fc.Arbitrary<Report> = fc.record({
  schemaVersion: fc.constant(1 as const),
  reportId: fc.string({ minLength: 1, maxLength: 30 }),
  droneId: fc.string({ minLength: 1, maxLength: 12 }),
  timestamp: fc
    .integer({ min: Date.parse("1990-01-01T00:00:00Z"), max: Date.parse("2100-01-01T00:00:00Z") })
    .map((ms) => new Date(ms).toISOString()),
  location: fc.record({ latitude: finite(-90, 90), longitude: finite(-180, 180) }),
  citizens: fc.array(citizen, { maxLength: 6 }),
  words: fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }),
  telemetry: fc.record({
    batteryPct: finite(0, 100),
    altitudeM: finite(0, 10_000),
    speedMps: finite(0, 200),
    temperatureC: finite(-80, 120)
  })
})
