/** The names the archive format adds to plain Parquet: footer keys and extra columns. */

/** Version of the file layout (extra columns and footer keys) written by EncodeReports. */
export const FormatVersion = "1"

/** Footer key our writer sets; its presence makes the reader trust the `*_count` columns. */
export const FormatKey = "peacestate.format"

/** Flat per-report list lengths our writer adds next to the contract columns. */
export const CitizenCountColumn = "citizen_count"
export const WordCountColumn = "word_count"

/** The timestamp exactly as the drone wrote it, when not the canonical form of its instant. */
export const TimestampTextColumn = "timestamp_text"

/** Footer keys. */
export const MetaKeys = {
  format: FormatKey,
  count: "peacestate.count",
  partition: "peacestate.partition",
  firstOffset: "peacestate.first_offset",
  lastOffset: "peacestate.last_offset",
  minOffset: "peacestate.min_offset",
  maxOffset: "peacestate.max_offset"
} as const
