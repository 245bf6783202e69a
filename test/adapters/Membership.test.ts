// The group member's state, shared by the log adapters: properties over random generations, fetches and commits.
import { describe, expect, it } from "@effect/vitest"
import { Array as Arr, HashMap, Option, Order } from "effect"
import fc from "fast-check"
import * as Membership from "../../src/adapters/consumer/Membership.js"

const partitions = fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 12 })
const memberId = fc.constantFrom("a", "b")
const sorted = (ps: ReadonlyArray<number>) => Arr.sort(ps, Order.number)

type Op =
  | { readonly _tag: "announce"; readonly partitions: ReadonlyArray<number>; readonly memberId: string }
  | { readonly _tag: "apply" }
  | { readonly _tag: "advance"; readonly partition: number; readonly next: number }
  | { readonly _tag: "seek"; readonly partition: number; readonly offset: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ _tag: fc.constant("announce" as const), partitions, memberId }),
  fc.constant({ _tag: "apply" as const }),
  fc.record({ _tag: fc.constant("advance" as const), partition: fc.integer({ min: 0, max: 11 }), next: fc.nat(1000) }),
  fc.record({ _tag: fc.constant("seek" as const), partition: fc.integer({ min: 0, max: 11 }), offset: fc.nat(1000) })
)

const step = (m: Membership.Membership, o: Op): Membership.Membership => {
  switch (o._tag) {
    case "announce":
      return Membership.announce(m, { generation: m.generation + 1, partitions: o.partitions, memberId: o.memberId })
    case "apply":
      return Membership.apply(m).membership
    case "advance":
      return Membership.advance(m, o.partition, o.next)
    case "seek":
      return Membership.seek(m, o.partition, o.offset)
  }
}

/** Any state a member can reach. */
const reachable = fc.array(op, { maxLength: 30 }).map((ops) => ops.reduce(step, Membership.empty))

