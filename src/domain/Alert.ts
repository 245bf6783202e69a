import { Schema } from "effect"
import { Location, Peacescore, Timestamp } from "./Report.js"

/** An alert: one citizen of one report below the threshold (CONTRACT §2). */
export const Alert = Schema.Struct({
  alertId: Schema.String,
  reportId: Schema.String,
  droneId: Schema.String,
  timestamp: Timestamp,
  location: Location,
  citizen: Schema.String,
  peacescore: Peacescore,
  detectedAt: Timestamp
})
export type Alert = typeof Alert.Type
