import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import fc from "fast-check"
import * as LoginLimit from "../../src/console/LoginLimit.js"
import * as Passwords from "../../src/console/Passwords.js"

const settings: LoginLimit.LimitSettings = { maxFailures: 5, windowMillis: 60_000 }

/** The plain version: count the failures of each key in the window before `now`, since its last success. */
const plainAllowed = (events: ReadonlyArray<{ readonly at: number; readonly ok: boolean }>, now: number) => {
  const since = (okClears: boolean) => {
    const lastOk = okClears ? Math.max(-Infinity, ...events.filter((e) => e.ok).map((e) => e.at)) : -Infinity
    return events.filter((e) => !e.ok && e.at > lastOk && e.at > now - settings.windowMillis).length
  }
  return since(true) < settings.maxFailures && since(false) < settings.maxFailures
}

describe("login rate limit", () => {
  it("refuses exactly when an account or an address has maxFailures failures in the window (against a plain count)", () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 30_000 }),
            ok: fc.integer({ min: 0, max: 4 }).map((n) => n === 0)
          }),
          {
            maxLength: 40
          }
        ),
        fc.integer({ min: 0, max: 120_000 }),
        (steps, later) => {
          const keys = LoginLimit.keysOf("Anna", "10.0.0.1")
          const timed = steps.reduce<ReadonlyArray<{ at: number; ok: boolean }>>(
            (acc, s) => [...acc, { at: (acc.at(-1)?.at ?? 0) + s.gap, ok: s.ok }],
            []
          )
          // Only attempts that were let through count: replay them as the server does.
          const [state, admitted] = timed.reduce<
            readonly [LoginLimit.Failures, ReadonlyArray<{ at: number; ok: boolean }>]
          >(
            ([st, adm], e) =>
              Option.isSome(LoginLimit.retryAfter(st, keys, e.at, settings))
                ? [st, adm]
                : [LoginLimit.record(st, keys, e.at, e.ok, settings), [...adm, e]],
            [LoginLimit.empty, []]
          )
          const now = (timed.at(-1)?.at ?? 0) + later
          expect(Option.isNone(LoginLimit.retryAfter(state, keys, now, settings))).toBe(plainAllowed(admitted, now))
          // The wait it announces is enough.
          Option.map(LoginLimit.retryAfter(state, keys, now, settings), (wait) =>
            expect(Option.isNone(LoginLimit.retryAfter(state, keys, now + wait, settings))).toBe(true)
          )
        }
      )
    ))

  it("the account name is case-insensitive; another address is limited on its own", () => {
    const failing = Array.from({ length: 5 }, (_, i) => i).reduce(
      (st, i) =>
        LoginLimit.record(st, LoginLimit.keysOf(i % 2 === 0 ? "anna" : "ANNA", "10.0.0.1"), 1000 + i, false, settings),
      LoginLimit.empty
    )
    expect(Option.isSome(LoginLimit.retryAfter(failing, LoginLimit.keysOf("Anna", "10.0.0.2"), 2000, settings))).toBe(
      true
    )
    expect(Option.isSome(LoginLimit.retryAfter(failing, LoginLimit.keysOf("bert", "10.0.0.1"), 2000, settings))).toBe(
      true
    )
    expect(Option.isNone(LoginLimit.retryAfter(failing, LoginLimit.keysOf("bert", "10.0.0.2"), 2000, settings))).toBe(
      true
    )
  })
})

describe("passwords", () => {
  it.effect(
    "a hash verifies its password only; salted (two hashes differ); the decoy verifies nothing; junk is false",
    () =>
      Effect.gen(function* () {
        const pw = Redacted.make("correct horse battery")
        const [h1, h2] = yield* Effect.all([Passwords.hash(pw), Passwords.hash(pw)])
        expect(h1).not.toBe(h2)
        expect(h1).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
        expect(yield* Passwords.verify(pw, h1)).toBe(true)
        expect(yield* Passwords.verify(Redacted.make("correct horse battery "), h1)).toBe(false)
        expect(yield* Passwords.verify(pw, Passwords.Decoy)).toBe(false)
        expect(yield* Passwords.verify(pw, "plain")).toBe(false)
        expect(yield* Passwords.verify(pw, "scrypt$99999999$8$1$a$b")).toBe(false)
        expect(String(pw)).not.toContain("horse")
      })
  )
})
