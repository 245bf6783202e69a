// What the group members say in their debug logs: assignments, their closing totals, the files they stored.
import type { Proc } from "./Children.js"

export interface Membership {
  /** Every assignment event, in order: `+` assigned, `-` revoked. */
  readonly events: ReadonlyArray<{
    readonly kind: "+" | "-"
    readonly partitions: ReadonlyArray<number>
    readonly at: string
  }>
  /** Partitions held after the last event. */
  readonly held: ReadonlyArray<number>
  /** Every partition held at some point. */
  readonly ever: ReadonlyArray<number>
}

/** What a member was assigned, from its `<component> assigned/revoked` debug lines (LOG_LEVEL=debug). */
export const membership = (proc: Proc, component: "archiver" | "alerter"): Membership => {
  const events = proc.logs().flatMap((l) => {
    if (!Array.isArray(l.message)) return []
    const [text, partitions] = l.message as [unknown, unknown]
    if (!Array.isArray(partitions)) return []
    const kind = text === `${component} assigned` ? "+" : text === `${component} revoked` ? "-" : undefined
    return kind === undefined
      ? []
      : [{ kind, partitions: partitions as ReadonlyArray<number>, at: l.timestamp } as const]
  })
  const held = events.reduce(
    (set, e) =>
      e.kind === "+" ? new Set([...set, ...e.partitions]) : new Set([...set].filter((p) => !e.partitions.includes(p))),
    new Set<number>()
  )
  const ever = new Set(events.flatMap((e) => (e.kind === "+" ? e.partitions : [])))
  return { events, held: [...held].sort((a, b) => a - b), ever: [...ever].sort((a, b) => a - b) }
}

/** The archiver's closing counters line: `stopped after N reports: A archived in F files, S already stored, B bad`. */
export const archiverTotals = (proc: Proc) => {
  const m =
    /archiver: stopped after (\d+) reports: (\d+) archived in (\d+) files, (\d+) already stored, (\d+) bad/.exec(
      proc.stderr()
    )
  return m === null
    ? undefined
    : { read: Number(m[1]), archived: Number(m[2]), files: Number(m[3]), skipped: Number(m[4]), bad: Number(m[5]) }
}

/** How many files an archiver has stored so far, from its `archiver: stored <key>` debug lines (LOG_LEVEL=debug). */
export const storedFiles = (proc: Proc): number => (proc.stderr().match(/"archiver: stored /g) ?? []).length
