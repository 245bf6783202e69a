// Fault: the alerter is SIGKILLed 3 times while reports are being produced, and restarted each time; a last
// one runs to --idle-exit. A kill between publishing a batch's alerts and committing the batch makes the next
// incarnation read the batch again and publish its alerts again: at-least-once. At the end every alert the
// rule gives over the produced reports is on the alerts topic, with the same alertId and content, and the
// only extra records are duplicates of those alerts (counted and printed, never different alerts).
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import type { Alert } from "../../src/domain/Alert.js"
import { alertsOf } from "../../src/domain/AlertRule.js"
import { reports } from "../../src/simulator/Simulator.js"
import { skipReason } from "../support/Infra.js"
import {
  cleanExit,
  committedOffsets,
  deleteTopics,
  endOffsets,
  FastGroups,
  killLeftovers,
  type Proc,
  readTopic,
  seededRandom,
  sleep,
  startCli,
  sumOf,
  uniqueNames
} from "../support/Processes.js"

const skip = skipReason()

// Production lasts ~36 s: long enough to overlap the 3 kills (each incarnation: start-up, a join that waits
// out the dead member's 6 s session, then 0.3-3 s of work).
const Count = 45_000
const Rate = 1_250
const Kills = 3
const sim = { seed: 41, count: Count, drones: 100, startMs: Date.parse("2026-11-02T00:00:00.000Z"), alertRatio: 0.05 }

/** An alert without its detection time, which differs from incarnation to incarnation. */
const stable = ({ detectedAt: _, ...rest }: Alert) => JSON.stringify(rest)

describe.skipIf(skip !== undefined)("fault: the alerter SIGKILLed during production", () => {
  afterEach(killLeftovers)

  it("every expected alert is published, with its stable alertId; a kill only adds duplicates", async () => {
    const started = Date.now()
    const names = uniqueNames("alerter-kill", 6)
    const env = { ...names, ...FastGroups, LOG_LEVEL: "debug" }
    const random = seededRandom(Number(process.env.KILL_SEED ?? 20261128))
    try {
      const producer = startCli(
        "simulate",
        ["simulate", "--to", "kafka", "--seed", String(sim.seed), "--count", String(Count), "--drones", String(sim.drones), "--start", "2026-11-02T00:00:00Z", "--alert-ratio", String(sim.alertRatio), "--rate", String(Rate)],
        names
      )
      const alerter = (i: number, extra: ReadonlyArray<string> = []) => startCli(`alert-${i}`, ["alert", ...extra], env)

      const kills = await Array.from({ length: Kills }, (_, i) => i + 1).reduce<Promise<ReadonlyArray<{ readonly afterAssignedMs: number; readonly produced: number; readonly committed: number }>>>(
        (acc, i) =>
          acc.then(async (done) => {
            const proc: Proc = alerter(i)
            await proc.waitForStderr(/"alerter assigned"/, 60_000)
            const delay = Math.round(300 + random() * 2_700)
            await sleep(delay)
            expect(proc.exited()).toBe(false)
            proc.signal("SIGKILL")
            expect((await proc.exitWithin(10_000)).signal).toBe("SIGKILL")
            const [produced, committed] = await Promise.all([endOffsets(names.REPORTS_TOPIC).then(sumOf), committedOffsets(names.ALERTER_GROUP, names.REPORTS_TOPIC).then(sumOf)])
            return [...done, { afterAssignedMs: delay, produced, committed }]
          }),
        Promise.resolve([])
      )
      const last = alerter(Kills + 1, ["--idle-exit", "8s"])
      await cleanExit(producer, 120_000)
      await cleanExit(last, 120_000)

      expect(sumOf(await endOffsets(names.REPORTS_TOPIC))).toBe(Count)
      expect(sumOf(await committedOffsets(names.ALERTER_GROUP, names.REPORTS_TOPIC))).toBe(Count)
      const expected = Chunk.toReadonlyArray(Effect.runSync(Stream.runCollect(reports(sim)))).flatMap((r) => alertsOf(r, { detectedAt: new Date(0) }))
      expect(expected.length).toBeGreaterThan(1_000)
      const expectedById = new Map(expected.map((a) => [a.alertId, stable(a)]))
      const received = (await readTopic(names.ALERTS_TOPIC)).map((r) => JSON.parse(r.value) as Alert)
      // Every expected alert at least once, nothing else; each copy identical to the rule's alert.
      expect(new Set(received.map((a) => a.alertId))).toEqual(new Set(expectedById.keys()))
      expect(received.filter((a) => stable(a) !== expectedById.get(a.alertId)).slice(0, 3)).toEqual([])
      console.log(
        `alerter-kill: ${Count} reports, ${expected.length} alerts, ${received.length - expected.length} duplicates after ${Kills} kills ${JSON.stringify(kills)}; total ${Date.now() - started} ms`
      )
      // The kills landed while reports were still arriving.
      expect(kills.filter((k) => k.produced < Count).length).toBe(Kills)
    } finally {
      await deleteTopics(names)
    }
  }, 240_000)
})
