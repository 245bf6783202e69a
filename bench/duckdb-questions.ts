/**
 * DuckDB answering CONTRACT §5 over an archive, as a whole process (the baseline of bench/pipeline.ts).
 *   node --import tsx bench/duckdb-questions.ts <root> <threads> [threshold]
 */
import { DuckDBInstance } from "@duckdb/node-api"
import { questionsSql } from "../test/support/DuckDb.js"

const [root, threads = "2", threshold = "20"] = process.argv.slice(2)
const instance = await DuckDBInstance.create(":memory:", { threads })
const connection = await instance.connect()
const q = questionsSql(`${root}/reports/**/*.parquet`, Number(threshold))
const answers: Record<string, unknown> = {}
for (const [name, sql] of Object.entries(q)) {
  answers[name] = (await connection.runAndReadAll(sql)).getRowObjectsJson()
}
console.log(JSON.stringify(answers))
