import { Array as Arr, Data, Either, Option, ParseResult, Schema } from "effect"
import { Alert } from "./Alert.js"
import { fastReport } from "./FastPath.js"
import { Report } from "./Report.js"

/** Largest report payload accepted, in bytes; larger ones are bad input. */
export const MaxReportBytes = 1_048_576

/** One problem found in an input: where (a JSON path such as `citizens[2].peacescore`) and what. */
export interface Problem {
  readonly path: string
  readonly message: string
}

/** Bad input: a message that is not a valid Report. `message` names each field and the rule it broke. */
export class InvalidReport extends Data.TaggedError("InvalidReport")<{
  readonly problems: ReadonlyArray<Problem>
}> {
  override get message(): string {
    return this.problems.map((p) => `${p.path}: ${p.message}`).join("; ")
  }
}

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0
    ? "(root)"
    : path.reduce<string>(
        (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc === "" ? String(key) : `${acc}.${String(key)}`),
        ""
      )

const lowerFirst = (s: string): string => (s.length > 0 ? s[0]?.toLowerCase() + s.slice(1) : s)

const toProblems = (error: ParseResult.ParseError): ReadonlyArray<Problem> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: formatPath(issue.path),
    message: issue._tag === "Missing" ? "is missing" : lowerFirst(issue.message)
  }))

const decodeValue = Schema.decodeUnknownEither(Report, { errors: "first", onExcessProperty: "ignore" })

/** Validate an already parsed JSON value as a Report. */
export const decodeReportValue = (value: unknown): Either.Either<Report, InvalidReport> =>
  Option.match(fastReport(value), { onSome: Either.right, onNone: () => decodeReportValueWithSchema(value) })

/** Validate with the Schema alone (the reference the fast path is tested against). */
export const decodeReportValueWithSchema = (value: unknown): Either.Either<Report, InvalidReport> =>
  typeof value !== "object" || value === undefined || Array.isArray(value) || !value
    ? Either.left(
        new InvalidReport({ problems: [{ path: "(root)", message: `expected a JSON object, got ${describe(value)}` }] })
      )
    : Either.mapLeft(decodeValue(value), (e) => new InvalidReport({ problems: toProblems(e) }))

const describe = (value: unknown): string =>
  Array.isArray(value)
    ? "an array"
    : value === undefined
      ? "nothing"
      : !value && typeof value === "object"
        ? "null"
        : typeof value

const utf8 = new TextDecoder("utf-8", { fatal: true })

const toText = (input: string | Uint8Array): Either.Either<string, InvalidReport> =>
  typeof input === "string"
    ? Either.right(input)
    : input.byteLength > MaxReportBytes
      ? Either.left(tooLarge(input.byteLength))
      : Either.try({
          try: () => utf8.decode(input),
          catch: () => new InvalidReport({ problems: [{ path: "(root)", message: "payload is not valid UTF-8" }] })
        })

const tooLarge = (bytes: number) =>
  new InvalidReport({
    problems: [{ path: "(root)", message: `payload of ${bytes} bytes exceeds the limit of ${MaxReportBytes} bytes` }]
  })

const parseJson = (text: string): Either.Either<unknown, InvalidReport> =>
  text.length > MaxReportBytes
    ? Either.left(tooLarge(Buffer.byteLength(text)))
    : Either.try({
        try: (): unknown => JSON.parse(text),
        catch: (e) =>
          new InvalidReport({
            problems: [{ path: "(root)", message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }]
          })
      })

/** Decode one stream message (UTF-8 JSON) into a Report, or say precisely why it is bad input. */
export const decodeReport = (input: string | Uint8Array): Either.Either<Report, InvalidReport> =>
  Either.flatMap(Either.flatMap(toText(input), parseJson), decodeReportValue)

/** Encode a Report as its wire JSON (field order as in the contract). */
export const encodeReport = (report: Report): string =>
  JSON.stringify({
    schemaVersion: report.schemaVersion,
    reportId: report.reportId,
    droneId: report.droneId,
    timestamp: report.timestamp,
    location: { latitude: report.location.latitude, longitude: report.location.longitude },
    citizens: report.citizens.map((c) => ({ name: c.name, peacescore: c.peacescore })),
    words: report.words,
    telemetry: {
      batteryPct: report.telemetry.batteryPct,
      altitudeM: report.telemetry.altitudeM,
      speedMps: report.telemetry.speedMps,
      temperatureC: report.telemetry.temperatureC
    }
  })

/** Encode an Alert as its wire JSON. */
export const encodeAlert = (alert: Alert): string => JSON.stringify(alert)

const decodeAlertValue = Schema.decodeUnknownEither(Alert)

/** Decode an Alert from its wire JSON (used by consumers and tests). */
export const decodeAlert = (text: string): Either.Either<Alert, InvalidReport> =>
  Either.flatMap(parseJson(text), (v) =>
    Either.mapLeft(decodeAlertValue(v), (e) => new InvalidReport({ problems: toProblems(e) }))
  )

/** All problems at once (slower; for humans and the dead-letter reason). */
export const explain = (value: unknown): ReadonlyArray<Problem> =>
  Either.match(Schema.decodeUnknownEither(Report, { errors: "all" })(value), {
    onLeft: toProblems,
    onRight: () => Arr.empty<Problem>()
  })
