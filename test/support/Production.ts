// The simulator producing to Kafka until the test stops it; what it sent is what the topic holds.
import type { SimulationSettings } from "../../src/domain/Generator.js"
import { cleanExit, type Proc, startCli, tail } from "./Children.js"
import { endOffsets, sumOf } from "./Kafka.js"
import type { Names } from "./Names.js"
import { sleep } from "./Wait.js"

/** A simulation run to Kafka at a steady rate, without a set end: the test stops it (see startProduction). */
export interface Simulation {
  readonly seed: number
  readonly drones: number
  /** ISO-8601 instant of the first simulated minute. */
  readonly start: string
  /** Reports per second. */
  readonly rate: number
  readonly alertRatio: number
}

export interface Production {
  readonly proc: Proc
  /** What determines the reports, as src/domain/Generator.ts takes it (to recompute what was sent). */
  readonly settings: SimulationSettings
  /** The most reports one send of the simulator carries: a stop can cut short only the last send. */
  readonly sendSize: number
  /** Reports on the topic now. */
  readonly produced: () => Promise<number>
  /** Resolves with the reports on the topic once they are at least `n`; fails at once if the simulator ends first. */
  readonly waitForProduced: (n: number, timeoutMs?: number) => Promise<number>
  /**
   * SIGTERM, a clean exit, and the reports on the topic. Fails when the simulator ended before (it was
   * given an hour's worth of reports, so it can only have crashed).
   */
  readonly stop: () => Promise<number>
}

/**
 * The simulator producing to the reports topic of `names` at `sim.rate` until `stop()`: a test drives its
 * phases (kills, rebalances, outages) by what it observes, and production lasts until they are over, however
 * long they take on the machine at hand. Its count is an hour at the rate, which no test lasts, so production
 * never runs out under a slow phase. What was produced is then what the topic holds (`stop()` returns it).
 */
export const startProduction = (name: string, names: Names, sim: Simulation): Production => {
  const count = Math.ceil(sim.rate * 3_600)
  const proc = startCli(
    name,
    [
      "simulate",
      "--to",
      "kafka",
      "--seed",
      String(sim.seed),
      "--count",
      String(count),
      "--drones",
      String(sim.drones),
      "--start",
      sim.start,
      "--rate",
      String(sim.rate),
      "--alert-ratio",
      String(sim.alertRatio)
    ],
    names
  )
  const produced = () => endOffsets(names.REPORTS_TOPIC).then(sumOf)
  const ended = async () => {
    const exit = await proc.exit
    return new Error(
      `${name} ended (${exit.code ?? exit.signal}) before the test stopped it; stderr tail:\n${tail(proc.stderr())}`
    )
  }
  const waitForProduced = async (n: number, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (proc.exited()) throw await ended()
      const now = await produced().catch(() => -1)
      if (now >= n) return now
      if (Date.now() > deadline)
        throw new Error(
          `${name}: ${now} reports on ${names.REPORTS_TOPIC} after ${timeoutMs} ms, waiting for ${n}; stderr tail:\n${tail(proc.stderr())}`
        )
      await sleep(500)
    }
  }
  return {
    proc,
    settings: { seed: sim.seed, drones: sim.drones, startMs: Date.parse(sim.start), alertRatio: sim.alertRatio },
    // src/cli/Simulate.ts publishes chunks of rate/100 reports (at most 1000).
    sendSize: Math.max(1, Math.min(1000, Math.floor(sim.rate / 100))),
    produced,
    waitForProduced,
    stop: async () => {
      if (proc.exited()) throw await ended()
      proc.signal("SIGTERM")
      await cleanExit(proc, 30_000)
      return produced()
    }
  }
}