describe("Membership", () => {
  it("applying a generation: revoked and added partition the old and new sets (kept = old minus revoked = new minus added)", () =>
    fc.assert(
      fc.property(reachable, partitions, memberId, (m, next, id) => {
        const announced = Membership.announce(m, { generation: m.generation + 1, partitions: next, memberId: id })
        const { added, membership, revoked } = Membership.apply(announced)
        const old = m.owned
        if (announced.lost) {
          expect(sorted(revoked)).toEqual(sorted(old))
          expect(sorted(added)).toEqual(sorted(next))
        } else {
          expect(Arr.every(revoked, (p) => old.includes(p) && !next.includes(p))).toBe(true)
          expect(Arr.every(added, (p) => next.includes(p) && !old.includes(p))).toBe(true)
          expect(sorted(Arr.difference(old, revoked))).toEqual(sorted(Arr.difference(next, added)))
          expect(sorted(Arr.union(Arr.difference(old, revoked), added))).toEqual(sorted(next))
        }
        expect(membership.owned).toEqual(sorted(next))
        expect(Membership.pending(membership)).toBe(false)
        expect(membership.lost).toBe(false)
      })
    ))

  it("a member whose id changed (the group dropped it) loses every position and hears everything revoked and added", () =>
    fc.assert(
      fc.property(reachable, partitions, (m, next) => {
        const joined = Membership.apply(
          Membership.announce(m, { generation: m.generation + 1, partitions: next, memberId: "a" })
        ).membership
        const dropped = Membership.announce(joined, {
          generation: joined.generation + 1,
          partitions: next,
          memberId: "a2"
        })
        const { added, membership, revoked } = Membership.apply(dropped)
        expect(revoked).toEqual(joined.owned)
        expect(added).toEqual(joined.owned)
        expect(HashMap.size(membership.positions)).toBe(0)
      })
    ))

  it("applying twice changes nothing the second time", () =>
    fc.assert(
      fc.property(reachable, (m) => {
        const once = Membership.apply(m).membership
        expect(Membership.apply(once)).toEqual({ membership: once, added: [], revoked: [] })
      })
    ))

  it("only owned partitions have positions: revoked ones are never reported owned nor positioned", () =>
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        ops.reduce((m, o) => {
          const next = step(m, o)
          expect(Arr.every(Arr.fromIterable(HashMap.keys(next.positions)), (p) => next.owned.includes(p))).toBe(true)
          if (o._tag === "apply") {
            const { revoked } = Membership.apply(m)
            const readded = m.lost ? next.owned : []
            expect(Arr.every(revoked, (p) => readded.includes(p) || !Membership.owns(next, p))).toBe(true)
          }
          return next
        }, Membership.empty)
      })
    ))

  it("positions never move backward, except on an explicit seek or a revocation", () =>
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        ops.reduce((m, o) => {
          const next = step(m, o)
          if (o._tag === "advance" || o._tag === "announce") {
            m.owned.forEach((p) => {
              const before = Membership.positionOf(m, p)
              const after = Membership.positionOf(next, p)
              if (Option.isSome(before)) expect(Option.getOrElse(after, () => -1)).toBeGreaterThanOrEqual(before.value)
            })
          }
          if (o._tag === "advance" && Membership.owns(m, o.partition)) {
            expect(Membership.positionOf(next, o.partition)).toEqual(
              Option.some(
                Math.max(
                  o.next,
                  Option.getOrElse(Membership.positionOf(m, o.partition), () => 0)
                )
              )
            )
          }
          if (o._tag === "apply") {
            // Kept partitions keep their positions unless the member was dropped.
            next.owned.forEach((p) => {
              if (!m.lost && m.owned.includes(p))
                expect(Membership.positionOf(next, p)).toEqual(Membership.positionOf(m, p))
            })
          }
          return next
        }, Membership.empty)
      })
    ))

  it("commits: stale while the handler has not been told of the latest generation, then only owned partitions pass", () =>
    fc.assert(
      fc.property(reachable, partitions, (m, ps) => {
        const verdict = Membership.judge(m, ps)
        if (Membership.pending(m)) expect(verdict).toEqual(Membership.Verdict.Stale({ partitions: ps }))
        else {
          const foreign = ps.filter((p) => !m.owned.includes(p))
          expect(verdict).toEqual(
            foreign.length === 0 ? Membership.Verdict.Accepted() : Membership.Verdict.NotOwned({ partitions: foreign })
          )
        }
      })
    ))

  it("unseen keeps exactly the records at or after the position", () =>
    fc.assert(
      fc.property(reachable, fc.integer({ min: 0, max: 11 }), fc.uniqueArray(fc.nat(1100)), (m, p, offsets) => {
        const run = sorted(offsets)
        const fresh = Membership.unseen(m, p, run, (o) => o)
        expect(fresh).toEqual(
          Option.match(Membership.positionOf(m, p), { onNone: () => run, onSome: (pos) => run.filter((o) => o >= pos) })
        )
      })
    ))

  it("caught up: every owned partition read to its end, from its position, else its commit, else the log's start", () => {
    const m = Membership.seek(
      Membership.assign(Membership.empty, { generation: 1, partitions: [0, 1, 2], memberId: "a" }).membership,
      0,
      10
    )
    const ends = [
      { partition: 0, low: 0, high: 10 },
      { partition: 1, low: 5, high: 7 },
      { partition: 2, low: 3, high: 3 }
    ]
    expect(Membership.unpositioned(m)).toEqual([1, 2])
    expect(
      Membership.caughtUp(m, ends, [
        { partition: 1, offset: 7 },
        { partition: 2, offset: -1 }
      ])
    ).toBe(true)
    expect(Membership.caughtUp(m, ends, [{ partition: 1, offset: 6 }])).toBe(false)
    expect(Membership.caughtUp(m, ends.slice(0, 2), [{ partition: 1, offset: 7 }])).toBe(false)
    expect(
      Membership.caughtUp(Membership.announce(m, { generation: 2, partitions: [0], memberId: "a" }), ends, [
        { partition: 1, offset: 7 }
      ])
    ).toBe(false)
  })
})
