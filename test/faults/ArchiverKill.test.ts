// Fault: the archiver is SIGKILLed at 5 random moments while reports are being produced, and restarted
// each time; a last one runs until its group has committed everything. No flush, no commit, no goodbye to the
// group on a kill: whatever was put but not committed must be found again by the next incarnation (it follows
// the chain of stored files from the committed offset). At the end each (partition, offset) and each
// reportId is in the S3 archive exactly once, and the archive holds what Kafka holds.
//
// Production lasts until the fifth kill is over and at least ARCHIVER_KILL_COUNT reports (200,000) are
// on the topic, however long the kills take on the machine at hand (each incarnation: start-up, a join that
// waits out the dead member's 6 s session, then 0.5-6 s of work).
//
// The kill moments are drawn from a seeded PRNG (KILL_SEED to change it), each after the incarnation has
// been assigned partitions, so every kill lands while it is resuming, buffering or writing. The archivers
// reach S3 through a relay adding 40 ms to each response, as a remote S3 would: a put the server has
// stored is then acknowledged (and committed) only 40 ms later, so kills also land in that window, as on
// AWS, instead of almost never against the local S3Proxy's ~1 ms.
import { expect, it } from "@effect/vitest"
import type { Proc } from "../support/Children.js"
import { describeFault, withFaultRun } from "../support/FaultRun.js"
import { stopWhenCaughtUp } from "../support/Faults.js"
import { committedOffsets, endOffsets, sumOf } from "../support/Kafka.js"
import { archiverTotals } from "../support/Members.js"
import { checkExactlyOnce, exactlyOnce, readS3Archive } from "../support/S3Archive.js"
import { seededRandom, sleep } from "../support/Wait.js"

const MinCount = Number(process.env.ARCHIVER_KILL_COUNT ?? 200_000)
const Rate = 3_000
const Kills = 5
const KillSeed = Number(process.env.KILL_SEED ?? 20261128)
// Small files (and 4 per partition-hour at 200 drones): many put → commit windows for a kill to land in.
const MaxRecordsPerFile = "500"
const S3LatencyMs = Number(process.env.S3_LATENCY_MS ?? 40)

describeFault("fault: the archiver SIGKILLed 5 times during production", () => {
  it(
    `at least ${MinCount} reports, 5 kills at seeded random moments, restarts: the archive is complete and exactly-once`,
    () =>
      withFaultRun(
        "archiver-kill",
        { partitions: 6, observed: true },
        async ({ names, archiver, produce, latencyRelay }) => {
          const started = Date.now()
          const relay = await latencyRelay(S3LatencyMs)
          const random = seededRandom(KillSeed)
          const production = produce({
            seed: 31,
            drones: 200,
            start: "2026-11-02T00:00:00Z",
            rate: Rate,
            alertRatio: 0.01
          })
          const archive = (i: number) =>
            archiver(`archive-${i}`, ["--max-records-per-file", MaxRecordsPerFile], { S3_ENDPOINT: relay.url })

          const incarnations: Array<Proc> = []
          const kills: Array<{
            readonly afterAssignedMs: number
            readonly producedAtKill: number
            readonly committedAtKill: number
            readonly producing: boolean
          }> = []
          for (let i = 1; i <= Kills; i++) {
            const archiver = archive(i)
            incarnations.push(archiver)
            await archiver.waitForStderr(/"archiver assigned"/, 90_000)
            const delay = Math.round(500 + random() * 5_500)
            await sleep(delay)
            expect(archiver.exited()).toBe(false)
            archiver.signal("SIGKILL")
            const exit = await archiver.exitWithin(30_000)
            expect(exit.signal).toBe("SIGKILL")
            const [produced, committed] = await Promise.all([
              production.produced(),
              committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC).then(sumOf)
            ])
            kills.push({
              afterAssignedMs: delay,
              producedAtKill: produced,
              committedAtKill: committed,
              producing: !production.proc.exited()
            })
          }
          // The kills are over; production goes on until the topic holds MinCount reports (on a fast machine the kills take less).
          const last = archive(Kills + 1)
          incarnations.push(last)
          await production.waitForProduced(MinCount, 600_000)
          const count = await production.stop()
          await stopWhenCaughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC, [last], 300_000)

          const ends = await endOffsets(names.REPORTS_TOPIC)
          expect(sumOf(ends)).toBe(count)
          expect(sumOf(await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))).toBe(count)
          const files = await readS3Archive(names.S3_PREFIX)
          const check = checkExactlyOnce(names.REPORTS_TOPIC, files, ends)
          expect(check).toMatchObject(exactlyOnce(count))

          // How often an incarnation found files its killed predecessor had stored but not committed.
          const resumedOver = incarnations.map((p) => (p.stderr().match(/is already stored \(offsets/g) ?? []).length)
          console.log(
            `archiver-kill: ${count} reports in ${check.files} files; kills ${JSON.stringify(kills)}; ` +
              `stored-but-uncommitted files found again per incarnation ${resumedOver.join("/")}; last incarnation ${JSON.stringify(archiverTotals(last))}; total ${Date.now() - started} ms`
          )
          // Every kill landed while reports were still arriving (production was stopped only after the last one).
          expect(kills.every((k) => k.producing)).toBe(true)
        }
      ),
    600_000
  )
})
