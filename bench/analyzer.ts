/**
 * The analyzer vs DuckDB, whole processes, on cached demo archives (issue 14, "Faster analyzer"):
 *  1. `peacestate analyze --source DIR --json --workers T` vs a DuckDB process answering the same six questions
 *     over the same files with T threads (single-pass SQL: one scan, then six aggregations — DuckDB's fastest
 *     form here), median of R interleaved rounds, answers checked equal.
 *  2. The scaling curve: analyzer wall time and reports/s over archives of growing size, with 1 and 2 threads
 *     (`--workers 1` folds in the main thread; `--workers 2` starts two worker threads), DuckDB alongside.
 *
 *   node --import tsx bench/analyzer.ts [compare=300000,3000000] [scaling=1000000,3000000,10000000] [rounds=3] [threads=2]
 *
 * Archives are made once by `peacestate demo --count N --drones 500 --seed 1` and cached under
 * $PEACESTATE_BENCH_DIR (default /tmp/peacestate-bench/archive-N, a `.done` file marks a complete one); the
 * generation time is printed. Runs bin/peacestate.js as built (`npm run build` or `node scripts/bundle.mjs` first).
 * The DuckDB child is a plain ESM script (no tsx: its start-up is DuckDB's, not a TypeScript loader's).
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { join, resolve } from "node:path"

const list = (s: string | undefined, d: string) =>
  (s ?? d)
    .split(",")
    .filter((x) => x !== "")
    .map(Number)
const compare = list(process.argv[2], "300000,3000000")
const scaling = list(process.argv[3], "1000000,3000000,10000000")
const rounds = Number(process.argv[4] ?? 3)
const threads = Number(process.argv[5] ?? 2)
const cache = process.env["PEACESTATE_BENCH_DIR"] ?? "/tmp/peacestate-bench"
const node = process.execPath
const threshold = 20

// DuckDB's side: single-pass SQL (as bench/duckdb-questions.ts single-pass), in a plain script next to node_modules.
const duckScript = resolve(".bench", "duckdb-single-pass.mjs")
mkdirSync(".bench", { recursive: true })
writeFileSync(
  duckScript,
  `import { DuckDBInstance } from "@duckdb/node-api"
const [root, threads] = process.argv.slice(2)
const t = ${threshold}
const instance = await DuckDBInstance.create(":memory:", { threads })
const c = await instance.connect()
await c.run(\`CREATE TEMP TABLE r AS SELECT timestamp, latitude, longitude, words,
  list_filter(citizens, c -> c.peacescore < \${t}) AS alerting FROM read_parquet('\${root}/reports/**/*.parquet', hive_partitioning = true)\`)
