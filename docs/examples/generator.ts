// The seeded generator: report i is a pure function of the settings and i, so any report can be made on its
// own, in any order, and the same settings give the same reports byte for byte.
import { Chunk, Effect, Stream } from "effect"
import { droneIdOf, encodeReport, hasAlert, makeGenerator, reportAt } from "peacestate/domain"
import { reportLines } from "peacestate/simulator"

const settings = { seed: 7, drones: 50, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01 }
const generate = makeGenerator(settings) // precomputes per-drone state: use it for many reports

// Report i is drone i mod 50 at minute floor(i / 50).
;[0, 1, 50, 123_456].forEach((i) => {
  const r = generate(i)
  console.log(`#${i}: ${r.reportId} ${r.droneId} ${r.timestamp} ${r.citizens.length} citizens`)
})
console.log(`droneIdOf(49) = ${droneIdOf(49)}`)
console.log(`reproducible: ${encodeReport(generate(123_456)) === encodeReport(reportAt(settings, 123_456))}`)

// alertRatio is the share of reports holding at least one alert at the default threshold.
const sample = Array.from({ length: 100_000 }, (_, i) => generate(i))
console.log(`reports with an alert: ${(sample.filter((r) => hasAlert(r)).length / sample.length).toFixed(3)}`)

// The simulator is the same generator as an Effect Stream of wire lines (reports(run) for the Reports).
const lines = await Effect.runPromise(Stream.runCollect(reportLines({ ...settings, count: 3 })))
console.log(Chunk.toReadonlyArray(lines).every((line, i) => line === encodeReport(reportAt(settings, i))))
