/**
 * Domain benchmarks, side by side in one run (ratios matter; absolute times on a shared machine don't):
 *  - simulator: generate + encode to a null sink  vs  plain JSON.stringify of the same, pre-built reports
 *  - decoding:  decodeReport (JSON.parse + validation)  vs  plain JSON.parse
 *
 *   node --import tsx bench/domain.ts [reports=200000]
 */
import { Chunk, Effect, Stream } from "effect"
import { decodeReport, encodeReport } from "../src/domain/Codec.js"
import { makeGenerator } from "../src/domain/Generator.js"
import { reportLines } from "../src/simulator/Simulator.js"

const n = Number(process.argv[2] ?? 200_000)
const settings = { seed: 1, drones: 50, startMs: Date.parse("2026-11-02T00:00:00Z"), alertRatio: 0.01 }

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const time = (runs: number, f: () => unknown): number => {
  f()
  return median(
    Array.from({ length: runs }, () => {
      const t = performance.now()
      f()
      return performance.now() - t
    })
  )
}

const generate = makeGenerator(settings)
const prebuilt = Array.from({ length: n }, (_, i) => generate(i))
const lines = prebuilt.map(encodeReport)
let sink = 0

// Interleave the contenders run by run so that machine noise hits both alike.
const rounds = 5
const simOurs: number[] = []
const simRawLoop: number[] = []
const simBase: number[] = []
const decOurs: number[] = []
const decBase: number[] = []
for (let r = 0; r < rounds; r++) {
  simBase.push(
    time(1, () => {
      for (const x of prebuilt) sink += JSON.stringify(x).length
    })
  )
  simRawLoop.push(
    time(1, () => {
      for (let i = 0; i < n; i++) sink += encodeReport(generate(i)).length
    })
  )
  simOurs.push(
    time(1, () =>
      Effect.runSync(
        Stream.runForEachChunk(reportLines({ ...settings, count: n }), (c) =>
          Effect.sync(() => {
            sink += Chunk.reduce(c, 0, (n, l) => n + l.length)
          })
        )
      )
    )
  )
  decBase.push(
    time(1, () => {
      for (const l of lines) sink += JSON.parse(l) ? 1 : 0
    })
  )
  decOurs.push(
    time(1, () => {
      for (const l of lines) sink += decodeReport(l)._tag === "Right" ? 1 : 0
    })
  )
}

const rate = (ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")}/s`
const row = (name: string, ours: number, base: number, goal: number) =>
  console.log(
    `${name.padEnd(44)} ours ${rate(ours).padStart(12)}  baseline ${rate(base).padStart(12)}  ratio ${(base / ours).toFixed(2)}× (goal ≥ ${goal}×)`
  )
console.log(
  `domain benchmark: ${n.toLocaleString("en-US")} reports, median of ${rounds} interleaved rounds, node ${process.version}`
)
row("simulator stream → null sink vs JSON.stringify", median(simOurs), median(simBase), 0.6)
row("generator+encode loop vs JSON.stringify", median(simRawLoop), median(simBase), 0.6)
row("decodeReport vs JSON.parse", median(decOurs), median(decBase), 0.5)
void Chunk.empty
if (sink < 0) console.log(sink)
