// Fault: the alerter is SIGKILLed 3 times while reports are being produced, and restarted each time; a last
// one runs until its group has committed everything. A kill between publishing a batch's alerts and
// committing the batch makes the next incarnation read the batch again and publish its alerts again:
// at-least-once. At the end every alert the rule gives over the produced reports is on the alerts topic, with
// the same alertId and content, and the only extra records are duplicates of those alerts (counted and
// printed, never different alerts).
//
// Production lasts until the third kill, however long the kills take on the machine at hand (each
// incarnation: start-up, a join that waits out the dead member's 6 s session, then 0.3-3 s of work).
import { expect, it } from "@effect/vitest"
import type { Alert } from "../../src/domain/Alert.js"
import { alertsOf } from "../../src/domain/AlertRule.js"
import type { Proc } from "../support/Children.js"
import { describeFault, withFaultRun } from "../support/FaultRun.js"
import { checkSimulated, readReports, simulatedPrefix, stopWhenCaughtUp } from "../support/Faults.js"
import { committedOffsets, endOffsets, readTopic, sumOf } from "../support/Kafka.js"
import { seededRandom, sleep } from "../support/Wait.js"

const Rate = 1_250
const Kills = 3

/** An alert without its detection time, which differs from incarnation to incarnation. */
const stable = ({ detectedAt: _, ...rest }: Alert) => JSON.stringify(rest)

describeFault("fault: the alerter SIGKILLed during production", () => {
  it(
    "every expected alert is published, with its stable alertId; a kill only adds duplicates",
    () =>
      withFaultRun("alerter-kill", { partitions: 6, observed: true }, async ({ names, alerter: start, produce }) => {
        const started = Date.now()
        const random = seededRandom(Number(process.env.KILL_SEED ?? 20261128))
        const production = produce({
          seed: 41,
          drones: 100,
          start: "2026-11-02T00:00:00Z",
          rate: Rate,
          alertRatio: 0.05
        })
        const alerter = (i: number) => start(`alert-${i}`)

        const kills: Array<{
          readonly afterAssignedMs: number
          readonly produced: number
          readonly committed: number
          readonly producing: boolean
        }> = []
        for (let i = 1; i <= Kills; i++) {
          const proc: Proc = alerter(i)
          await proc.waitForStderr(/"alerter assigned"/, 90_000)
          const delay = Math.round(300 + random() * 2_700)
          await sleep(delay)
          expect(proc.exited()).toBe(false)
          proc.signal("SIGKILL")
          expect((await proc.exitWithin(30_000)).signal).toBe("SIGKILL")
          const [produced, committed] = await Promise.all([
            production.produced(),
            committedOffsets(names.ALERTER_GROUP, names.REPORTS_TOPIC).then(sumOf)
          ])
          kills.push({ afterAssignedMs: delay, produced, committed, producing: !production.proc.exited() })
        }
        // The kills are over: so is production. The last incarnation reads what is left.
        const count = await production.stop()
        const last = alerter(Kills + 1)
        await stopWhenCaughtUp(names.ALERTER_GROUP, names.REPORTS_TOPIC, [last])

        expect(sumOf(await endOffsets(names.REPORTS_TOPIC))).toBe(count)
        expect(sumOf(await committedOffsets(names.ALERTER_GROUP, names.REPORTS_TOPIC))).toBe(count)
        // The expected alerts: the rule over the reports on the topic, which are the simulation's.
        const produced = await readReports(names.REPORTS_TOPIC)
        expect(checkSimulated(production, produced)).toMatchObject(simulatedPrefix(count))
        const expected = produced.flatMap((r) => alertsOf(r.report, { detectedAt: new Date(0) }))
        expect(expected.length).toBeGreaterThan(100)
        const expectedById = new Map(expected.map((a) => [a.alertId, stable(a)]))
        const received = (await readTopic(names.ALERTS_TOPIC)).map((r) => JSON.parse(r.value) as Alert)
        // Every expected alert at least once, nothing else; each copy identical to the rule's alert.
        expect(new Set(received.map((a) => a.alertId))).toEqual(new Set(expectedById.keys()))
        expect(received.filter((a) => stable(a) !== expectedById.get(a.alertId)).slice(0, 3)).toEqual([])
        console.log(
          `alerter-kill: ${count} reports, ${expected.length} alerts, ${received.length - expected.length} duplicates after ${Kills} kills ${JSON.stringify(kills)}; total ${Date.now() - started} ms`
        )
        // The kills landed while reports were still arriving (production was stopped only after the last one).
        expect(kills.every((k) => k.producing)).toBe(true)
      }),
    240_000
  )
})
