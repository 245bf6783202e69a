// Fault: a rebalance storm. While reports are being produced the archiver group is scaled 1 → 3 → 1,
// twice: two archivers join (each waits until the three share the six partitions, observed from their
// `archiver assigned/revoked` debug lines, and each has stored a file of its share), then two of the three
// get SIGTERM (flush, commit, leave) and the survivor takes their partitions back. Every move revokes
// partitions with reports buffered but not yet stored (dropped, re-read by the new owner) and hands
// partitions to members that must resume from the files the previous owner stored. At the end the S3
// archive holds every report exactly once.
//
// Production lasts until the storm is over, however long the storm takes on the machine at hand: the
// phases follow what the members are observed to do, never a clock.
//
// The archivers reach S3 through a relay adding 25 ms to each response, so puts are still in flight
// while partitions move, as against a remote S3.
import { expect, it } from "@effect/vitest"
import { cleanExit, type Proc } from "../support/Children.js"
import { describeFault, withFaultRun } from "../support/FaultRun.js"
import { stopWhenCaughtUp } from "../support/Faults.js"
import { committedOffsets, endOffsets, sumOf } from "../support/Kafka.js"
import { archiverTotals, membership, storedFiles } from "../support/Members.js"
import { checkExactlyOnce, exactlyOnce, readS3Archive } from "../support/S3Archive.js"
import { eventually } from "../support/Wait.js"

const Partitions = 6
const Rate = 2_000
const Cycles = 2
const S3LatencyMs = 25

/** The members' current shares, when they are non-empty, disjoint and cover every partition. */
const settled = (members: ReadonlyArray<Proc>) => {
  const held = members.map((m) => membership(m, "archiver").held)
  const all = held.flat()
  return held.every((h) => h.length > 0) && all.length === Partitions && new Set(all).size === Partitions
    ? held
    : undefined
}

/** Resolves once each member has stored a file after this call: each is archiving what it now holds. */
const eachStoresAFile = (what: string, members: ReadonlyArray<Proc>) => {
  const before = members.map(storedFiles)
  return eventually(what, () => (members.every((m, i) => storedFiles(m) > before[i]!) ? true : undefined), 90_000, 100)
}

