import { Schema } from "effect"

/** Wire schema version this build reads and writes. */
export const SchemaVersion = 1 as const

const IsoInstantUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/

/** An ISO-8601 instant in UTC (`Z`), kept as the drone wrote it. */
export const Timestamp = Schema.String.pipe(
  Schema.filter((s) => IsoInstantUtc.test(s) && Number.isFinite(Date.parse(s)), {
    message: (issue) => `expected an ISO-8601 instant in UTC ending in Z, got ${JSON.stringify(issue.actual)}`
  })
)

const NonEmpty = Schema.String.pipe(Schema.minLength(1, { message: () => "expected a non-empty string" }))

const finiteBetween = (min: number, max: number) =>
  Schema.Number.pipe(
    Schema.filter((n) => Number.isFinite(n) && n >= min && n <= max, {
      message: (issue) => `expected a finite number between ${min} and ${max}, got ${String(issue.actual)}`
    })
  )

const finiteAtLeast = (min: number) =>
  Schema.Number.pipe(
    Schema.filter((n) => Number.isFinite(n) && n >= min, {
      message: (issue) => `expected a finite number >= ${min}, got ${String(issue.actual)}`
    })
  )

const FiniteNumber = Schema.Number.pipe(
  Schema.filter((n) => Number.isFinite(n), {
    message: (issue) => `expected a finite number, got ${String(issue.actual)}`
  })
)

/** Peacescore: integer in [0, 100], 100 = perfectly peaceful. */
export const Peacescore = Schema.Number.pipe(
  Schema.filter((n) => Number.isInteger(n) && n >= 0 && n <= 100, {
    message: (issue) => `expected an integer between 0 and 100, got ${String(issue.actual)}`
  })
)

const arrayOf = <S extends Schema.Schema.Any>(item: S) =>
  Schema.Array(item).annotations({ message: (issue) => `expected an array, got ${JSON.stringify(issue.actual)}` })

export const Location = Schema.Struct({
  latitude: finiteBetween(-90, 90),
  longitude: finiteBetween(-180, 180)
})
export type Location = typeof Location.Type

export const Citizen = Schema.Struct({
  name: NonEmpty,
  peacescore: Peacescore
})
export type Citizen = typeof Citizen.Type

export const Telemetry = Schema.Struct({
  batteryPct: finiteBetween(0, 100),
  altitudeM: finiteAtLeast(0),
  speedMps: finiteAtLeast(0),
  temperatureC: FiniteNumber
})
export type Telemetry = typeof Telemetry.Type

/** A peacewatcher drone report, as on the wire (CONTRACT §1). */
export const Report = Schema.Struct({
  schemaVersion: Schema.Literal(SchemaVersion).annotations({
    message: (issue) => `expected the literal 1, got ${JSON.stringify(issue.actual)}`
  }),
  reportId: NonEmpty,
  droneId: NonEmpty,
  timestamp: Timestamp,
  location: Location,
  citizens: arrayOf(Citizen),
  words: arrayOf(Schema.String),
  telemetry: Telemetry
})
export type Report = typeof Report.Type
