/**
 * DuckDB answering CONTRACT §5 over an archive, as a whole process (the baseline of bench/pipeline.ts).
 *   node --import tsx bench/duckdb-questions.ts <root> <threads> [per-question|single-pass] [threshold]
 * per-question: one SQL query per question, as an officer would write them (six scans).
 * single-pass:  one scan into a temporary table of what the questions need, then the six aggregations.
 */
import { DuckDBInstance } from "@duckdb/node-api"
import { questionsSql } from "../test/support/DuckDb.js"

const [root, threads = "2", mode = "per-question", threshold = "20"] = process.argv.slice(2)
const instance = await DuckDBInstance.create(":memory:", { threads })
const connection = await instance.connect()
const glob = `${root}/reports/**/*.parquet`
const t = Number(threshold)
const answers: Record<string, unknown> = {}
if (mode === "single-pass") {
  await connection.run(`CREATE TEMP TABLE r AS SELECT timestamp, latitude, longitude, words,
      list_filter(citizens, c -> c.peacescore < ${t}) AS alerting FROM read_parquet('${glob}', hive_partitioning = true)`)
  const q = {
    totals: `SELECT count(*) AS reports, sum(len(alerting)) AS alerts FROM r`,
    weekdayVsWeekend: `SELECT (dayofweek(timestamp AT TIME ZONE 'UTC') IN (0, 6)) AS weekend, count(*) AS reports, sum(len(alerting)) AS alerts FROM r GROUP BY ALL`,
    alertsByHour: `SELECT hour(timestamp AT TIME ZONE 'UTC') AS h, sum(len(alerting)) AS n FROM r GROUP BY h ORDER BY h`,
    topAlertWords: `SELECT w AS word, count(*) AS count FROM (SELECT unnest(words) AS w FROM r WHERE len(alerting) > 0) GROUP BY w ORDER BY count DESC, word LIMIT 10`,
    hotspots: `SELECT floor(latitude * 100)::BIGINT AS lat, floor(longitude * 100)::BIGINT AS lon, sum(len(alerting)) AS alerts FROM r WHERE len(alerting) > 0 GROUP BY ALL ORDER BY alerts DESC, lat, lon LIMIT 10`,
    repeatOffenders: `SELECT c.name AS name, count(*) AS alerts FROM (SELECT unnest(alerting) AS c FROM r WHERE len(alerting) > 0) GROUP BY name ORDER BY alerts DESC, name LIMIT 10`
  }
  for (const [name, sql] of Object.entries(q)) answers[name] = (await connection.runAndReadAll(sql)).getRowObjectsJson()
} else {
  for (const [name, sql] of Object.entries(questionsSql(glob, t)))
    answers[name] = (await connection.runAndReadAll(sql)).getRowObjectsJson()
}
console.log(JSON.stringify(answers))
