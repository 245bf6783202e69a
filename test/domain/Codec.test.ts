import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import {
  decodeReport,
  decodeReportValue,
  decodeReportValueWithSchema,
  encodeReport,
  MaxReportBytes
} from "../../src/domain/Codec.js"
import { reportAt } from "../../src/domain/Generator.js"
import * as Arb from "../support/Arbitraries.js"

const valid = reportAt({ seed: 3, drones: 4, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.5 }, 9)
const json = (patch: (r: Record<string, any>) => unknown) => JSON.stringify(patch(structuredClone(valid) as any))
const errorOf = (input: string | Uint8Array) =>
  Either.match(decodeReport(input), { onLeft: (e) => e.message, onRight: () => "accepted" })

describe("Report codec", () => {
  it.prop("decode(encode(r)) = r", [Arb.report], ([r]) => {
    expect(decodeReport(encodeReport(r))).toStrictEqual(Either.right(r))
  })

  it.prop("the fast path and the Schema agree on valid reports", [Arb.report], ([r]) => {
    const value = JSON.parse(encodeReport(r))
    expect(decodeReportValue(value)).toStrictEqual(decodeReportValueWithSchema(value))
  })

  it.prop(
    "the fast path and the Schema agree on mutated reports",
    [
      Arb.report,
      fc.constantFrom(
        "schemaVersion",
        "reportId",
        "droneId",
        "timestamp",
        "location",
        "citizens",
        "words",
        "telemetry"
      ),
      fc.jsonValue()
    ],
    ([r, key, junk]) => {
      const value = { ...JSON.parse(encodeReport(r)), [key]: junk }
      expect(Either.isRight(decodeReportValue(value))).toBe(Either.isRight(decodeReportValueWithSchema(value)))
    }
  )

  it("ignores unknown extra fields", () => {
    expect(
      decodeReport(json((r) => ({ ...r, firmware: "1.2", location: { ...r.location, accuracy: 3 } })))
    ).toStrictEqual(Either.right(valid))
  })

  const bad: ReadonlyArray<readonly [string, string | Uint8Array, string]> = [
    ["non-JSON", "{not json", "(root): not valid JSON"],
    ["empty message", "", "(root): not valid JSON"],
    ["a JSON array", "[1,2]", "(root): expected a JSON object, got an array"],
    ["JSON null", "null", "(root): expected a JSON object, got null"],
    ["a JSON number", "42", "(root): expected a JSON object, got number"],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), "(root): payload is not valid UTF-8"],
    ["oversized payload", "x".repeat(MaxReportBytes + 1), "exceeds the limit"],
    ["wrong schemaVersion", json((r) => ({ ...r, schemaVersion: 2 })), "schemaVersion: expected the literal 1, got 2"],
    ["schemaVersion as string", json((r) => ({ ...r, schemaVersion: "1" })), "schemaVersion: expected the literal 1"],
    ["missing reportId", json(({ reportId: _, ...r }) => r), "reportId: is missing"],
    ["empty reportId", json((r) => ({ ...r, reportId: "" })), "reportId: expected a non-empty string"],
    ["droneId as number", json((r) => ({ ...r, droneId: 42 })), "droneId: expected string"],
    [
      "timestamp not UTC",
      json((r) => ({ ...r, timestamp: "2026-11-02T09:17:00+02:00" })),
      "timestamp: expected an ISO-8601 instant in UTC"
    ],
    [
      "timestamp impossible date",
      json((r) => ({ ...r, timestamp: "2026-13-45T09:17:00Z" })),
      "timestamp: expected an ISO-8601 instant"
    ],
    ["missing location", json(({ location: _, ...r }) => r), "location: is missing"],
    [
      "latitude out of range",
      json((r) => ({ ...r, location: { ...r.location, latitude: 91 } })),
      "location.latitude: expected a finite number between -90 and 90, got 91"
    ],
    [
      "longitude as string",
      json((r) => ({ ...r, location: { ...r.location, longitude: "2.3" } })),
      "location.longitude: expected number"
    ],
    ["citizens not an array", json((r) => ({ ...r, citizens: {} })), "citizens: expected an array, got {}"],
    [
      "peacescore too high",
      json((r) => ({
        ...r,
        citizens: [
          { name: "a", peacescore: 1 },
          { name: "b", peacescore: 2 },
          { name: "c", peacescore: 101 }
        ]
      })),
      "citizens[2].peacescore: expected an integer between 0 and 100, got 101"
    ],
    [
      "peacescore not integer",
      json((r) => ({ ...r, citizens: [{ name: "a", peacescore: 1.5 }] })),
      "citizens[0].peacescore: expected an integer between 0 and 100, got 1.5"
    ],
    ["citizen without name", json((r) => ({ ...r, citizens: [{ peacescore: 3 }] })), "citizens[0].name: is missing"],
    [
      "empty citizen name",
      json((r) => ({ ...r, citizens: [{ name: "", peacescore: 3 }] })),
      "citizens[0].name: expected a non-empty string"
    ],
    ["word not a string", json((r) => ({ ...r, words: ["ok", 7] })), "words[1]: expected string"],
    [
      "negative altitude",
      json((r) => ({ ...r, telemetry: { ...r.telemetry, altitudeM: -1 } })),
      "telemetry.altitudeM: expected a finite number >= 0, got -1"
    ],
    [
      "battery over 100",
      json((r) => ({ ...r, telemetry: { ...r.telemetry, batteryPct: 100.5 } })),
      "telemetry.batteryPct: expected a finite number between 0 and 100"
    ],
    [
      "missing telemetry field",
      json((r) => ({ ...r, telemetry: { ...r.telemetry, temperatureC: undefined } })),
      "telemetry.temperatureC: is missing"
    ]
  ]

  it.each(bad)("rejects %s naming the field", (_name, input, expected) => {
    expect(errorOf(input)).toContain(expected)
  })

  it.prop(
    "arbitrary bytes give a typed error or a report, never a defect",
    [fc.uint8Array({ maxLength: 300 })],
    ([bytes]) => {
      expect(Either.isEither(decodeReport(bytes))).toBe(true)
    }
  )

  it.prop("arbitrary JSON values give a typed error or a report, never a defect", [fc.jsonValue()], ([value]) => {
    expect(Either.isEither(decodeReport(JSON.stringify(value) ?? ""))).toBe(true)
  })
})
