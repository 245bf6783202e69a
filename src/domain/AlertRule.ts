import { Array as Arr, Option } from "effect"
import type { Alert } from "./Alert.js"
import type { Report } from "./Report.js"

/** Default peacescore threshold: a citizen strictly below it raises an alert. */
export const DefaultThreshold = 20

/** Does this peacescore raise an alert at this threshold? */
export const isAlert = (peacescore: number, threshold: number = DefaultThreshold): boolean => peacescore < threshold

/** Stable alert id: `reportId/index-of-citizen`, so consumers can de-duplicate. */
export const alertIdOf = (reportId: string, citizenIndex: number): string => `${reportId}/${citizenIndex}`

/** The alert rule: one Alert per citizen of the report whose peacescore is below the threshold. */
export const alertsOf = (
  report: Report,
  options: { readonly threshold?: number; readonly detectedAt: Date }
): ReadonlyArray<Alert> => {
  const threshold = options.threshold ?? DefaultThreshold
  const detectedAt = options.detectedAt.toISOString()
  return Arr.filterMap(report.citizens, (citizen, index) =>
    isAlert(citizen.peacescore, threshold)
      ? Option.some<Alert>({
          alertId: alertIdOf(report.reportId, index),
          reportId: report.reportId,
          droneId: report.droneId,
          timestamp: report.timestamp,
          location: report.location,
          citizen: citizen.name,
          peacescore: citizen.peacescore,
          detectedAt
        })
      : Option.none()
  )
}

/** Does the report hold at least one alert? */
export const hasAlert = (report: Report, threshold: number = DefaultThreshold): boolean =>
  report.citizens.some((c) => isAlert(c.peacescore, threshold))
