import { Context, Data, type Duration, type Effect, type Option } from "effect"

/** A record as read from a partitioned log. Offsets increase within a partition. */
export interface LogRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly key: Option.Option<string>
  readonly value: Uint8Array
  readonly headers: Readonly<Record<string, string>>
  /** When the log accepted the record (epoch millis). */
  readonly timestamp: number
}

/** A record to publish; records of one key go to one partition, in order. */
export interface OutgoingRecord {
  readonly key: string
  readonly value: Uint8Array | string
  readonly headers?: Readonly<Record<string, string>>
}

/** Records of one partition handed to a consumer, in offset order. */
export interface Batch {
  readonly topic: string
  readonly partition: number
  readonly records: ReadonlyArray<LogRecord>
}

/** Next offset to read, per partition: what a consumer group commits. */
export interface PartitionOffset {
  readonly partition: number
  readonly offset: number
}

export class LogError extends Data.TaggedError("LogError")<{
  readonly operation: string
  readonly cause: unknown
}> {
  override get message(): string {
    return `message log ${this.operation} failed: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/** The log refused a record for its size (the cause of publish's LogError), whichever client said so. */
export class RecordTooLarge extends Data.TaggedError("RecordTooLarge")<{
  readonly topic: string
  readonly detail: string
}> {
  override get message(): string {
    return `a record is larger than topic ${this.topic} accepts (${this.detail})`
  }
}

/** What a group member does with its share of the partitions. All callbacks of one member run one at a time. */
export interface ConsumerHandler<E, R> {
  /** Partitions newly assigned to this member. */
  readonly onAssigned: (partitions: ReadonlyArray<number>) => Effect.Effect<void, E, R>
  /** Partitions taken away: drop or finish what is buffered for them; commits after this may be refused. */
  readonly onRevoked: (partitions: ReadonlyArray<number>) => Effect.Effect<void, E, R>
  readonly onBatch: (batch: Batch) => Effect.Effect<void, E, R>
  /** Called when a poll brought nothing (at most every `idleEvery`). */
  readonly onIdle: Effect.Effect<void, E, R>
  /** Called once before the member leaves (idle exit, interruption, shutdown): flush and commit. */
  readonly onStop: Effect.Effect<void, E, R>
}

export interface ConsumeOptions {
  readonly topic: string
  readonly group: string
  /** Leave after this long without new records (flushing first). */
  readonly idleExit: Option.Option<Duration.Duration>
  /** Leave as soon as a poll finds nothing and this says so (e.g. the producer is done). */
  readonly stopWhenIdle?: Effect.Effect<boolean>
  /** How often onIdle runs while nothing arrives. */
  readonly idleEvery?: Duration.DurationInput
}

/**
 * The report stream port, shaped after Kafka: topics with partitions, keyed records, consumer groups
 * whose members share the partitions, offsets in order per partition and explicit commits.
 */
export class MessageLog extends Context.Tag("peacestate/MessageLog")<
  MessageLog,
  {
    /** Create the topic when missing (idempotent). */
    readonly ensureTopic: (topic: string, partitions: number) => Effect.Effect<void, LogError>
    /** Publish records; succeeds once the log has durably accepted all of them. */
    readonly publish: (topic: string, records: ReadonlyArray<OutgoingRecord>) => Effect.Effect<void, LogError>
    /**
     * Join `group` and consume `topic` until idle exit or interruption. A group without a committed
     * offset starts from the earliest record. `commit` stores the next offsets to read.
     */
    readonly consume: <E, R>(
      options: ConsumeOptions,
      handler: (
        commit: (offsets: ReadonlyArray<PartitionOffset>) => Effect.Effect<void, LogError>
      ) => ConsumerHandler<E, R>
    ) => Effect.Effect<void, LogError | E, R>
    /** End offsets (next offset to be written) per partition. */
    readonly endOffsets: (topic: string) => Effect.Effect<ReadonlyArray<PartitionOffset>, LogError>
    /** Committed offsets of a group per partition. */
    readonly committedOffsets: (topic: string, group: string) => Effect.Effect<ReadonlyArray<PartitionOffset>, LogError>
  }
>() {}