const q = {
  totals: "SELECT count(*) AS reports, sum(len(alerting)) AS alerts FROM r",
  weekdayVsWeekend: "SELECT (dayofweek(timestamp AT TIME ZONE 'UTC') IN (0, 6)) AS weekend, count(*) AS reports, sum(len(alerting)) AS alerts FROM r GROUP BY ALL",
  alertsByHour: "SELECT hour(timestamp AT TIME ZONE 'UTC') AS h, sum(len(alerting)) AS n FROM r GROUP BY h ORDER BY h",
  topAlertWords: "SELECT w AS word, count(*) AS count FROM (SELECT unnest(words) AS w FROM r WHERE len(alerting) > 0) GROUP BY w ORDER BY count DESC, word LIMIT 10",
  hotspots: "SELECT floor(latitude * 100)::BIGINT AS lat, floor(longitude * 100)::BIGINT AS lon, sum(len(alerting)) AS alerts FROM r WHERE len(alerting) > 0 GROUP BY ALL ORDER BY alerts DESC, lat, lon LIMIT 10",
  repeatOffenders: "SELECT c.name AS name, count(*) AS alerts FROM (SELECT unnest(alerting) AS c FROM r WHERE len(alerting) > 0) GROUP BY name ORDER BY alerts DESC, name LIMIT 10"
}
const answers = {}
for (const [name, sql] of Object.entries(q)) answers[name] = (await c.runAndReadAll(sql)).getRowObjectsJson()
console.log(JSON.stringify(answers))
`
)

const archiveBytes = (dir: string): { files: number; bytes: number } =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".parquet"))
    .reduce((a, e) => ({ files: a.files + 1, bytes: a.bytes + statSync(join(e.parentPath, e.name)).size }), {
      files: 0,
      bytes: 0
    })

/** The cached archive of n reports, made by `peacestate demo` if absent. */
const archive = (n: number): string => {
  const dir = join(cache, `archive-${n}`)
  if (existsSync(join(dir, ".done"))) return dir
  rmSync(dir, { recursive: true, force: true })
  const t = performance.now()
  const r = spawnSync(
    node,
    [
      "bin/peacestate.js",
      "demo",
      "--count",
      String(n),
      "--drones",
      "500",
      "--seed",
      "1",
      "--data-dir",
      dir,
      "--workers",
      "1",
      "--json"
    ],
    { stdio: ["ignore", "ignore", "inherit"] }
  )
  if (r.status !== 0) throw new Error(`demo --count ${n} failed`)
  writeFileSync(join(dir, ".done"), "")
  console.log(
    `generated ${n.toLocaleString("en-US")} reports with demo in ${((performance.now() - t) / 1000).toFixed(0)} s`
  )
  return dir
}

interface Run {
  readonly ms: number
  readonly rssMb: number
  readonly stdout: string
}
const timed = (args: ReadonlyArray<string>): Run => {
  const t = performance.now()
  const r = spawnSync("/usr/bin/time", ["-f", "%M", node, ...args], { encoding: "utf8", maxBuffer: 1 << 28 })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`)
  return { ms, rssMb: Number(r.stderr.trim().split("\n").at(-1)) / 1024, stdout: r.stdout }
}
const ours = (dir: string, workers: number) =>
  timed(["bin/peacestate.js", "analyze", "--source", dir, "--json", "--workers", String(workers)])
const duck = (dir: string, t: number) => timed([duckScript, dir, String(t)])

/** DuckDB's rows in the analyzer's JSON shape (as test/pipeline/Demo.test.ts compares them). */
const duckAnswers = (stdout: string) => {
  const a = JSON.parse(stdout) as Record<string, Array<Record<string, unknown>>>
  const wk = (weekend: boolean) => {
    const row = a["weekdayVsWeekend"]!.find((r) => r["weekend"] === weekend)
    return { reports: Number(row?.["reports"] ?? 0), alerts: Number(row?.["alerts"] ?? 0) }
  }
  return {
    reports: Number(a["totals"]![0]!["reports"]),
    alerts: Number(a["totals"]![0]!["alerts"] ?? 0),
    weekday: wk(false),
    weekend: wk(true),
    alertsByHour: Array.from({ length: 24 }, (_, h) =>
      Number(a["alertsByHour"]!.find((r) => Number(r["h"]) === h)?.["n"] ?? 0)
    ),
    topAlertWords: a["topAlertWords"]!.map((r) => ({ word: r["word"], count: Number(r["count"]) })),
    hotspots: a["hotspots"]!.map((r) => ({
      latitude: Number(r["lat"]) / 100,
      longitude: Number(r["lon"]) / 100,
      alerts: Number(r["alerts"])
    })),
    repeatOffenders: a["repeatOffenders"]!.map((r) => ({ name: r["name"], alerts: Number(r["alerts"]) }))
  }
}
const ourAnswers = (stdout: string) => {
  const a = JSON.parse(stdout.trim().split("\n").at(-1)!)
  const pick = (x: { reports: number; alerts: number }) => ({ reports: x.reports, alerts: x.alerts })
  return {
    reports: a.reports,
    alerts: a.alerts,
    weekday: pick(a.weekdayVsWeekend.weekday),
    weekend: pick(a.weekdayVsWeekend.weekend),
    alertsByHour: a.alertsByHour,
    topAlertWords: a.topAlertWords,
    hotspots: a.hotspots,
    repeatOffenders: a.repeatOffenders
  }
}
const sameAnswers = (a: Run, b: Run, what: string) => {
  const x = JSON.stringify(ourAnswers(a.stdout))
  const y = JSON.stringify(duckAnswers(b.stdout))
  if (x !== y) throw new Error(`${what}: the analyzer and DuckDB disagree:\n${x}\n${y}`)
}

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")

