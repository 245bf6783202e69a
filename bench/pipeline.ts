/**
 * Embedded pipeline benchmarks, whole processes, side by side in one run:
 *  1. `peacestate demo` end to end for N reports: wall time and peak RSS (/usr/bin/time).
 *  2. `peacestate analyze` over that archive vs DuckDB SQL over the same files, same thread count.
 *  3. Archiver encode + write on one core (in this process): reports/s and Parquet bytes/report vs JSON.
 *
 *   node --import tsx bench/pipeline.ts [reports=1000000] [drones=500] [threads=2]
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { encodeReports } from "../src/format/EncodeReports.js"
import { fileKeyOf, hourFolderOf } from "../src/format/Layout.js"
import { encodeReport } from "../src/domain/Codec.js"
import { makeGenerator } from "../src/domain/Generator.js"

const n = Number(process.argv[2] ?? 1_000_000)
const drones = Number(process.argv[3] ?? 500)
const threads = Number(process.argv[4] ?? 2)
const dir = join(".bench", "pipeline")
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })

const timed = (cmd: string, args: ReadonlyArray<string>) => {
  const t = performance.now()
  const r = spawnSync("/usr/bin/time", ["-f", "%M %e", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 28 })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`)
  const [rssKb] = r.stderr.trim().split("\n").at(-1)!.split(" ")
  return { ms, rssMb: Number(rssKb) / 1024, stdout: r.stdout }
}

console.log(
  `pipeline benchmark: ${n.toLocaleString("en-US")} reports, ${drones} drones, ${threads} threads, node ${process.version}`
)
execFileSync("npm", ["run", "build"], { stdio: "ignore" })

// 1. demo end to end
const data = join(dir, "data")
const demo = timed("node", [
  "bin/peacestate.js",
  "demo",
  "--count",
  String(n),
  "--drones",
  String(drones),
  "--seed",
  "1",
  "--data-dir",
  data,
  "--workers",
  String(threads),
  "--json"
])
const summary = JSON.parse(demo.stdout.trim().split("\n").at(-1)!)
console.log(
  `demo end to end          ${(demo.ms / 1000).toFixed(1)} s (goal ≤ 60 s), peak RSS ${demo.rssMb.toFixed(0)} MB; archived ${summary.archived} in ${summary.files} files, ${summary.alerts} alerts`
)

// 2. analyzer vs DuckDB, interleaved, best of 3 each
const ours: number[] = []
const duck: number[] = []
const duckSingle: number[] = []
for (let i = 0; i < 3; i++) {
  ours.push(
    timed("node", ["bin/peacestate.js", "analyze", "--source", data, "--json", "--workers", String(threads)]).ms
  )
  duck.push(timed("node", ["--import", "tsx", "bench/duckdb-questions.ts", data, String(threads), "per-question"]).ms)
  duckSingle.push(
    timed("node", ["--import", "tsx", "bench/duckdb-questions.ts", data, String(threads), "single-pass"]).ms
  )
}
const best = (xs: number[]) => Math.min(...xs)
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
console.log(
  `analyze vs DuckDB        ours ${s(best(ours))}; DuckDB per-question SQL ${s(best(duck))} → ${(best(ours) / best(duck)).toFixed(2)}×; DuckDB single-pass SQL ${s(best(duckSingle))} → ${(best(ours) / best(duckSingle)).toFixed(2)}× DuckDB's wall time (goal ≤ 3×; best of 3, interleaved)`
)

// 3. archiver encode + write on one core
const gen = makeGenerator({ seed: 2, drones, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01 })
const perFile = 20_000
const total = 200_000
const batches = Array.from({ length: total / perFile }, (_, b) =>
  Array.from({ length: perFile }, (_, i) => ({ report: gen(b * perFile + i), partition: 0, offset: b * perFile + i }))
)
const jsonBytes = batches.flat().reduce((s, r) => s + Buffer.byteLength(encodeReport(r.report)), 0)
const out = join(dir, "encode")
const t0 = performance.now()
const parquetBytes = batches.reduce((sum, batch) => {
  const bytes = encodeReports(batch)
  const key = join(out, fileKeyOf(hourFolderOf(batch[0]!.report.timestamp), "bench", 0, batch[0]!.offset))
  mkdirSync(join(key, ".."), { recursive: true })
  writeFileSync(key, bytes)
  return sum + bytes.byteLength
}, 0)
const encodeMs = performance.now() - t0
console.log(
  `archiver encode + write  ${Math.round((total / encodeMs) * 1000).toLocaleString("en-US")} reports/s on one core (goal ≥ 30,000); ` +
    `${(parquetBytes / total).toFixed(1)} B/report Parquet vs ${(jsonBytes / total).toFixed(1)} B JSON = ${((parquetBytes / jsonBytes) * 100).toFixed(1)} % (goal ≤ 25 %)`
)
