import { Option } from "effect"

/** Archive layout (CONTRACT §4): `reports/date=YYYY-MM-DD/hour=HH/<file>.parquet` under the root. */

export const ReportsPrefix = "reports/"

/** The hive partition folder of an ISO-8601 UTC timestamp (validated by the Report schema). */
export const hourFolderOf = (timestamp: string): string => {
  const iso =
    timestamp.length >= 13 && timestamp[10] === "T" ? timestamp : new Date(Date.parse(timestamp)).toISOString()
  return `${ReportsPrefix}date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/**
 * Deterministic file name: stream topic, partition and the offset of the first report the file holds.
 * A replay from the same offset rewrites the same object instead of adding a copy.
 */
export const fileNameOf = (topic: string, partition: number, firstOffset: number): string =>
  `${topic}+${pad(partition, 4)}+${pad(firstOffset, 20)}.parquet`

/** What `fileNameOf` produces, for code that must recognise archive files (the demo's safety check). */
export const FileNamePattern = /^[^/]+\+\d{4}\+\d{20}\.parquet$/

export const fileKeyOf = (folder: string, topic: string, partition: number, firstOffset: number): string =>
  `${folder}/${fileNameOf(topic, partition, firstOffset)}`

const HourFolder = /(?:^|\/)date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//

/** Date and hour of an archive key, when it follows the layout. */
export const partitionOfKey = (key: string): Option.Option<{ readonly date: string; readonly hour: number }> =>
  Option.map(Option.fromNullable(HourFolder.exec(key)), (m) => ({ date: m[1] ?? "", hour: Number(m[2]) }))
