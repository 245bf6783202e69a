import { DuckDBInstance } from "@duckdb/node-api"

/** Run SQL in a fresh in-memory DuckDB and return the rows as plain JSON-able objects. */
export const duckQuery = async (sql: string, threads = 2): Promise<ReadonlyArray<Record<string, unknown>>> => {
  const instance = await DuckDBInstance.create(":memory:", { threads: String(threads) })
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll(sql)
    return reader.getRowObjectsJson() as ReadonlyArray<Record<string, unknown>>
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** The SQL of each question of CONTRACT §5 over `read_parquet(glob, hive_partitioning = true)`. */
export const questionsSql = (glob: string, threshold: number) => {
  const src = `read_parquet('${glob}', hive_partitioning = true)`
  const alerts = `(SELECT r.*, c.name AS citizen FROM ${src} r, UNNEST(r.citizens) AS u(c) WHERE c.peacescore < ${threshold})`
  return {
    totals: `SELECT count(*) AS reports, (SELECT count(*) FROM ${alerts}) AS alerts FROM ${src}`,
    weekdayVsWeekend: `SELECT (dayofweek(timestamp AT TIME ZONE 'UTC') IN (0, 6)) AS weekend, count(*) AS reports,
        sum((SELECT count(*) FROM UNNEST(citizens) AS u(c) WHERE c.peacescore < ${threshold})) AS alerts
      FROM ${src} GROUP BY ALL ORDER BY weekend`,
    alertsByHour: `SELECT hour(timestamp AT TIME ZONE 'UTC') AS h, count(*) AS n FROM ${alerts} GROUP BY h ORDER BY h`,
    topAlertWords: `SELECT w AS word, count(*) AS count FROM (SELECT unnest(words) AS w FROM ${src}
        WHERE len(list_filter(citizens, c -> c.peacescore < ${threshold})) > 0) GROUP BY w ORDER BY count DESC, word ASC LIMIT 10`,
    hotspots: `SELECT floor(latitude * 100)::BIGINT AS lat, floor(longitude * 100)::BIGINT AS lon, count(*) AS alerts FROM ${alerts}
        GROUP BY ALL ORDER BY alerts DESC, lat ASC, lon ASC LIMIT 10`,
    repeatOffenders: `SELECT citizen AS name, count(*) AS alerts FROM ${alerts} GROUP BY citizen ORDER BY alerts DESC, name ASC LIMIT 10`
  }
}
