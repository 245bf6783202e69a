// The fixture of the fault tests: fresh names for a run (topics, groups, and the S3 prefix that is its archive
// root), the components started on them as child processes, and, pass or fail, everything the run started or
// made stopped and removed at its end.
import { afterEach, describe } from "@effect/vitest"
import { killLeftovers, type Proc, startCli } from "./Children.js"
import { s3Env, skipReason } from "./Infra.js"
import { deleteTopics } from "./Kafka.js"
import { latencyRelay, type Relay } from "./LatencyRelay.js"
import { FastGroups, type Names, uniqueNames } from "./Names.js"
import { type OutageRelay, outageRelay } from "./Outages.js"
import { type Production, type Simulation, startProduction } from "./Production.js"
import { removeS3Prefix } from "./S3Archive.js"

type Env = Readonly<Record<string, string>>

/** A fault-test suite: skipped without the services; whatever a test leaves running is killed after it. */
export const describeFault = (title: string, tests: () => void) =>
  describe.skipIf(skipReason() !== undefined)(title, () => {
    afterEach(killLeftovers)
    tests()
  })

export interface FaultRunOptions {
  readonly partitions: number
  /**
   * Kills and rebalances observed from the members' logs: fast consumer-group timing (FastGroups) and
   * LOG_LEVEL=debug (the `assigned/revoked` and `stored` lines) for the components.
   */
  readonly observed?: boolean
}

export interface FaultRun {
  readonly names: Names
  /** The components' environment: the names and, when `observed`, the fast group timing and debug logs. */
  readonly env: Env
  /** `peacestate archive <flags>` on the run's names; `env` is added to the run's. */
  readonly archiver: (name: string, flags?: ReadonlyArray<string>, env?: Env) => Proc
  /** `peacestate alert <flags>` on the run's names; `env` is added to the run's. */
  readonly alerter: (name: string, flags?: ReadonlyArray<string>, env?: Env) => Proc
  /** The simulator producing to the run's reports topic until stopped (see startProduction). */
  readonly produce: (sim: Simulation) => Production
  /** A relay to S3 delaying each response by `delayMs` (see latencyRelay), closed at the end of the run. */
  readonly latencyRelay: (delayMs: number) => Promise<Relay>
  /** A relay to S3 that can be taken down (see outageRelay), closed at the end of the run. */
  readonly outageRelay: () => Promise<OutageRelay>
}

/**
 * Run `body` on fresh names (`tag` in them). At its end, pass or fail: the processes still running are
 * killed, the relays closed, the run's S3 prefix and topics removed. A body that changes the services
 * (a broker stopped) puts them back in its own `finally`, which runs first.
 */
export const withFaultRun = async <A>(
  tag: string,
  options: FaultRunOptions,
  body: (run: FaultRun) => Promise<A>
): Promise<A> => {
  const names = uniqueNames(tag, options.partitions)
  const env: Env = options.observed === true ? { ...names, ...FastGroups, LOG_LEVEL: "debug" } : names
  const closers: Array<() => Promise<void>> = []
  const closing = <R extends { readonly close: () => Promise<void> }>(relay: R): R => {
    closers.push(relay.close)
    return relay
  }
  const component =
    (command: "archive" | "alert") =>
    (name: string, flags: ReadonlyArray<string> = [], extra: Env = {}) =>
      startCli(name, [command, ...flags], { ...env, ...extra })
  const run: FaultRun = {
    names,
    env,
    archiver: component("archive"),
    alerter: component("alert"),
    produce: (sim) => startProduction("simulate", names, sim),
    latencyRelay: (delayMs) => latencyRelay(new URL(s3Env().endpoint), delayMs).then(closing),
    outageRelay: () => outageRelay(new URL(s3Env().endpoint)).then(closing)
  }
  try {
    return await body(run)
  } finally {
    await killLeftovers()
    await Promise.all(closers.map((close) => close()))
    await Promise.all([removeS3Prefix(names.S3_PREFIX), deleteTopics(names)])
  }
}
