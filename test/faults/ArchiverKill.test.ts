// Fault: the archiver is SIGKILLed at 5 random moments while 200,000 reports are being produced, and
// restarted each time; a last one runs to --idle-exit. No flush, no commit, no goodbye to the group on a
// kill: whatever was put but not committed must be found again by the next incarnation (it follows the
// chain of stored files from the committed offset). At the end each (partition, offset) and each
// reportId is in the S3 archive exactly once, and the archive holds what Kafka holds.
//
// The kill moments are drawn from a seeded PRNG (KILL_SEED to change it), each after the incarnation has
// been assigned partitions, so every kill lands while it is resuming, buffering or writing. The archivers
// reach S3 through a relay adding 40 ms to each response, as a remote S3 would: a put the server has
// stored is then acknowledged (and committed) only 40 ms later, so kills also land in that window, as on
// AWS, instead of almost never against the local S3Proxy's ~1 ms.
import { afterEach, describe, expect, it } from "@effect/vitest"
import { s3Env, skipReason } from "../support/Infra.js"
import {
  archiverTotals,
  checkExactlyOnce,
  cleanExit,
  committedOffsets,
  deleteTopics,
  endOffsets,
  exactlyOnce,
  FastGroups,
  killLeftovers,
  latencyRelay,
  type Proc,
  readS3Archive,
  removeS3Prefix,
  seededRandom,
  sleep,
  startCli,
  sumOf,
  uniqueNames
} from "../support/Processes.js"

const skip = skipReason()

const Count = Number(process.env.ARCHIVER_KILL_COUNT ?? 200_000)
// Production lasts ~Count/Rate s, long enough to overlap the 5 kills (each incarnation: start-up, a join
// that waits out the dead member's 6 s session, then 0.5-6 s of work).
const Rate = 3_000
const Kills = 5
const KillSeed = Number(process.env.KILL_SEED ?? 20261128)
// Small files (and 4 per partition-hour at 200 drones): many put → commit windows for a kill to land in.
const MaxRecordsPerFile = "500"
const S3LatencyMs = Number(process.env.S3_LATENCY_MS ?? 40)

describe.skipIf(skip !== undefined)("fault: the archiver SIGKILLed 5 times during production", () => {
  afterEach(killLeftovers)

  it(`${Count} reports, 5 kills at seeded random moments, restarts: the archive is complete and exactly-once`, async () => {
    const started = Date.now()
    const names = uniqueNames("archiver-kill", 6)
    const relay = await latencyRelay(new URL(s3Env().endpoint), S3LatencyMs)
    const env = { ...names, ...FastGroups, LOG_LEVEL: "debug", S3_ENDPOINT: relay.url }
    const random = seededRandom(KillSeed)
    try {
      const producer = startCli(
        "simulate",
        ["simulate", "--to", "kafka", "--seed", "31", "--count", String(Count), "--drones", "200", "--start", "2026-11-02T00:00:00Z", "--rate", String(Rate)],
        names
      )
      const archive = (i: number, extra: ReadonlyArray<string> = []) =>
        startCli(`archive-${i}`, ["archive", "--max-records-per-file", MaxRecordsPerFile, ...extra], env)

      const incarnations: Array<Proc> = []
      const kills: Array<{ readonly afterAssignedMs: number; readonly producedAtKill: number; readonly committedAtKill: number }> = []
      for (let i = 1; i <= Kills; i++) {
        const archiver = archive(i)
        incarnations.push(archiver)
        await archiver.waitForStderr(/"archiver assigned"/, 60_000)
        const delay = Math.round(500 + random() * 5_500)
        await sleep(delay)
        expect(archiver.exited()).toBe(false)
        archiver.signal("SIGKILL")
        const exit = await archiver.exitWithin(10_000)
        expect(exit.signal).toBe("SIGKILL")
        const [produced, committed] = await Promise.all([endOffsets(names.REPORTS_TOPIC).then(sumOf), committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC).then(sumOf)])
        kills.push({ afterAssignedMs: delay, producedAtKill: produced, committedAtKill: committed })
      }
      const productionStillRunning = !producer.exited()

      const last = archive(Kills + 1, ["--idle-exit", "10s"])
      incarnations.push(last)
      await cleanExit(producer, 180_000)
      await cleanExit(last, 180_000)

      const ends = await endOffsets(names.REPORTS_TOPIC)
      expect(sumOf(ends)).toBe(Count)
      expect(sumOf(await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))).toBe(Count)
      const files = await readS3Archive(names.S3_PREFIX)
      const check = checkExactlyOnce(names.REPORTS_TOPIC, files, ends)
      expect(check).toMatchObject(exactlyOnce(Count))

      // How often an incarnation found files its killed predecessor had stored but not committed.
      const resumedOver = incarnations.map((p) => (p.stderr().match(/is already stored \(offsets/g) ?? []).length)
      console.log(
        `archiver-kill: ${Count} reports in ${check.files} files; kills ${JSON.stringify(kills)}; production still running after the 5th kill: ${productionStillRunning}; ` +
          `stored-but-uncommitted files found again per incarnation ${resumedOver.join("/")}; last incarnation ${JSON.stringify(archiverTotals(last))}; total ${Date.now() - started} ms`
      )
      // The kills overlapped production (the last one may come after it on a slow machine).
      expect(kills.filter((k) => k.producedAtKill < Count).length).toBeGreaterThanOrEqual(Kills - 1)
    } finally {
      await relay.close()
      await removeS3Prefix(names.S3_PREFIX)
      await deleteTopics(names)
    }
  }, 300_000)
})
