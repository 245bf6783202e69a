/**
 * Start-up cost, interleaved, median of N runs each:
 *  - whole processes: `node -e 0`, `peacestate --help` and `peacestate simulate --to stdout --count 1`, as bin/
 *    runs them (the esbuild bundle dist/bundle/) and from the tsc output dist/src/ unbundled (as bin/ ran before);
 *  - an analyzer worker thread, from `new Worker` to its first answer (an empty FoldFiles), bundled
 *    (dist/bundle/analyzer-worker.mjs) and unbundled (dist/src/analyzer/Worker.js);
 *  - what a fresh bundled worker then folds per second (cold, its first real request): with the start-up,
 *    the break-even that MinBytesPerWorker in src/analyzer/Analyzer.ts is set from.
 *
 *   node --import tsx bench/startup.ts [runs=9] [reports=300000]
 */
import { Worker } from "@effect/platform"
import { NodeWorker } from "@effect/platform-node"
import { Effect } from "effect"
import { execFileSync, spawnSync } from "node:child_process"
import { readdirSync, rmSync, statSync } from "node:fs"
import { join, resolve } from "node:path"
import * as WT from "node:worker_threads"
import { workersFor } from "../src/analyzer/Analyzer.js"
import { FoldFiles } from "../src/analyzer/Protocol.js"

const runs = Number(process.argv[2] ?? 9)
const reports = Number(process.argv[3] ?? 300_000)
const data = resolve(".bench", "startup", "data")
const MiB = 1024 * 1024

console.log(`start-up benchmark: median of ${runs} interleaved runs, node ${process.version}`)
execFileSync("npm", ["run", "build"], { stdio: "ignore" })

// An archive for the fold rate: the demo, folded in its own thread.
rmSync(data, { recursive: true, force: true })
execFileSync(
  process.execPath,
  [
    "bin/peacestate.js",
    "demo",
    "--count",
    String(reports),
    "--drones",
    "500",
    "--seed",
    "1",
    "--data-dir",
    data,
    "--workers",
    "0",
    "--json"
  ],
  {
    stdio: "ignore"
  }
)
const keys = readdirSync(data, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".parquet"))
  .sort()
const archiveBytes = keys.reduce((n, k) => n + statSync(join(data, k)).size, 0)

const unbundled = (args: ReadonlyArray<string>) => [
  "-e",
  'import("./dist/src/cli/Main.js").then((m) => m.main())',
  "peacestate",
  ...args
]

const processes: ReadonlyArray<{ readonly name: string; readonly args: ReadonlyArray<string> }> = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "peacestate --help", args: ["bin/peacestate.js", "--help"] },
  { name: "peacestate simulate --count 1", args: ["bin/peacestate.js", "simulate", "--to", "stdout", "--count", "1"] },
  { name: "  unbundled dist/src: --help", args: unbundled(["--help"]) },
  { name: "  unbundled dist/src: simulate", args: unbundled(["simulate", "--to", "stdout", "--count", "1"]) }
]

const timeProcess = (args: ReadonlyArray<string>): number => {
  const t = performance.now()
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`)
  return ms
}

/** A one-thread pool as the analyzer makes it: time to the first answer, then the time of a fold of `foldKeys`. */
const timeWorker = (url: URL, foldKeys: ReadonlyArray<string>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const t0 = performance.now()
        const pool = yield* Worker.makePoolSerialized<FoldFiles>({ size: 1 }).pipe(
          Effect.provide(NodeWorker.layer(() => new WT.Worker(url, { execArgv: [] })))
        )
        yield* pool.executeEffect(new FoldFiles({ root: data, keys: [], threshold: 20 }))
        const t1 = performance.now()
        const stats =
          foldKeys.length > 0
            ? yield* pool.executeEffect(new FoldFiles({ root: data, keys: foldKeys, threshold: 20 }))
            : undefined
        return { startMs: t1 - t0, foldMs: performance.now() - t1, reports: stats?.reports ?? 0 }
      })
    )
  )

const bundledWorker = new URL("../dist/bundle/analyzer-worker.mjs", import.meta.url)
const unbundledWorker = new URL("../dist/src/analyzer/Worker.js", import.meta.url)

const samples = new Map<string, Array<number>>()
const add = (name: string, ms: number) => samples.set(name, [...(samples.get(name) ?? []), ms])
for (let i = 0; i < runs; i++) {
  processes.forEach((p) => add(p.name, timeProcess(p.args)))
  const bundled = await timeWorker(bundledWorker, keys)
  if (bundled.reports !== reports) throw new Error(`the worker folded ${bundled.reports} reports, expected ${reports}`)
  add("worker thread start (bundled)", bundled.startMs)
  add("cold fold in that worker", bundled.foldMs)
  add("  unbundled dist/src: worker start", (await timeWorker(unbundledWorker, [])).startMs)
}

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const base = median(samples.get("node -e 0")!)
const rows = [...samples].filter(([name]) => name !== "cold fold in that worker")
console.log(`\n${"".padEnd(36)}${"median".padStart(9)}${"min–max".padStart(16)}   vs node -e 0`)
rows.forEach(([name, xs]) =>
  console.log(
    `${name.padEnd(36)}${`${median(xs).toFixed(0)} ms`.padStart(9)}${`${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`.padStart(16)}   ${(median(xs) / base).toFixed(1)}×`
  )
)

const foldMs = median(samples.get("cold fold in that worker")!)
const rate = archiveBytes / (foldMs / 1000)
const startMs = median(samples.get("worker thread start (bundled)")!)
const breakEven = (startMs / 1000) * rate
// The smallest size for which the analyzer starts 2 workers is 2 × MinBytesPerWorker.
const minBytes = (lo: number, hi: number): number =>
  hi - lo <= 1
    ? hi
    : workersFor(2 * Math.floor((lo + hi) / 2), 2) === 2
      ? minBytes(lo, Math.floor((lo + hi) / 2))
      : minBytes(Math.floor((lo + hi) / 2), hi)
const current = minBytes(0, 1024 * MiB)
console.log(
  `\nfold rate: ${(rate / MiB).toFixed(0)} MiB/s (${(archiveBytes / MiB).toFixed(1)} MiB, ${reports.toLocaleString("en-US")} reports in ${keys.length} files, cold, median ${foldMs.toFixed(0)} ms)` +
    `\na worker start costs about as much as folding ${(breakEven / MiB).toFixed(1)} MiB; MinBytesPerWorker is ${(current / MiB).toFixed(0)} MiB = ${(current / breakEven).toFixed(1)}× that`
)
