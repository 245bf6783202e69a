/**
 * Archive Parquet benchmark (one core): encode throughput, size vs JSON, and the analyzer's
 * reader (readReportColumns) vs DuckDB (SET threads=1) on the same file.
 *
 *   node --import tsx bench/parquet.ts [reports=100000]
 */
import { DuckDBInstance } from "@duckdb/node-api"
import { parquetReadObjects } from "hyparquet"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { readReportColumns, type ReportColumns } from "../src/analyzer/Columns.js"
import type { ArchivedReport } from "../src/format/ArchivedReport.js"
import { decompressors } from "../src/format/Decompressors.js"
import { encodeReports } from "../src/format/EncodeReports.js"
import { makeGenerator } from "../src/domain/Generator.js"

const n = Number(process.argv[2] ?? 100_000)
const drones = 50

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const timeSync = <A>(runs: number, warmup: number, f: () => A): number => {
  for (let i = 0; i < warmup; i++) f()
  const ts: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    f()
    ts.push(performance.now() - t)
  }
  return median(ts)
}

const timeAsync = async <A>(runs: number, warmup: number, f: () => Promise<A>): Promise<number> => {
  for (let i = 0; i < warmup; i++) await f()
  const ts: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await f()
    ts.push(performance.now() - t)
  }
  return median(ts)
}

// --- data + encode (in a scope, so the report objects are garbage before the read timings) ------
const encodePhase = () => {
  const generate = makeGenerator({ seed: 7, drones, startMs: Date.UTC(2026, 10, 2, 9, 0, 0), alertRatio: 0.01 })
  const records: ReadonlyArray<ArchivedReport> = Array.from({ length: n }, (_, i) => ({
    report: generate(i),
    partition: 3,
    offset: 3_000_000_000 + i
  }))
  const jsonBytes = records.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r.report)), 0)
  const encodeMs = timeSync(3, 1, () => encodeReports(records))
  return { jsonBytes, encodeMs, bytes: encodeReports(records) }
}
const { jsonBytes, encodeMs, bytes } = encodePhase()
const dir = mkdtempSync(join(tmpdir(), "peacestate-bench-"))
const file = join(dir, "reports.parquet")
writeFileSync(file, bytes)

console.log(`reports                 ${n.toLocaleString("en")} (${drones} drones, realistic generator)`)
console.log(
  `encode                  ${encodeMs.toFixed(0)} ms  →  ${Math.round((n / encodeMs) * 1000).toLocaleString("en")} reports/s (goal ≥ 30,000)`
)
console.log(
  `size                    ${(bytes.length / n).toFixed(1)} B/report vs JSON ${(jsonBytes / n).toFixed(1)} B/report  →  ${((100 * bytes.length) / jsonBytes).toFixed(1)} % (goal ≤ 25 %)`
)

// --- read: ours --------------------------------------------------------------------------------
const readFile = (): Uint8Array => readFileSync(file)

/** What the DuckDB queries compute, computed from the columns. */
const q1 = (c: ReportColumns) => {
  let maxTs = -Infinity
  let lat = 0
  let lon = 0
  for (let i = 0; i < c.rows; i++) {
    if (c.timestampMs[i]! > maxTs) maxTs = c.timestampMs[i]!
    lat += c.latitude[i]!
    lon += c.longitude[i]!
  }
  return [c.rows, maxTs, lat / c.rows, lon / c.rows, c.citizenOffsets[c.rows]!, c.wordOffsets[c.rows]!]
}
const q2 = (c: ReportColumns) => {
  const min = new Map<string, number>()
  for (let i = 0; i < c.citizenNames.length; i++) {
    const name = c.citizenNames.at(i)!
    const score = c.citizenScores[i]!
    const m = min.get(name)
    if (m === undefined || score < m) min.set(name, score)
  }
  return min.size
}
const q3 = (c: ReportColumns) => {
  const counts = new Map<string, number>()
  for (const w of c.words) counts.set(w, (counts.get(w) ?? 0) + 1)
  return counts.size
}

const ab = readFile()
const naiveMs = await timeAsync(1, 1, () =>
  parquetReadObjects({
    file: ab.buffer.slice(ab.byteOffset, ab.byteOffset + ab.byteLength) as ArrayBuffer,
    columns: ["timestamp", "latitude", "longitude", "citizens", "words"],
    compressors: decompressors
  })
)

