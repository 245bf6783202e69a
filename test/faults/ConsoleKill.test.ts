// Fault: the console is SIGKILLed twice while alerts arrive on its topic, and restarted each time on the same
// embedded store; a last incarnation runs until its group has committed everything. The store then holds
// every alert of the topic exactly once: an alert is committed only after it is stored, a re-delivered one
// is not stored again, and PGlite recovers its files after each kill.
import { expect, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as KafkaLog from "../../src/adapters/KafkaLog.js"
import type { Alert } from "../../src/domain/Alert.js"
import { MessageLog } from "../../src/ports/MessageLog.js"
import { isDeepStrictEqual } from "node:util"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as ConsoleDatabase from "../../src/adapters/ConsoleDatabase.js"
import * as SqlConsoleStore from "../../src/adapters/SqlConsoleStore.js"
import type { StoredAlert } from "../../src/console/Model.js"
import { encodeAlert } from "../../src/domain/Codec.js"
import { ConsoleStore } from "../../src/ports/ConsoleStore.js"
import { cleanExit, startCli } from "../support/Children.js"
import { alertOf } from "../contract/ConsoleStoreContract.js"
import { describeFault } from "../support/FaultRun.js"
import { committedOffsets, deleteTopics, endOffsets, sumOf } from "../support/Kafka.js"
import { FastGroups, uniqueNames } from "../support/Names.js"
import { seededRandom, sleep } from "../support/Wait.js"

const MinTotal = 3_000
const Kills = 2

const storedAlerts = (dir: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(ConsoleStore, (store) =>
        Effect.iterate(
          { alerts: [] as ReadonlyArray<StoredAlert>, next: undefined as string | undefined, first: true },
          {
            while: (s) => s.first || s.next !== undefined,
            body: (s) =>
              Effect.map(store.page({ limit: 500, ...(s.next === undefined ? {} : { before: s.next }) }), (p) => ({
                alerts: [...s.alerts, ...p.alerts],
                next: p.next,
                first: false
              }))
          }
        )
      ).pipe(Effect.provide(SqlConsoleStore.layer.pipe(Layer.provide(ConsoleDatabase.embedded(dir)))))
    ).pipe(Effect.map((s) => s.alerts))
  )

describeFault("fault: the console SIGKILLed while alerts arrive", () => {
  it("every alert of the topic is in the store exactly once after kills and restarts", async () => {
    const names = {
      ...uniqueNames("console-kill", 3),
      CONSOLE_GROUP: `dist.console-kill-${Date.now().toString(36)}.console`
    }
    const env = { ...names, ...FastGroups, LOG_LEVEL: "debug" }
    const dir = mkdtempSync(join(tmpdir(), "peacestate-console-kill-"))
    const random = seededRandom(20261203)
    // Published with the components' own client, on the test's topic (created first, as the alerter does).
    const runtime = ManagedRuntime.make(KafkaLog.layer)
    const publish = (batch: ReadonlyArray<Alert>) =>
      runtime.runPromise(
        Effect.flatMap(MessageLog, (log) =>
          log.publish(
            names.ALERTS_TOPIC,
            batch.map((a) => ({ key: a.droneId, value: encodeAlert(a) }))
          )
        )
      )
    await runtime.runPromise(Effect.flatMap(MessageLog, (log) => log.ensureTopic(names.ALERTS_TOPIC, 3)))
    const alertNo = (n: number) => alertOf(`pw-${String(n % 40).padStart(4, "0")}`, n)
    // Production lasts until the last kill (however long the kills take on the machine at hand), and at least
    // MinTotal alerts.
    let sent = 0
    let killing = true
    const production = (async () => {
      while (killing || sent < MinTotal) {
        const batch = Array.from({ length: 100 }, (_, i) => alertNo(sent + i))
        await publish(batch)
        sent += batch.length
        await sleep(100)
      }
    })()
    try {
      const console_ = (i: number) => startCli(`console-${i}`, ["console", "--port", "0", "--data-dir", dir], env)
      const kills: Array<{ readonly afterMs: number; readonly sent: number }> = []
      for (let i = 1; i <= Kills; i++) {
        const proc = console_(i)
        await proc.waitForStderr(/"console assigned"/, 90_000)
        const delay = Math.round(500 + random() * 2_000)
        await sleep(delay)
        expect(proc.exited()).toBe(false)
        proc.signal("SIGKILL")
        expect((await proc.exitWithin(30_000)).signal).toBe("SIGKILL")
        kills.push({ afterMs: delay, sent })
      }
      killing = false
      await production
      const total = sent
      const alerts = Array.from({ length: total }, (_, n) => alertNo(n))
      const last = console_(Kills + 1)
      await last.waitForStderr(/"console assigned"/, 90_000)
      const deadline = Date.now() + 120_000
      while (sumOf(await committedOffsets(names.CONSOLE_GROUP, names.ALERTS_TOPIC)) < total) {
        if (Date.now() > deadline)
          throw new Error(`the last console did not commit everything:\n${last.stderr().slice(-3000)}`)
        await sleep(500)
      }
      last.signal("SIGTERM")
      await cleanExit(last, 60_000)
      expect(sumOf(await endOffsets(names.ALERTS_TOPIC))).toBe(total)

      const stored = await storedAlerts(dir)
      expect(stored.length).toBe(total)
      expect(new Set(stored.map((a) => a.alertId))).toEqual(new Set(alerts.map((a) => a.alertId)))
      const byId = new Map(alerts.map((a) => [a.alertId, a]))
      expect(stored.filter(({ status: _, ...a }) => !isDeepStrictEqual(a, byId.get(a.alertId))).slice(0, 3)).toEqual([])
      console.log(`console-kill: ${total} alerts stored once after ${Kills} kills ${JSON.stringify(kills)}`)
    } finally {
      await runtime.dispose()
      await deleteTopics(names)
      rmSync(dir, { recursive: true, force: true })
    }
  }, 420_000)
})
