import { describe, expect, layer } from "@effect/vitest"
import { Array as Arr, Effect, Fiber, type Layer, Option, Ref } from "effect"
import type { AlertQuery, StoredAlert } from "../../src/console/Model.js"
import type { Alert } from "../../src/domain/Alert.js"
import { type Change, ConsoleStore } from "../../src/ports/ConsoleStore.js"

// One suite for every ConsoleStore adapter (PGlite, PostgreSQL). The store is shared by the tests of a
// suite: each test uses its own drone ids, and counts what it added.

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`

/** The alert of citizen `index` in report `n` of `drone`, at minute `n`. */
export const alertOf = (drone: string, n: number, citizen = `Citizen ${n}`, index = 0): Alert => {
  const reportId = `${drone}-${String(n).padStart(9, "0")}`
  const timestamp = new Date(Date.UTC(2026, 10, 2, 9, 0) + n * 60_000).toISOString()
  return {
    alertId: `${reportId}/${index}`,
    reportId,
    droneId: drone,
    timestamp,
    location: { latitude: 48.8 + n / 1000, longitude: 2.3 + n / 1000 },
    citizen,
    peacescore: n % 20,
    detectedAt: new Date(Date.parse(timestamp) + 1234).toISOString()
  }
}

const pageAll = (query: Omit<AlertQuery, "before">) =>
  Effect.flatMap(ConsoleStore, (store) =>
    Effect.iterate(
      { alerts: [] as ReadonlyArray<StoredAlert>, next: Option.some<string | undefined>(undefined), pages: 0 },
      {
        while: (s) => Option.isSome(s.next),
        body: (s) =>
          Effect.map(
            store.page({
              ...query,
              ...(Option.getOrUndefined(s.next) === undefined ? {} : { before: Option.getOrUndefined(s.next) })
            }),
            (p) => ({ alerts: [...s.alerts, ...p.alerts], next: Option.fromNullable(p.next), pages: s.pages + 1 })
          )
      }
    )
  )

const ids = (alerts: ReadonlyArray<{ readonly alertId: string }>) => alerts.map((a) => a.alertId)

export const consoleStoreContract = <E>(name: string, store: Layer.Layer<ConsoleStore, E>) =>
  describe(`ConsoleStore contract: ${name}`, () => {
    layer(store, { timeout: 120_000 })((it) => {
      it.effect("stores each alert once: a repeated alert, within a batch or later, is not new", () =>
        Effect.gen(function* () {
          const s = yield* ConsoleStore
          const drone = `d-${unique()}`
          const alerts = Arr.makeBy(5, (n) => alertOf(drone, n))
          expect(yield* s.insert([...alerts, alerts[0]!])).toBe(5)
          expect(yield* s.insert(alerts)).toBe(0)
          expect(yield* s.insert([alertOf(drone, 5), alerts[1]!])).toBe(1)
          expect(yield* s.insert([])).toBe(0)
          const all = yield* pageAll({ limit: 100, droneId: drone })
          expect(ids(all.alerts)).toStrictEqual(ids([alertOf(drone, 5), ...[...alerts].reverse()]))
        })
      )

      it.effect("serves alerts as stored: every field, open, markup in a name kept verbatim", () =>
        Effect.gen(function* () {
          const s = yield* ConsoleStore
          const drone = `d-${unique()}`
          const alert = alertOf(drone, 1, `<img src=x onerror="alert(1)"> Ada 'Morel' & "co" — ünï`)
          yield* s.insert([alert])
          const page = yield* s.page({ limit: 10, droneId: drone })
          expect(page.alerts).toStrictEqual([{ ...alert, status: "open" }])
          expect(page.next).toBeUndefined()
        })
      )

      it.effect("paging with next visits every alert once, newest first, with a batch above the insert chunk", () =>
        Effect.gen(function* () {
          const s = yield* ConsoleStore
          const drone = `d-${unique()}`
          const alerts = Arr.makeBy(2345, (n) => alertOf(drone, n))
          expect(yield* s.insert(alerts)).toBe(2345)
          const all = yield* pageAll({ limit: 100, droneId: drone })
          expect(all.pages).toBe(24)
          expect(ids(all.alerts)).toStrictEqual(ids([...alerts].reverse()))
          const one = yield* pageAll({ limit: 1, droneId: drone, citizen: "Citizen 2344" })
          expect(ids(one.alerts)).toStrictEqual([alerts[2344]!.alertId])
        })
      )

      it.effect("filters: status, drone, citizen substring (case-insensitive, % and _ literal), time range", () =>
        Effect.gen(function* () {
          const s = yield* ConsoleStore
          const drone = `d-${unique()}`
          const other = `d-${unique()}`
          const alerts = [
            alertOf(drone, 0, "Ada Morel"),
            alertOf(drone, 1, "ada_morel"),
            alertOf(drone, 2, "100% Ada"),
            alertOf(drone, 3, "Bob"),
            alertOf(other, 4, "Ada Morel")
          ]
          yield* s.insert(alerts)
          yield* s.acknowledge(alerts[1]!.alertId, "officer1", new Date())
          const q = (extra: Partial<AlertQuery>) =>
            Effect.map(pageAll({ limit: 50, droneId: drone, ...extra }), (p) => ids(p.alerts))
          expect(yield* q({ citizen: "ADA" })).toStrictEqual(ids([alerts[2]!, alerts[1]!, alerts[0]!]))
          expect(yield* q({ citizen: "a_m" })).toStrictEqual(ids([alerts[1]!]))
          expect(yield* q({ citizen: "0%" })).toStrictEqual(ids([alerts[2]!]))
          expect(yield* q({ citizen: "%" })).toStrictEqual(ids([alerts[2]!]))
          expect(yield* q({ status: "acknowledged" })).toStrictEqual(ids([alerts[1]!]))
          expect(yield* q({ status: "open" })).toStrictEqual(ids([alerts[3]!, alerts[2]!, alerts[0]!]))
          expect(yield* q({ from: alerts[1]!.timestamp, to: alerts[3]!.timestamp })).toStrictEqual(
            ids([alerts[2]!, alerts[1]!])
          )
          expect(
            yield* Effect.map(
              pageAll({ limit: 50, citizen: "Ada Morel", from: alerts[0]!.timestamp, to: alerts[4]!.timestamp }),
              (p) => ids(p.alerts).filter((id) => id.startsWith(drone) || id.startsWith(other))
            )
          ).toStrictEqual(ids([alerts[0]!]))
        })
      )

      it.effect("acknowledge: once, by the first officer; unknown ids are none; stats count what is open", () =>
        Effect.gen(function* () {
          const s = yield* ConsoleStore
          const drone = `d-${unique()}`
          const before = yield* s.stats
          const alerts = Arr.makeBy(3, (n) => alertOf(drone, n))
          yield* s.insert(alerts)
          const at = new Date("2026-12-03T06:00:00.000Z")
          const acked = yield* s.acknowledge(alerts[0]!.alertId, "anna", at)
          expect(acked).toStrictEqual(
            Option.some({
              ...alerts[0]!,
              status: "acknowledged",
              acknowledgedBy: "anna",
              acknowledgedAt: at.toISOString()
            })
          )
          const again = yield* s.acknowledge(alerts[0]!.alertId, "bert", new Date())
          expect(again).toStrictEqual(acked)
          expect(yield* s.acknowledge(`${drone}-unknown/0`, "anna", at)).toStrictEqual(Option.none())
          const after = yield* s.stats
          expect(after.alerts - before.alerts).toBe(3)
          expect(after.open - before.open).toBe(2)
        })
      )

      it.effect(
        "changes: each stored alert once in order, then its acknowledgement, even when both happen between two reads",
        () =>
          Effect.gen(function* () {
            const s = yield* ConsoleStore
            const drone = `d-${unique()}`
            const start = yield* s.lastChange
            const alerts = Arr.makeBy(4, (n) => alertOf(drone, n))
            yield* s.insert(alerts.slice(0, 2))
            yield* s.insert(alerts)
            yield* s.acknowledge(alerts[0]!.alertId, "anna", new Date())
            yield* s.acknowledge(alerts[0]!.alertId, "bert", new Date())
            const changes = (yield* s.changesAfter(start, 100)).filter((c) => c.alert.droneId === drone)
            // The alert's current state in both of its changes: it was acknowledged before this read.
            expect(changes.map((c) => [c.kind, c.alert.alertId, c.alert.status])).toStrictEqual([
              ["alert", alerts[0]!.alertId, "acknowledged"],
              ["alert", alerts[1]!.alertId, "open"],
              ["alert", alerts[2]!.alertId, "open"],
              ["alert", alerts[3]!.alertId, "open"],
              ["acknowledged", alerts[0]!.alertId, "acknowledged"]
            ])
            const numbers = changes.map((c) => c.change)
            expect(numbers).toStrictEqual([...numbers].sort((a, b) => a - b))
            expect(yield* s.lastChange).toBe(numbers.at(-1))
            expect((yield* s.changesAfter(start, 2)).map((c) => c.change)).toStrictEqual(numbers.slice(0, 2))
            expect((yield* s.changesAfter(numbers[3]!, 100)).map((c) => c.change)).toStrictEqual([numbers[4]])
          })
      )

      it.effect("a reader polling changes while writers insert concurrently misses none and sees none twice", () =>
        Effect.gen(function* () {
          const s = yield* ConsoleStore
          const drone = `d-${unique()}`
          const start = yield* s.lastChange
          const seen = yield* Ref.make<ReadonlyArray<Change>>([])
          const cursor = yield* Ref.make(start)
          const poll = Effect.flatMap(Ref.get(cursor), (c) =>
            Effect.flatMap(s.changesAfter(c, 50), (changes) =>
              Effect.zipRight(
                Ref.update(seen, (all) => [...all, ...changes]),
                Ref.set(
                  cursor,
                  Option.getOrElse(
                    Option.map(Arr.last(changes), (x) => x.change),
                    () => c
                  )
                )
              )
            )
          )
          const writers = Effect.forEach(
            Arr.range(0, 3),
            (w) =>
              Effect.forEach(
                Arr.range(0, 19),
                (b) => s.insert(Arr.makeBy(5, (i) => alertOf(`${drone}-${w}`, b * 5 + i))),
                { discard: true }
              ),
            { concurrency: "unbounded", discard: true }
          )
          const reader = yield* Effect.fork(Effect.forever(Effect.zipRight(poll, Effect.yieldNow())))
          yield* writers
          yield* Fiber.interrupt(reader)
          yield* poll
          yield* poll
          const mine = (yield* Ref.get(seen)).filter((c) => c.alert.droneId.startsWith(drone))
          expect(mine.length).toBe(400)
          expect(new Set(ids(mine.map((c) => c.alert))).size).toBe(400)
        })
      )

      it.effect(
        "accounts: create, replace role and password; sessions: found until expiry or deletion, with the account's role now",
        () =>
          Effect.gen(function* () {
            const s = yield* ConsoleStore
            const username = `u-${unique()}`
            expect(yield* s.findUser(username)).toStrictEqual(Option.none())
            yield* s.putUser({ username, role: "viewer", passwordHash: "h1" })
            expect(yield* s.findUser(username)).toStrictEqual(
              Option.some({ username, role: "viewer", passwordHash: "h1" })
            )
            const now = new Date()
            const session = {
              tokenHash: `t-${unique()}`,
              username,
              role: "viewer" as const,
              csrf: "c1",
              expiresAt: new Date(now.getTime() + 60_000)
            }
            yield* s.createSession(session)
            yield* s.createSession({ ...session, tokenHash: `t-${unique()}`, expiresAt: new Date(now.getTime() - 1) })
            const found = yield* s.findSession(session.tokenHash, now)
            expect(Option.map(found, (f) => [f.username, f.role, f.csrf, f.expiresAt.getTime()])).toStrictEqual(
              Option.some([username, "viewer", "c1", session.expiresAt.getTime()])
            )
            yield* s.putUser({ username, role: "officer", passwordHash: "h2" })
            expect(Option.map(yield* s.findSession(session.tokenHash, now), (f) => f.role)).toStrictEqual(
              Option.some("officer")
            )
            expect(yield* s.findSession(session.tokenHash, new Date(now.getTime() + 61_000))).toStrictEqual(
              Option.none()
            )
            expect(yield* s.findSession("t-unknown", now)).toStrictEqual(Option.none())
            yield* s.deleteSession(session.tokenHash)
            expect(yield* s.findSession(session.tokenHash, now)).toStrictEqual(Option.none())
          })
      )
    })
  })
