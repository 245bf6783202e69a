// Scaling out the archiver: three archiver processes started together on a 6-partition topic share the
// partitions (Kafka's consumer group; each one's share observed from its own `archiver assigned/revoked`
// debug log lines), each archives part of the reports produced once the group is settled, and the S3
// archive still holds every report exactly once. The members are stopped (SIGTERM) once the group has
// committed everything: an --idle-exit would count from each one's join, and on a busy machine the
// simulator can start producing only after it has run out.
import { afterEach, describe, expect, it } from "@effect/vitest"
import { stopWhenCaughtUp } from "../support/Faults.js"
import { skipReason } from "../support/Infra.js"
import {
  archiverTotals,
  checkExactlyOnce,
  deleteTopics,
  endOffsets,
  eventually,
  exactlyOnce,
  FastGroups,
  killLeftovers,
  membership,
  readS3Archive,
  removeS3Prefix,
  runToEnd,
  startCli,
  sumOf,
  uniqueNames
} from "../support/Processes.js"

const skip = skipReason()

const Partitions = 6
const Members = 3
const Count = 30_000

describe.skipIf(skip !== undefined)("scaling: three archivers share six partitions", () => {
  afterEach(killLeftovers)

  it("each archiver gets a non-empty share, the shares cover every partition once, and the archive is exactly-once", async () => {
    const started = Date.now()
    const names = uniqueNames("scaling", Partitions)
    const env = { ...names, ...FastGroups, LOG_LEVEL: "debug" }
    try {
      const archivers = Array.from({ length: Members }, (_, i) =>
        startCli(`archive-${i + 1}`, ["archive", "--max-records-per-file", "2000"], env)
      )

      // The settled group: three disjoint, non-empty shares covering the six partitions.
      const shares = await eventually(
        "three archivers to share the partitions",
        () => {
          const held = archivers.map((a) => membership(a, "archiver").held)
          const all = held.flat()
          return held.every((h) => h.length > 0) && all.length === Partitions && new Set(all).size === Partitions
            ? held
            : undefined
        },
        90_000,
        100
      )
      const settledMs = Date.now() - started

      await runToEnd(
        "simulate",
        [
          "simulate",
          "--to",
          "kafka",
          "--seed",
          "5",
          "--count",
          String(Count),
          "--drones",
          "60",
          "--start",
          "2026-11-07T20:00:00Z"
        ],
        names,
        120_000
      )
      await stopWhenCaughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC, archivers)

      const ends = await endOffsets(names.REPORTS_TOPIC)
      expect(sumOf(ends)).toBe(Count)
      expect([...ends.values()].every((n) => n > 0)).toBe(true)
      const check = checkExactlyOnce(names.REPORTS_TOPIC, await readS3Archive(names.S3_PREFIX), ends)
      expect(check).toMatchObject(exactlyOnce(Count))

      // Every member held a share from its own logs, and archived reports of it.
      const members = archivers.map((a) => membership(a, "archiver"))
      members.forEach((m) => expect(m.ever.length).toBeGreaterThan(0))
      const totals = archivers.map(archiverTotals)
      totals.forEach((t) => expect(t?.archived ?? 0).toBeGreaterThan(0))
      console.log(
        `scaling: shares ${JSON.stringify(shares)} settled after ${settledMs} ms; per member archived ${totals.map((t) => t?.archived).join("/")} ` +
          `in ${totals.map((t) => t?.files).join("/")} files; ${check.files} files; total ${Date.now() - started} ms`
      )
    } finally {
      await removeS3Prefix(names.S3_PREFIX)
      await deleteTopics(names)
    }
  }, 240_000)
})
