import { Chunk, Stream } from "effect"
import { encodeReport } from "../domain/Codec.js"
import { makeGenerator, type SimulationSettings } from "../domain/Generator.js"
import type { Report } from "../domain/Report.js"

/** How many reports to produce, and how fast (reports per second; unlimited when absent). */
export interface SimulationRun extends SimulationSettings {
  readonly count: number
  readonly rate?: number | undefined
}

const ChunkSize = 1024

/** The simulated reports in order, generated lazily in constant memory, paced to `rate` when given. */
export const reports = (run: SimulationRun): Stream.Stream<Report> => {
  const generate = makeGenerator(run)
  const all =
    run.count > 0
      ? Stream.range(0, run.count - 1, ChunkSize).pipe(
          Stream.mapChunks((indices) => Chunk.fromIterable(generate.many(Chunk.toReadonlyArray(indices))))
        )
      : Stream.empty
  return run.rate !== undefined && run.rate > 0
    ? all.pipe(
        Stream.rechunk(Math.max(1, Math.min(ChunkSize, Math.floor(run.rate / 100)))),
        Stream.throttle({ cost: Chunk.size, units: run.rate, duration: "1 second", strategy: "shape" })
      )
    : all
}

/** The simulated reports as wire JSON lines (no trailing newline), chunk by chunk. */
export const reportLines = (run: SimulationRun): Stream.Stream<string> =>
  reports(run).pipe(Stream.mapChunks(Chunk.map(encodeReport)))
