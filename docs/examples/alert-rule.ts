// The alert rule: a citizen whose peacescore is strictly below the threshold (default 20) raises one alert.
import { alertsOf, DefaultThreshold, hasAlert, isAlert, type Report } from "peacestate/domain"

console.log(
  `default threshold ${DefaultThreshold}: 19 → ${isAlert(19)}, 20 → ${isAlert(20)}, 25 at threshold 30 → ${isAlert(25, 30)}`
)

const report: Report = {
  schemaVersion: 1,
  reportId: "pw-0012-000000001",
  droneId: "pw-0012",
  timestamp: "2026-11-02T00:01:00.000Z",
  location: { latitude: 48.83619, longitude: 2.33147 },
  citizens: [
    { name: "Elif David", peacescore: 15 },
    { name: "Oscar Durand", peacescore: 64 },
    { name: "Zoe Chevalier", peacescore: 22 }
  ],
  words: ["recipe"],
  telemetry: { batteryPct: 43.3, altitudeM: 81.5, speedMps: 1.34, temperatureC: 17.8 }
}

console.log(`hasAlert: ${hasAlert(report)}; at threshold 10: ${hasAlert(report, 10)}`)

// One Alert per offending citizen; the id `reportId/citizen-index` lets consumers de-duplicate.
const detectedAt = new Date("2026-11-02T00:01:00.250Z")
alertsOf(report, { detectedAt }).forEach((a) =>
  console.log(`${a.alertId} ${a.citizen} ${a.peacescore} at ${a.location.latitude},${a.location.longitude}`)
)
console.log(
  `at threshold 25: ${alertsOf(report, { threshold: 25, detectedAt })
    .map((a) => a.alertId)
    .join(", ")}`
)