describeFault("fault: rebalance storm (archivers 1 → 3 → 1, twice, during production)", () => {
  it(
    "every report is archived exactly once through the scale-ups and scale-downs",
    () =>
      withFaultRun(
        "rebalance-storm",
        { partitions: Partitions, observed: true },
        async ({ names, archiver, produce, latencyRelay }) => {
          const started = Date.now()
          const relay = await latencyRelay(S3LatencyMs)
          // No --idle-exit: the members leave by SIGTERM, the survivor once the group has committed everything.
          const archive = (i: number) =>
            archiver(`archive-${i}`, ["--max-records-per-file", "1000"], { S3_ENDPOINT: relay.url })
          const production = produce({
            seed: 47,
            drones: 100,
            start: "2026-11-06T18:00:00Z",
            rate: Rate,
            alertRatio: 0.01
          })
          const first = archive(1)
          await first.waitForStderr(/"archiver assigned"/, 90_000)
          await eachStoresAFile(`${first.name} storing files`, [first])

          const timeline: Array<string> = []
          const stopped: Array<Proc> = []
          let survivor = first
          let next = 2
          for (let cycle = 1; cycle <= Cycles; cycle++) {
            // 1 → 3
            const joined = [archive(next), archive(next + 1)]
            next += 2
            const trio = [survivor, ...joined]
            const shares = await eventually(
              `cycle ${cycle}: three archivers sharing the partitions`,
              () => settled(trio),
              90_000,
              100
            )
            timeline.push(
              `cycle ${cycle} at ${Date.now() - started} ms: ${trio.map((p, i) => `${p.name}=${JSON.stringify(shares[i])}`).join(" ")}`
            )
            await eachStoresAFile(`cycle ${cycle}: each of the three storing a file of its share`, trio)
            // 3 → 1: the long-lived member and one newcomer leave; the other newcomer takes everything.
            const leaving = [survivor, joined[0]!]
            leaving.forEach((p) => p.signal("SIGTERM"))
            await Promise.all(leaving.map((p) => cleanExit(p, 30_000)))
            stopped.push(...leaving)
            survivor = joined[1]!
            const alone = survivor
            await eventually(
              `cycle ${cycle}: ${alone.name} holding all partitions`,
              () => (membership(alone, "archiver").held.length === Partitions ? true : undefined),
              90_000,
              100
            )
            timeline.push(`cycle ${cycle} at ${Date.now() - started} ms: ${alone.name} holds all`)
            await eachStoresAFile(`cycle ${cycle}: ${alone.name} storing files, holding all partitions`, [alone])
          }
          // The storm is over: so is production.
          const produced = await production.stop()
          await stopWhenCaughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC, [survivor])

          const ends = await endOffsets(names.REPORTS_TOPIC)
          expect(sumOf(ends)).toBe(produced)
          expect(sumOf(await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))).toBe(produced)
          const check = checkExactlyOnce(names.REPORTS_TOPIC, await readS3Archive(names.S3_PREFIX), ends)
          expect(check).toMatchObject(exactlyOnce(produced))

          const all = [...stopped, survivor]
          const totals = all.map((p) => ({
            name: p.name,
            moves: membership(p, "archiver").events.length,
            ...archiverTotals(p)
          }))
          // Every member archived something (each was seen storing a file before it left).
          totals.forEach((t) => expect(t.archived ?? 0).toBeGreaterThan(0))
          console.log(
            `rebalance-storm: ${produced} reports in ${check.files} files, produced until the storm ended; ${timeline.join("; ")}; ` +
              `members ${JSON.stringify(totals)}; total ${Date.now() - started} ms`
          )
        }
      ),
    300_000
  )

  it(
    "a member stuck on a slow S3 is kicked out of the group, rejoins, and archives nothing twice",
    () =>
      withFaultRun(
        "rebalance-stuck",
        { partitions: Partitions, observed: true },
        async ({ names, archiver, produce, latencyRelay }) => {
          const started = Date.now()
          const relay = await latencyRelay(0)
          // Production lasts until the slow member is back in the group, however long that takes.
          const production = produce({
            seed: 53,
            drones: 40,
            start: "2026-11-03T10:00:00Z",
            rate: 500,
            alertRatio: 0.01
          })
          const slow = archiver("archive-slow", [], { S3_ENDPOINT: relay.url })
          await slow.waitForStderr(/"archiver assigned"/, 90_000)
          await eachStoresAFile("the slow member storing files", [slow])
          // S3 answers the slow member 14 s late: its next request outlasts the 6 s session and the 10 s rebalance timeout.
          relay.setDelay(14_000)
          await eventually("the slow member waiting on S3", () => (relay.held() > 0 ? true : undefined), 90_000, 50)
          const fast = archiver("archive-fast")
          await eventually(
            "the fast member holding every partition",
            () => (membership(fast, "archiver").held.length === Partitions ? true : undefined),
            120_000,
            100
          )
          relay.setDelay(0)
          await eventually("the slow member back in the group", () => settled([slow, fast]), 120_000, 100)
          const count = await production.stop()
          await stopWhenCaughtUp(names.ARCHIVER_GROUP, names.REPORTS_TOPIC, [slow, fast])

          const ends = await endOffsets(names.REPORTS_TOPIC)
          expect(sumOf(ends)).toBe(count)
          const files = await readS3Archive(names.S3_PREFIX)
          const check = checkExactlyOnce(names.REPORTS_TOPIC, files, ends)
          if (check.archived !== count || check.distinctPositions !== count) {
            // What went wrong, for the failure report: every file, and each member's assignment, commit and store lines.
            console.log(
              files
                .map((f) => `${f.reports[0]!.partition} ${f.reports[0]!.offset}..${f.reports.at(-1)!.offset} ${f.key}`)
                .sort()
                .join("\n")
            )
            const lines = (p: Proc) =>
              p
                .stderr()
                .split("\n")
                .filter(
                  (l) =>
                    /already stored|commit|revoked|assigned|not writing|stored |stopped/.test(l) && !/kafkajs/.test(l)
                )
            console.log(`${slow.name}:\n${lines(slow).join("\n")}\n${fast.name}:\n${lines(fast).join("\n")}`)
            console.log(
              `committed ${JSON.stringify([...(await committedOffsets(names.ARCHIVER_GROUP, names.REPORTS_TOPIC))])}, ends ${JSON.stringify([...ends])}`
            )
          }
          const fenced = (slow.stderr().match(/archiver: not writing/g) ?? []).length
          console.log(
            `rebalance-stuck: ${count} reports in ${check.files} files; slow member ${JSON.stringify(membership(slow, "archiver").events.map((e) => `${e.kind}${e.partitions.join(",")}`))} ` +
              `${JSON.stringify(archiverTotals(slow))}, ${fenced} writes fenced off; fast member ${JSON.stringify(archiverTotals(fast))}; total ${Date.now() - started} ms`
          )
          expect(check).toMatchObject(exactlyOnce(count))
          // The scenario happened: the group dropped the slow member (all its partitions revoked at once on its rejoin).
          expect(
            membership(slow, "archiver").events.some((e) => e.kind === "-" && e.partitions.length === Partitions)
          ).toBe(true)
        }
      ),
    300_000
  )
})
