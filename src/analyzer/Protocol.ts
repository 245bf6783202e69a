import { Schema } from "effect"

/** Stats on the wire between workers, shards and machines (JSON). */
export const StatsSchema = Schema.Struct({
  threshold: Schema.Number,
  reports: Schema.Number,
  alerts: Schema.Number,
  weekdayReports: Schema.Number,
  weekdayAlerts: Schema.Number,
  weekendReports: Schema.Number,
  weekendAlerts: Schema.Number,
  alertsByHour: Schema.Array(Schema.Number),
  reportsByHour: Schema.Array(Schema.Number),
  alertWords: Schema.Record({ key: Schema.String, value: Schema.Number }),
  cells: Schema.Record({ key: Schema.String, value: Schema.Number }),
  offenders: Schema.Record({ key: Schema.String, value: Schema.Number })
})

/** A file (or the store) could not be read or decoded. */
export class AnalyzeError extends Schema.TaggedError<AnalyzeError>()("AnalyzeError", {
  key: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `cannot analyze ${this.key}: ${this.reason}`
  }
}

/** Fold these archive files (keys under `root`) into one partial Stats. */
export class FoldFiles extends Schema.TaggedRequest<FoldFiles>()("FoldFiles", {
  failure: AnalyzeError,
  success: StatsSchema,
  payload: {
    root: Schema.String,
    keys: Schema.Array(Schema.String),
    threshold: Schema.Number,
    /** Only rows with a timestamp in [from, until) (epoch millis), when set. */
    from: Schema.optional(Schema.Number),
    until: Schema.optional(Schema.Number)
  }
}) {}

export const WorkerRequest = Schema.Union(FoldFiles)
