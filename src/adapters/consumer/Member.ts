import { Data, Option } from "effect"
import * as Membership from "./Membership.js"

/** A commit of partitions this member no longer holds (the cause of a LogError). */
export class NotAssignedError extends Data.TaggedError("NotAssignedError")<{
  readonly topic: string
  readonly partitions: ReadonlyArray<number>
}> {
  override get message(): string {
    return `partitions ${this.partitions.join(",")} of ${this.topic} are not assigned to this member (rebalanced)`
  }
}

/** The member's group state, and what the idle loop and shutdown need besides. */
export interface Member {
  readonly membership: Membership.Membership
  readonly joinedAt: Option.Option<number>
  readonly lastRecordAt: number
  readonly batches: number
  readonly stopping: boolean
}

export const initialMember: Member = {
  membership: Membership.empty,
  joinedAt: Option.none(),
  lastRecordAt: 0,
  batches: 0,
  stopping: false
}

/** The member after the client reports a join: a new generation holding these partitions; the idle clock starts at the first join. */
export const joined =
  (partitions: ReadonlyArray<number>, memberId: string, now: number) =>
  (m: Member): Member => ({
    ...m,
    membership: Membership.announce(m.membership, {
      generation: m.membership.generation + 1,
      partitions,
      memberId
    }),
    joinedAt: Option.orElse(m.joinedAt, () => Option.some(now)),
    lastRecordAt: Option.isNone(m.joinedAt) ? now : m.lastRecordAt
  })