console.log(
  `analyzer benchmark: node ${process.version}, ${new Date().toISOString()}, load average ${load()}, ` +
    `median of ${rounds} interleaved rounds, whole processes`
)
const sizes = [...new Set([...compare, ...scaling])].sort((a, b) => a - b)
const dirs = new Map(sizes.map((n) => [n, archive(n)] as const))
sizes.forEach((n) => {
  const a = archiveBytes(dirs.get(n)!)
  console.log(
    `archive ${n.toLocaleString("en-US").padStart(10)} reports: ${a.files} files, ${(a.bytes / 2 ** 20).toFixed(1)} MiB`
  )
})

// 1. analyzer vs DuckDB at `threads`
console.log(`\n1. analyze --workers ${threads} vs DuckDB single-pass SQL, threads = ${threads}`)
compare.forEach((n) => {
  const dir = dirs.get(n)!
  const runs = Array.from({ length: rounds }, () => {
    const a = ours(dir, threads)
    const b = duck(dir, threads)
    sameAnswers(a, b, `${n} reports`)
    return { a, b }
  })
  const a = median(runs.map((r) => r.a.ms))
  const b = median(runs.map((r) => r.b.ms))
  console.log(
    `${n.toLocaleString("en-US").padStart(10)} reports  ours ${sec(a)} (${runs.map((r) => sec(r.a.ms)).join(", ")}; ` +
      `RSS ${median(runs.map((r) => r.a.rssMb)).toFixed(0)} MB)  DuckDB ${sec(b)} (${runs.map((r) => sec(r.b.ms)).join(", ")}; ` +
      `RSS ${median(runs.map((r) => r.b.rssMb)).toFixed(0)} MB)  → ${(a / b).toFixed(2)}× DuckDB's wall time; answers equal; load ${load()}`
  )
})

// 2. the scaling curve, 1 and 2 threads
console.log(`\n2. scaling: wall time (reports/s), median of ${rounds}; DuckDB with the same thread count alongside`)
console.log(
  `   reports   ours 1 thread          ours 2 workers         2 vs 1   DuckDB 1 thread   DuckDB 2 threads   ours/DuckDB (1 | 2)`
)
scaling.forEach((n) => {
  const dir = dirs.get(n)!
  const runs = Array.from({ length: rounds }, () => {
    const o1 = ours(dir, 1)
    const d1 = duck(dir, 1)
    const o2 = ours(dir, 2)
    const d2 = duck(dir, 2)
    sameAnswers(o2, d2, `${n} reports`)
    sameAnswers(o1, d1, `${n} reports, 1 thread`)
    return { o1: o1.ms, o2: o2.ms, d1: d1.ms, d2: d2.ms }
  })
  const [o1, o2, d1, d2] = (["o1", "o2", "d1", "d2"] as const).map((k) => median(runs.map((r) => r[k])))
  const rate = (ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")}/s`
  console.log(
    `${n.toLocaleString("en-US").padStart(10)}  ${sec(o1!).padStart(8)} (${rate(o1!).padStart(11)})  ${sec(o2!).padStart(8)} (${rate(o2!).padStart(11)})  ` +
      `${(o1! / o2!).toFixed(2)}×    ${sec(d1!).padStart(8)}          ${sec(d2!).padStart(8)}           ${(o1! / d1!).toFixed(2)}× | ${(o2! / d2!).toFixed(2)}×   load ${load()}`
  )
})
