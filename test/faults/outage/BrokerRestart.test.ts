// Fault: the Kafka broker restarts while the simulator produces (--rate) and the alerter and archiver
// consume. Nothing is lost: the simulator's reports are all on the topic once (idempotent retries), the
// archive holds every produced report exactly once, every alert is on the alerts topic (at-least-once:
// compared as sets).
//
// How long the broker is away is the stop, FAULTS_BROKER_DOWN_MS (3 s), and the JVM's start, which takes
// 5 s on an idle machine and twice that on a busy one. The components ride out an outage within kafkajs'
// retry budget (≈ 15 s, README "Not covered"): after one shorter than RideOutMs the test asserts that none
// of them exited. After a longer one a component may give up with exit 1 (never silently), and the test
// does what its supervisor would: it restarts alert/archive, which lose nothing; the simulator's failed
// send ends production, and what it sent before is on the topic. Production otherwise lasts until it has
// resumed after the restart, however long that takes.
//
// This stops the shared broker (infra.sh kafka-stop / kafka-start): it runs in its own vitest
// invocation, after the other test files (see package.json "test").
import { expect, it } from "@effect/vitest"
import { alertsOf } from "../../../src/domain/AlertRule.js"
import { cleanExit, type Proc } from "../../support/Children.js"
import { describeFault, withFaultRun } from "../../support/FaultRun.js"
import {
  alertIdsOn,
  caughtUp,
  checkSimulated,
  infraCtl,
  kafkaPort,
  metricsBase,
  metricSum,
  portOpen,
  readRawTopic,
  readReports,
  scrape,
  simulatedPrefix
} from "../../support/Faults.js"
import { committedOffsets, endOffsets, sumOf } from "../../support/Kafka.js"
import { checkExactlyOnce, exactlyOnce, readS3Archive } from "../../support/S3Archive.js"
import { eventually, sleep } from "../../support/Wait.js"

const Rate = 800
const DownMs = Number(process.env.FAULTS_BROKER_DOWN_MS ?? 3_000)
/** Outages shorter than this (from the stop to the broker ready again) are well within kafkajs' retry budget (≈ 15 s). */
const RideOutMs = 12_000

/** A component and its incarnations: restarted when it gives up, as by a supervisor, once that is allowed. */
const supervised = (start: (i: number) => Proc) => {
  const incarnations: Array<Proc> = [start(1)]
  const current = () => incarnations.at(-1)!
  return {
    incarnations,
    current,
    /** Restart the component if it has exited; fails unless `allowed`, and for any exit but a give-up (1). */
    check: async (allowed: boolean) => {
      if (!current().exited()) return
      const exit = await current().exit
      const why = `${current().name} exited (${exit.code ?? exit.signal}); stderr tail:\n${current().stderr().slice(-4000)}`
      expect(allowed, why).toBe(true)
      expect(exit.code, why).toBe(1)
      incarnations.push(start(incarnations.length + 1))
    }
  }
}

