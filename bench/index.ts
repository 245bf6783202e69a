/**
 * `npm run bench [-- names...]`: every benchmark, one after the other, each in its own process.
 * Names: domain, parquet, pipeline, startup, analyzer (analyzer vs DuckDB at 300k/3M reports and the 1M–10M scaling
 * curve, on demo archives cached under /tmp/peacestate-bench: not run by default, it generates 14M reports once), console (PostgreSQL too when PEACESTATE_TEST_DATABASE_URL is set),
 * kafka (needs Kafka + S3: `npm run infra:up` and its env); one Kafka
 * benchmark alone: kafka-throughput, kafka-latency, kafka-simulate, kafka-archive (not run by default: kafka runs them all).
 */
import { spawnSync } from "node:child_process"

const all: Record<string, ReadonlyArray<string>> = {
  domain: ["bench/domain.ts", "200000"],
  parquet: ["bench/parquet.ts", "100000"],
  pipeline: ["bench/pipeline.ts", "1000000", "500", "2"],
  startup: ["bench/startup.ts", "9"],
  analyzer: ["bench/analyzer.ts", "300000,3000000", "1000000,3000000,10000000", "3", "2"],
  console: ["bench/console.ts"],
  kafka: ["bench/kafka.ts"],
  "kafka-throughput": ["bench/kafka.ts", "1"],
  "kafka-latency": ["bench/kafka.ts", "2"],
  "kafka-simulate": ["bench/kafka.ts", "3"],
  "kafka-archive": ["bench/kafka.ts", "4"]
}
const byDefault = ["domain", "parquet", "pipeline", "startup", "console", "kafka"]
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : byDefault
const failed = chosen.filter((name) => {
  const args = all[name]
  if (args === undefined) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(all).join(", ")}`)
    return true
  }
  console.log(`\n== ${name}: node --import tsx ${args.join(" ")}`)
  return spawnSync(process.execPath, ["--import", "tsx", ...args], { stdio: "inherit" }).status !== 0
})
process.exit(failed.length === 0 ? 0 : 1)
