// Decode stream messages into typed Reports; bad input says which field broke which rule.
import { Either } from "effect"
import { decodeReport, encodeReport, explain, reportAt } from "peacestate/domain"

const settings = { seed: 7, drones: 50, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01 }
const wire = encodeReport(reportAt(settings, 1)) // one message, as the simulator publishes it

const show = (message: string | Uint8Array): string =>
  Either.match(decodeReport(message), {
    onRight: (report) =>
      `ok: ${report.reportId} at ${report.timestamp}, citizens ${report.citizens.map((c) => c.name).join(", ")}`,
    onLeft: (invalid) => `${invalid._tag}: ${invalid.message}`
  })

console.log(show(wire))
console.log(show(new TextEncoder().encode(wire))) // the Kafka adapter hands over bytes: same answer

const value = JSON.parse(wire)
console.log(show(JSON.stringify({ ...value, citizens: [{ name: "Ada", peacescore: 140 }] })))
console.log(show(JSON.stringify({ ...value, timestamp: "2026-11-02 00:00" })))
console.log(show(new Uint8Array([0x7b, 0xff, 0x7d])))

// decodeReport stops at the first problem (it is on the hot path); explain lists them all.
const { droneId: _droneId, ...withoutDroneId } = value
explain({ ...withoutDroneId, location: { latitude: 91, longitude: 2.35 } }).forEach((p) =>
  console.log(`${p.path}: ${p.message}`)
)