// --- read: DuckDB, one thread --------------------------------------------------------------------
const duck = await DuckDBInstance.create(":memory:", { threads: "1" })
const con = await duck.connect()
await con.run("SET threads = 1")
const src = `read_parquet('${file}')`
const queries = {
  q1: `SELECT count(*), max(timestamp), avg(latitude), avg(longitude), sum(len(citizens)), sum(len(words)) FROM ${src}`,
  q2: `SELECT count(*) FROM (SELECT c.name, min(c.peacescore) FROM (SELECT unnest(citizens) AS c FROM ${src}) GROUP BY c.name)`,
  q3: `SELECT count(*) FROM (SELECT w, count(*) FROM (SELECT unnest(words) AS w FROM ${src}) GROUP BY w)`
}

/** Median times of two contenders, run alternately so both see the same background load. */
const timePair = async (
  runs: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>
): Promise<readonly [number, number]> => {
  await a()
  await b()
  const ta: number[] = []
  const tb: number[] = []
  for (let i = 0; i < runs; i++) {
    let t = performance.now()
    await a()
    ta.push(performance.now() - t)
    t = performance.now()
    await b()
    tb.push(performance.now() - t)
  }
  return [median(ta), median(tb)]
}

const [readOnlyMs, duck1] = await timePair(
  21,
  () => readReportColumns(readFile()),
  () => con.runAndReadAll(queries.q1)
)
const [ours1] = await timePair(
  11,
  async () => q1(await readReportColumns(readFile())),
  () => con.runAndReadAll(queries.q1)
)
const [ours2, duck2] = await timePair(
  11,
  async () => q2(await readReportColumns(readFile())),
  () => con.runAndReadAll(queries.q2)
)
const [ours3, duck3] = await timePair(
  11,
  async () => q3(await readReportColumns(readFile())),
  () => con.runAndReadAll(queries.q3)
)

// The same data as a file with only the contract columns, written by DuckDB (optional fields,
// page v1, its own encodings): readReportColumns takes its general path (levels) there.
const foreign = join(dir, "contract-only.parquet")
await con.run(
  `COPY (SELECT report_id, drone_id, timestamp, latitude, longitude, citizens, words, battery_pct, altitude_m, speed_mps,
          temperature_c, source_partition, source_offset FROM ${src}) TO '${foreign}' (FORMAT parquet)`
)
const [generalMs, duckForeign] = await timePair(
  11,
  () => readReportColumns(readFileSync(foreign)),
  () => con.runAndReadAll(queries.q1.replace(src, `read_parquet('${foreign}')`))
)

const c = await readReportColumns(readFile())
const check = {
  q1:
    JSON.stringify(q1(c).slice(4)) ===
    JSON.stringify((await con.runAndReadAll(queries.q1)).getRowsJson()[0]!.slice(4).map(Number)),
  q2: q2(c) === Number((await con.runAndReadAll(queries.q2)).getRowsJson()[0]![0]),
  q3: q3(c) === Number((await con.runAndReadAll(queries.q3)).getRowsJson()[0]![0])
}
const types = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson()

console.log(
  `naive hyparquet         ${naiveMs.toFixed(1)} ms (parquetReadObjects of the same 5 columns, for reference)`
)
console.log(
  `readReportColumns       ${readOnlyMs.toFixed(1)} ms (file read + decode of timestamp, lat, lon, citizens, words)`
)
const row = (label: string, ours: number, theirs: number, ok: boolean) =>
  console.log(
    `${label.padEnd(24)}ours ${ours.toFixed(1).padStart(6)} ms   DuckDB ${theirs.toFixed(1).padStart(6)} ms   ratio ${(ours / theirs).toFixed(2)}×   ${ok ? "same result" : "RESULT DIFFERS"}`
  )
row("q1 counts/lengths", ours1, duck1, check.q1)
row("q2 unnest citizens", ours2, duck2, check.q2)
row("q3 unnest words", ours3, duck3, check.q3) // DuckDB reads only `words` here; we decode all five columns
row("all three", ours1 + ours2 + ours3, duck1 + duck2 + duck3, check.q1 && check.q2 && check.q3)
console.log(
  `readReportColumns / DuckDB q1 = ${(readOnlyMs / duck1).toFixed(2)}×  (the headline figure: decode everything the analyzer needs vs DuckDB touching the same columns)`
)
console.log(
  `contract-only file      readReportColumns ${generalMs.toFixed(1)} ms vs DuckDB q1 ${duckForeign.toFixed(1)} ms = ${(generalMs / duckForeign).toFixed(2)}× (DuckDB-written copy: general path, offsets from levels)`
)
console.log(`DuckDB types: ${types.map((t) => `${String(t["column_name"])} ${String(t["column_type"])}`).join(", ")}`)

con.closeSync()
duck.closeSync()
rmSync(dir, { recursive: true, force: true })
