import type { Report } from "../domain/Report.js"

/** A report with where it was read from in the stream. */
export interface ArchivedReport {
  readonly report: Report
  readonly partition: number
  readonly offset: number
}