describeFault("fault: broker restart", () => {
  it(
    "producer, alerter and archiver across a broker restart: nothing lost, archive exactly once, all alerts",
    () =>
      withFaultRun("broker-restart", { partitions: 3 }, async (run) => {
        const { names } = run
        const port = kafkaPort()
        try {
          const archiver = supervised((i) =>
            run.archiver(`archive-${i}`, ["--metrics-port", "0", "--max-records-per-file", "1000"])
          )
          const alerter = supervised((i) => run.alerter(`alert-${i}`, ["--metrics-port", "0"]))
          const [archiverBase, alerterBase] = await Promise.all([
            metricsBase(archiver.current(), 90_000),
            metricsBase(alerter.current(), 90_000)
          ])
          const production = run.produce({
            seed: 31,
            drones: 40,
            start: "2026-11-02T00:00:00Z",
            rate: Rate,
            alertRatio: 0.05
          })
          await eventually(
            "both consumers to read some reports",
            async () => {
              const [a, b] = await Promise.all([scrape(archiverBase), scrape(alerterBase)])
              return metricSum(a, "peacestate_files_written_total") >= 1 && metricSum(b, "peacestate_alerts_total") >= 1
                ? true
                : undefined
            },
            90_000
          )

          const stopAt = Date.now()
          await infraCtl("kafka-stop")
          expect(await portOpen(port)).toBe(false)
          await sleep(DownMs)
          await infraCtl("kafka-start")
          expect(await portOpen(port)).toBe(true)
          const outageMs = Date.now() - stopAt
          const rideOut = outageMs < RideOutMs

          // Production resumes after the restart (5 s worth of reports more, which the consumers read as they
          // reconnect), or, after a long outage, the simulator may have given up (exit 1, never silently).
          const atRestart = await eventually(
            "the topic's offsets after the restart",
            () => production.produced(),
            120_000,
            500
          )
          await eventually(
            "production to resume after the restart",
            async () =>
              production.proc.exited() || (await production.produced()) >= atRestart + 5 * Rate ? true : undefined,
            120_000,
            500
          )
          const producerGaveUp = production.proc.exited()
          if (producerGaveUp) {
            const exit = await production.proc.exit
            const why = `the simulator exited (${exit.code ?? exit.signal}) after a ${outageMs} ms outage; stderr tail:\n${production.proc.stderr().slice(-4000)}`
            expect(rideOut, why).toBe(false)
            expect(exit.code, why).toBe(1)
            expect(production.proc.stderr(), why).toMatch(/publish to .* failed/)
          }
          const count = producerGaveUp ? await production.produced() : await production.stop()

          // Both groups commit everything (a consumer that gave up is restarted).
          const groups = [
            { group: names.ARCHIVER_GROUP, component: archiver },
            { group: names.ALERTER_GROUP, component: alerter }
          ]
          const deadline = Date.now() + 240_000
          for (;;) {
            for (const g of groups) await g.component.check(!rideOut)
            const done = await Promise.all(groups.map((g) => caughtUp(g.group, names.REPORTS_TOPIC).catch(() => false)))
            if (done.every((d) => d)) break
            if (Date.now() > deadline) {
              const state = await Promise.all(
                groups.map(async (g) => {
                  const p = g.component.current()
                  const committed = await committedOffsets(g.group, names.REPORTS_TOPIC).catch(() => new Map())
                  return `${p.name} (incarnation ${g.component.incarnations.length}, ${p.exited() ? "exited" : "running"}), committed ${JSON.stringify([...committed])}; stderr tail:\n${p.stderr().slice(-3000)}`
                })
              )
              throw new Error(
                `the groups did not commit all of ${names.REPORTS_TOPIC} within 240 s (caught up: ${JSON.stringify(done)}; ends ${JSON.stringify([...(await endOffsets(names.REPORTS_TOPIC))])})\n${state.join("\n")}`
              )
            }
            await sleep(500)
          }
          for (const g of groups) await g.component.check(!rideOut)
          const last = groups.map((g) => g.component.current())
          last.forEach((p) => p.signal("SIGTERM"))
          await Promise.all(last.map((p) => cleanExit(p, 30_000)))

          // The idempotent producer: a retried send is not written twice, and none is lost.
          const ends = await endOffsets(names.REPORTS_TOPIC)
          expect(sumOf(ends)).toBe(count)
          const produced = await readReports(names.REPORTS_TOPIC)
          expect(checkSimulated(production, produced)).toMatchObject(simulatedPrefix(count))

          const files = await readS3Archive(names.S3_PREFIX)
          expect(checkExactlyOnce(names.REPORTS_TOPIC, files, ends)).toMatchObject(exactlyOnce(count))
          expect(files.flatMap((f) => f.reports.map((r) => r.report.reportId)).sort()).toStrictEqual(
            produced.map((r) => r.report.reportId).sort()
          )

          const expectedAlerts = produced
            .flatMap((r) => alertsOf(r.report, { detectedAt: new Date(0) }).map((a) => a.alertId))
            .sort()
          const alerts = await readRawTopic(names.ALERTS_TOPIC)
          expect(alerts.length).toBeGreaterThanOrEqual(expectedAlerts.length)
          expect(alertIdsOn(alerts)).toStrictEqual(expectedAlerts)
          console.log(
            `broker restart: outage ${outageMs} ms (${rideOut ? "ridden out" : "beyond the ride-out bound"}); ${count} reports (${atRestart} when the broker was back` +
              `${producerGaveUp ? ", then the simulator gave up" : ""}), ${expectedAlerts.length} alerts, ${alerts.length - expectedAlerts.length} duplicates, ${files.length} files; ` +
              `incarnations: archive ${archiver.incarnations.length}, alert ${alerter.incarnations.length}`
          )
        } finally {
          // The broker back before the fixture deletes the run's topics.
          if (!(await portOpen(port))) await infraCtl("kafka-start")
        }
      }),
    420_000
  )
})
