import { Data, Option } from "effect"
import type { ConsumerConfig, RetryOptions } from "kafkajs"
import * as Membership from "../consumer/Membership.js"
import type { KafkaTuning } from "./Tuning.js"

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

/** The member after kafkajs' GROUP_JOIN: a new generation holding these partitions; the idle clock starts at the first join. */
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

/**
 * kafkajs' consumer settings. A crash (our handler failing, or kafkajs giving up after its retries) ends `consume`:
 * no silent restart, except while `restartable` says so (before the first join).
 */
export const consumerConfig = (
  groupId: string,
  tuning: KafkaTuning,
  retry: RetryOptions,
  restartable: () => boolean
): ConsumerConfig => ({
  groupId,
  sessionTimeout: tuning.sessionTimeout,
  rebalanceTimeout: tuning.rebalanceTimeout,
  heartbeatInterval: tuning.heartbeatInterval,
  maxBytesPerPartition: tuning.maxBytesPerPartition,
  maxBytes: tuning.maxBytes,
  minBytes: 1,
  maxWaitTimeInMs: tuning.maxWaitTimeInMs,
  allowAutoTopicCreation: false,
  retry: { ...retry, restartOnFailure: () => Promise.resolve(restartable()) }
})
