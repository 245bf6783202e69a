// Several console instances on one PostgreSQL (CONTRACT §8): each ingests its own share of the alerts, and
// every open page, whichever instance serves it, gets every new alert and every acknowledgement live.
import { describe, expect, it } from "@effect/vitest"
import { Array as Arr, Deferred, Effect, Fiber } from "effect"
import type { StoredAlert } from "../../src/console/Model.js"
import { alertOf } from "../contract/ConsoleStoreContract.js"
import { call, readEvents, signIn, startConsole } from "../support/Console.js"
import { freshDatabase, postgresSkipReason } from "../support/Postgres.js"

const skip = postgresSkipReason()

describe.skipIf(skip !== undefined)(
  `console instances on one PostgreSQL${skip === undefined ? "" : ` — skipped: ${skip}`}`,
  () => {
    it.live(
      "three instances: every page on every instance gets all the alerts stored by any of them, once, and the acknowledgement",
      () =>
        Effect.scoped(
          Effect.gen(function* () {
            const databaseUrl = yield* freshDatabase("console_instances")
            const consoles = yield* Effect.forEach(Arr.range(0, 2), () => startConsole({ databaseUrl }))
            yield* consoles[0]!.addUser("anna", "officer", "anna-password")
            const sessions = yield* Effect.forEach(consoles, (c) => signIn(c.url, "anna", "anna-password"))
            const alerts = Arr.makeBy(30, (n) => alertOf(`pw-00${n % 3}`, n))
            const total = alerts.length + 1
            const readers = yield* Effect.forEach(consoles, (c, i) =>
              Effect.gen(function* () {
                const opened = yield* Deferred.make<void>()
                const fiber = yield* Effect.fork(
                  readEvents(
                    c.url,
                    "/api/alerts/stream",
                    sessions[i]!.cookie,
                    (e) => e.length >= total,
                    undefined,
                    () => Effect.runSync(Deferred.succeed(opened, undefined))
                  )
                )
                yield* Deferred.await(opened)
                return fiber
              })
            )
            // Each instance ingests a third, from its own topic (one alerts topic shared by a group would do the same).
            yield* Effect.forEach(consoles, (c, i) => c.publish(alerts.filter((_, n) => n % 3 === i)), {
              discard: true
            })
            yield* consoles[0]!.store.stats.pipe(
              Effect.repeat({ until: (s) => s.alerts >= alerts.length }),
              Effect.timeout("30 seconds")
            )
            const acked = yield* call(
              consoles[2]!.url,
              `/api/alerts/${encodeURIComponent(alerts[0]!.alertId)}/acknowledge`,
              {
                method: "POST",
                cookie: sessions[2]!.cookie,
                csrf: sessions[2]!.csrf
              }
            )
            expect(acked.status).toBe(200)
            const got = yield* Effect.forEach(readers, Fiber.join)
            got.forEach((g) => {
              const news = g.events
                .filter((e) => e.event === "message")
                .map((e) => (JSON.parse(e.data) as StoredAlert).alertId)
              expect([...news].sort()).toStrictEqual(alerts.map((a) => a.alertId).sort())
              expect(
                g.events
                  .filter((e) => e.event === "acknowledged")
                  .map((e) => (JSON.parse(e.data) as StoredAlert).alertId)
              ).toStrictEqual([alerts[0]!.alertId])
            })
          })
        ),
      120_000
    )
  }
)
