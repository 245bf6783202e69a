// Harness of the distributed and fault tests: the CLI components as long-running child processes
// (spawn, capture, signal, await the exit with a timeout), unique names per test, the reports topic and
// the alerts topic read back from Kafka, the S3 archive read back and checked for exactly-once.
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"
import { fileURLToPath } from "node:url"
import { Chunk, Effect, Stream } from "effect"
import { Kafka, logLevel } from "kafkajs"
import * as S3ObjectStore from "../../src/adapters/S3ObjectStore.js"
import type { ArchivedReport } from "../../src/format/ArchivedReport.js"
import { decodeReports } from "../../src/format/DecodeReports.js"
import { fileNameOf, hourFolderOf } from "../../src/format/Layout.js"
import type { SimulationSettings } from "../../src/domain/Generator.js"
import { ObjectStore } from "../../src/ports/ObjectStore.js"
import { infraEnv, kafkaBrokers, s3Env } from "./Infra.js"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
const entry = fileURLToPath(new URL("./cli.ts", import.meta.url))

// The S3 adapter used to read the archive back takes S3_* through Config and the SDK the AWS_* credentials,
// both from process.env; children inherit them too.
Object.assign(process.env, infraEnv(), { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Poll `f` until it returns something other than undefined; fail after `timeoutMs` naming `what`. */
export const eventually = async <A>(what: string, f: () => Promise<A | undefined> | A | undefined, timeoutMs = 30_000, everyMs = 200): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await Promise.resolve()
      .then(f)
      .catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same kill moments on every run. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ------------------------------------------------------------------------------------------ names

/** Topic, group and S3 prefix names of one test run, as the environment of its CLI processes. */
export const uniqueNames = (tag: string, partitions = 6) => {
  const id = `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`
  return {
    REPORTS_TOPIC: `dist.${id}.reports`,
    ALERTS_TOPIC: `dist.${id}.alerts`,
    DLQ_TOPIC: `dist.${id}.dlq`,
    ALERTER_GROUP: `dist.${id}.alerter`,
    ARCHIVER_GROUP: `dist.${id}.archiver`,
    S3_PREFIX: `test-runs/${id}`,
    TOPIC_PARTITIONS: String(partitions)
  }
}
export type Names = ReturnType<typeof uniqueNames>

/**
 * Consumer-group timing for tests (read by src/adapters/KafkaLog.ts): a dead member is noticed after 6 s
 * (the broker's group.min.session.timeout.ms) instead of 30 s, and a rebalance waits at most 10 s for members.
 */
export const FastGroups: Readonly<Record<string, string>> = {
  KAFKA_SESSION_TIMEOUT_MS: "6000",
  KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
  KAFKA_REBALANCE_TIMEOUT_MS: "10000"
}

// -------------------------------------------------------------------------------------- processes

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly ms: number
}

/** One JSON log line of a child (Effect's JSON logger). */
export interface LogLine {
  readonly message: unknown
  readonly logLevel: string
  readonly timestamp: string
}

export interface Proc {
  readonly name: string
  readonly pid: number
  readonly child: ChildProcess
  readonly startedAt: number
  readonly stdout: () => string
  readonly stderr: () => string
  /** The JSON log lines written to stderr so far (other lines are skipped). */
  readonly logs: () => ReadonlyArray<LogLine>
  readonly exited: () => boolean
  readonly exit: Promise<Exit>
  readonly signal: (signal: NodeJS.Signals) => void
  /** Resolves with the first stderr match (already written or to come); rejects on timeout or exit. */
  readonly waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>
  /** The exit, or a rejection carrying the tail of stderr after `timeoutMs`. */
  readonly exitWithin: (timeoutMs: number) => Promise<Exit>
}

const live = new Set<Proc>()

const parseLogs = (text: string): ReadonlyArray<LogLine> =>
  text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return []
    try {
      const parsed = JSON.parse(line) as Partial<LogLine>
      return parsed.logLevel === undefined ? [] : [parsed as LogLine]
    } catch {
      return []
    }
  })

/**
 * Start `peacestate <args>` from the sources. The child gets the test's process.env (with the services'
 * environment), then `env`. Its output is kept; PROCESSES_VERBOSE=1 echoes its stderr.
 */
export const startCli = (name: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Proc => {
  const startedAt = Date.now()
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const out: Array<Buffer> = []
  const err: Array<Buffer> = []
  const waiters = new Set<() => void>()
  let done = false
  child.stdout?.on("data", (b: Buffer) => out.push(b))
  child.stderr?.on("data", (b: Buffer) => {
    err.push(b)
    if (process.env.PROCESSES_VERBOSE === "1") process.stderr.write(`[${name}] ${b.toString("utf8")}`)
    waiters.forEach((w) => w())
  })
  // "close": the process has exited and its stdio is drained, so stdout/stderr are complete.
  const exit = new Promise<Exit>((resolve) => {
    child.on("error", () => {
      done = true
      resolve({ code: -1, signal: null, ms: Date.now() - startedAt })
    })
    child.on("close", (code, signal) => {
      done = true
      resolve({ code, signal, ms: Date.now() - startedAt })
    })
  })
  const stderr = () => Buffer.concat(err).toString("utf8")
  const proc: Proc = {
    name,
    pid: child.pid ?? -1,
    child,
    startedAt,
    stdout: () => Buffer.concat(out).toString("utf8"),
    stderr,
    logs: () => parseLogs(stderr()),
    exited: () => done,
    exit,
    signal: (signal) => {
      if (!done) child.kill(signal)
    },
    waitForStderr: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const finish = (f: () => void) => {
          waiters.delete(check)
          clearTimeout(timer)
          f()
        }
        const check = () => {
          const m = stderr().match(pattern)
          if (m !== null) finish(() => resolve(m))
        }
        const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no ${pattern} on stderr within ${timeoutMs} ms; stderr tail:\n${tail(stderr())}`))), timeoutMs)
        waiters.add(check)
        void exit.then(() => {
          if (!waiters.has(check)) return
          check()
          if (waiters.has(check)) finish(() => reject(new Error(`${name} exited before ${pattern} appeared on stderr; stderr tail:\n${tail(stderr())}`)))
        })
        check()
      }),
    exitWithin: (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined
      return Promise.race([
        exit,
        new Promise<Exit>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${name} did not exit within ${timeoutMs} ms; stderr tail:\n${tail(stderr())}`)), timeoutMs)
        })
      ]).finally(() => clearTimeout(timer))
    }
  }
  live.add(proc)
  void exit.then(() => live.delete(proc))
  return proc
}

const tail = (text: string, lines = 40) => text.split("\n").slice(-lines).join("\n")

/** Run `peacestate <args>` to its end; fails (with the stderr tail) when it does not exit 0 within `timeoutMs`. */
export const runToEnd = async (name: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}, timeoutMs = 120_000) => {
  const proc = startCli(name, args, env)
  const exit = await proc.exitWithin(timeoutMs).catch((e: unknown) => {
    proc.signal("SIGKILL")
    throw e
  })
  if (exit.code !== 0) throw new Error(`${name} exited with ${exit.code ?? exit.signal}; stderr tail:\n${tail(proc.stderr())}`)
  return { stdout: proc.stdout(), stderr: proc.stderr(), ms: exit.ms }
}

/** The last stdout line parsed as JSON (`--json` commands). */
export const lastJsonLine = <A>(stdout: string): A => JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as A

/** SIGKILL whatever the test left running, and wait for those exits (afterEach). */
export const killLeftovers = async () => {
  const left = [...live]
  left.forEach((p) => p.signal("SIGKILL"))
  await Promise.all(left.map((p) => p.exit))
}

/** Expect a clean exit (code 0) within `timeoutMs`. */
export const cleanExit = async (proc: Proc, timeoutMs: number): Promise<Exit> => {
  const exit = await proc.exitWithin(timeoutMs)
  if (exit.code !== 0) throw new Error(`${proc.name} exited with ${exit.code ?? exit.signal}; stderr tail:\n${tail(proc.stderr())}`)
  return exit
}

// ------------------------------------------------------------------------------------- production

/** A simulation run to Kafka at a steady rate, without a set end: the test stops it (see startProduction). */
export interface Simulation {
  readonly seed: number
  readonly drones: number
  /** ISO-8601 instant of the first simulated minute. */
  readonly start: string
  /** Reports per second. */
  readonly rate: number
  readonly alertRatio: number
}

export interface Production {
  readonly proc: Proc
  /** What determines the reports, as src/domain/Generator.ts takes it (to recompute what was sent). */
  readonly settings: SimulationSettings
  /** The most reports one send of the simulator carries: a stop can cut short only the last send. */
  readonly sendSize: number
  /** Reports on the topic now. */
  readonly produced: () => Promise<number>
  /** Resolves with the reports on the topic once they are at least `n`; fails at once if the simulator ends first. */
  readonly waitForProduced: (n: number, timeoutMs?: number) => Promise<number>
  /**
   * SIGTERM, a clean exit, and the reports on the topic. Fails when the simulator ended before (it was
   * given an hour's worth of reports, so it can only have crashed).
   */
  readonly stop: () => Promise<number>
}

/**
 * The simulator producing to the reports topic of `names` at `sim.rate` until `stop()`: a test drives its
 * phases (kills, rebalances, outages) by what it observes, and production lasts until they are over, however
 * long they take on the machine at hand. Its count is an hour at the rate, which no test lasts, so production
 * never runs out under a slow phase. What was produced is then what the topic holds (`stop()` returns it).
 */
export const startProduction = (name: string, names: Names, sim: Simulation): Production => {
  const count = Math.ceil(sim.rate * 3_600)
  const proc = startCli(
    name,
    ["simulate", "--to", "kafka", "--seed", String(sim.seed), "--count", String(count), "--drones", String(sim.drones), "--start", sim.start, "--rate", String(sim.rate), "--alert-ratio", String(sim.alertRatio)],
    names
  )
  const produced = () => endOffsets(names.REPORTS_TOPIC).then(sumOf)
  const ended = async () => {
    const exit = await proc.exit
    return new Error(`${name} ended (${exit.code ?? exit.signal}) before the test stopped it; stderr tail:\n${tail(proc.stderr())}`)
  }
  const waitForProduced = async (n: number, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (proc.exited()) throw await ended()
      const now = await produced().catch(() => -1)
      if (now >= n) return now
      if (Date.now() > deadline) throw new Error(`${name}: ${now} reports on ${names.REPORTS_TOPIC} after ${timeoutMs} ms, waiting for ${n}; stderr tail:\n${tail(proc.stderr())}`)
      await sleep(500)
    }
  }
  return {
    proc,
    settings: { seed: sim.seed, drones: sim.drones, startMs: Date.parse(sim.start), alertRatio: sim.alertRatio },
    // src/cli/Simulate.ts publishes chunks of rate/100 reports (at most 1000).
    sendSize: Math.max(1, Math.min(1000, Math.floor(sim.rate / 100))),
    produced,
    waitForProduced,
    stop: async () => {
      if (proc.exited()) throw await ended()
      proc.signal("SIGTERM")
      await cleanExit(proc, 30_000)
      return produced()
    }
  }
}

// ------------------------------------------------------------------------------- group membership

export interface Membership {
  /** Every assignment event, in order: `+` assigned, `-` revoked. */
  readonly events: ReadonlyArray<{ readonly kind: "+" | "-"; readonly partitions: ReadonlyArray<number>; readonly at: string }>
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
    return kind === undefined ? [] : [{ kind, partitions: partitions as ReadonlyArray<number>, at: l.timestamp } as const]
  })
  const held = events.reduce(
    (set, e) => (e.kind === "+" ? new Set([...set, ...e.partitions]) : new Set([...set].filter((p) => !e.partitions.includes(p)))),
    new Set<number>()
  )
  const ever = new Set(events.flatMap((e) => (e.kind === "+" ? e.partitions : [])))
  return { events, held: [...held].sort((a, b) => a - b), ever: [...ever].sort((a, b) => a - b) }
}

/** The archiver's closing counters line: `stopped after N reports: A archived in F files, S already stored, B bad`. */
export const archiverTotals = (proc: Proc) => {
  const m = /archiver: stopped after (\d+) reports: (\d+) archived in (\d+) files, (\d+) already stored, (\d+) bad/.exec(proc.stderr())
  return m === null ? undefined : { read: Number(m[1]), archived: Number(m[2]), files: Number(m[3]), skipped: Number(m[4]), bad: Number(m[5]) }
}

/** How many files an archiver has stored so far, from its `archiver: stored <key>` debug lines (LOG_LEVEL=debug). */
export const storedFiles = (proc: Proc): number => (proc.stderr().match(/"archiver: stored /g) ?? []).length

// ------------------------------------------------------------------------------------------ Kafka

export const kafka = () => new Kafka({ brokers: [...kafkaBrokers()], clientId: "peacestate-tests", logLevel: logLevel.NOTHING })

const isRetriable = (e: unknown): boolean => typeof e === "object" && e !== null && "retriable" in e && e.retriable === true

/**
 * Run `f` with a connected admin client. A retriable Kafka error (e.g. "This server is not the leader for
 * that topic-partition" while a new topic's leader is being elected on a loaded machine) is tried again,
 * for up to a minute: the tests check what Kafka holds, not how fast its metadata settles.
 */
export const withAdmin = async <A>(f: (admin: ReturnType<Kafka["admin"]>) => Promise<A>, deadline = Date.now() + 60_000): Promise<A> => {
  const admin = kafka().admin()
  const attempt = async () => {
    await admin.connect()
    return await f(admin)
  }
  return attempt()
    .catch(async (e: unknown) => {
      if (!isRetriable(e) || Date.now() > deadline) throw e
      await sleep(500)
      return withAdmin(f, deadline)
    })
    .finally(() => admin.disconnect())
}

/** End offsets per partition: what Kafka holds (the topics are never compacted nor trimmed in a test). */
export const endOffsets = (topic: string): Promise<ReadonlyMap<number, number>> =>
  withAdmin(async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])))

export const sumOf = (offsets: ReadonlyMap<number, number>) => [...offsets.values()].reduce((a, b) => a + b, 0)

/** Committed offsets of a group (partitions without one left out). */
export const committedOffsets = (group: string, topic: string): Promise<ReadonlyMap<number, number>> =>
  withAdmin(async (admin) =>
    new Map(
      (await admin.fetchOffsets({ groupId: group, topics: [topic] })).flatMap((t) =>
        t.partitions.filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)] as const)
      )
    )
  )

export interface TopicRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: string
}

/** Every record of a topic up to its current end offsets (a throwaway consumer group). */
export const readTopic = async (topic: string, timeoutMs = 60_000): Promise<ReadonlyArray<TopicRecord>> => {
  const ends = await endOffsets(topic)
  if (sumOf(ends) === 0) return []
  const records: Array<TopicRecord> = []
  const consumer = kafka().consumer({ groupId: `tests-reader-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, maxBytesPerPartition: 8 * 1024 * 1024 })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    const next = new Map<number, number>()
    const complete = () => [...ends].every(([p, end]) => end === 0 || (next.get(p) ?? 0) >= end)
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          batch.messages.forEach((m) =>
            records.push({ partition: batch.partition, offset: Number(m.offset), key: m.key?.toString("utf8") ?? "", value: m.value?.toString("utf8") ?? "" })
          )
          next.set(batch.partition, Number(batch.lastOffset()) + 1)
          if (complete()) resolve()
        }
      })
    })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading ${topic}: ${records.length}/${sumOf(ends)} records in ${timeoutMs} ms`)), timeoutMs)
      })
    ]).finally(() => clearTimeout(timer))
  } finally {
    await consumer.disconnect()
  }
  return records.filter((r) => r.offset < (ends.get(r.partition) ?? 0))
}

/** Delete the test's topics (only those that exist: kafkajs retries a missing one for ~10 s). */
export const deleteTopics = (names: Names) =>
  withAdmin(async (admin) => {
    const existing = new Set(await admin.listTopics())
    const topics = [names.REPORTS_TOPIC, names.ALERTS_TOPIC, names.DLQ_TOPIC].filter((t) => existing.has(t))
    if (topics.length > 0) await admin.deleteTopics({ topics })
  }).catch(() => undefined)

// ------------------------------------------------------------------------------------- S3 archive

const inStore = <A, E>(prefix: string, f: (store: ObjectStore["Type"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(ObjectStore, f).pipe(Effect.provide(S3ObjectStore.layer({ bucket: s3Env().bucket, prefix }, { retryFor: "10 seconds" }))))

export interface ArchiveFile {
  readonly key: string
  readonly reports: ReadonlyArray<ArchivedReport>
}

/** Every Parquet file of the archive under an S3 prefix, decoded. */
export const readS3Archive = (prefix: string): Promise<ReadonlyArray<ArchiveFile>> =>
  inStore(prefix, (store) =>
    Stream.runCollect(store.list("reports/")).pipe(
      Effect.flatMap((objects) =>
        Effect.forEach(
          Chunk.toReadonlyArray(objects).filter((o) => o.key.endsWith(".parquet")),
          (o) =>
            Effect.flatMap(store.get(o.key), (bytes) =>
              bytes._tag === "None" ? Effect.succeed([]) : Effect.map(decodeReports(bytes.value), (reports) => [{ key: o.key, reports }])
            ),
          { concurrency: 8 }
        )
      ),
      Effect.map((files) => files.flat().sort((a, b) => (a.key < b.key ? -1 : 1)))
    )
  )

export const removeS3Prefix = (prefix: string) =>
  inStore(prefix, (store) =>
    Stream.runCollect(store.list("")).pipe(Effect.flatMap((objects) => Effect.forEach(objects, (o) => store.remove(o.key), { concurrency: 16, discard: true })))
  ).catch(() => undefined)

/** What the archive holds against what Kafka holds; every list is empty when the archive is exactly-once and complete. */
export interface ExactlyOnceReport {
  /** Records Kafka holds in the reports topic (sum of end offsets). */
  readonly expected: number
  /** Rows in the archive. */
  readonly archived: number
  readonly files: number
  readonly distinctPositions: number
  readonly distinctReportIds: number
  /** (partition/offset) stored more than once, with the keys holding them. */
  readonly duplicatePositions: ReadonlyArray<string>
  readonly duplicateReportIds: ReadonlyArray<string>
  /** Positions below the end offsets with no row. */
  readonly missingPositions: ReadonlyArray<string>
  /** Rows whose position is not in the topic at all. */
  readonly unexpectedPositions: ReadonlyArray<string>
  /** Layout breaches: name ≠ `<topic>+<partition>+<first offset>`, mixed partitions, a gap, another hour. */
  readonly fileProblems: ReadonlyArray<string>
}

const firstN = <A>(items: ReadonlyArray<A>, n = 20) => items.slice(0, n)

/**
 * Check the archive against the topic's end offsets: each (partition, offset) below them exactly once,
 * each reportId exactly once, and every file a contiguous run of one partition within one hour,
 * named after its first offset. Lists are truncated to 20 examples (the counts are in the lengths' stead).
 */
export const checkExactlyOnce = (topic: string, files: ReadonlyArray<ArchiveFile>, ends: ReadonlyMap<number, number>, opts: { readonly contiguous?: boolean } = {}) => {
  const positions = new Map<string, Array<string>>()
  const ids = new Map<string, number>()
  const fileProblems: Array<string> = []
  files.forEach(({ key, reports }) => {
    reports.forEach((r) => {
      const pos = `${r.partition}/${r.offset}`
      const at = positions.get(pos)
      if (at === undefined) positions.set(pos, [key])
      else at.push(key)
      ids.set(r.report.reportId, (ids.get(r.report.reportId) ?? 0) + 1)
    })
    const first = reports[0]
    if (first === undefined) return void fileProblems.push(`${key}: empty`)
    const folder = key.slice(0, key.lastIndexOf("/"))
    const name = key.slice(key.lastIndexOf("/") + 1)
    if (name !== fileNameOf(topic, first.partition, first.offset)) fileProblems.push(`${key}: first row is ${first.partition}/${first.offset}`)
    if (reports.some((r) => r.partition !== first.partition)) fileProblems.push(`${key}: rows of several partitions`)
    if (reports.some((r) => hourFolderOf(r.report.timestamp) !== folder)) fileProblems.push(`${key}: a report outside ${folder}`)
    const gap = reports.findIndex((r, i) => i > 0 && (opts.contiguous === false ? r.offset <= reports[i - 1]!.offset : r.offset !== reports[i - 1]!.offset + 1))
    if (gap > 0) fileProblems.push(`${key}: offsets ${reports[gap - 1]!.offset} then ${reports[gap]!.offset}`)
  })
  const duplicatePositions = [...positions].filter(([, keys]) => keys.length > 1).map(([pos, keys]) => `${pos} ×${keys.length} in ${keys.join(", ")}`)
  const expectedPositions = [...ends].flatMap(([p, end]) => Array.from({ length: end }, (_, o) => `${p}/${o}`))
  const expectedSet = new Set(expectedPositions)
  const missing = expectedPositions.filter((pos) => !positions.has(pos))
  const unexpected = [...positions.keys()].filter((pos) => !expectedSet.has(pos))
  const duplicateIds = [...ids].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`)
  const report: ExactlyOnceReport = {
    expected: sumOf(ends),
    archived: files.reduce((n, f) => n + f.reports.length, 0),
    files: files.length,
    distinctPositions: positions.size,
    distinctReportIds: ids.size,
    duplicatePositions: firstN(duplicatePositions),
    duplicateReportIds: firstN(duplicateIds),
    missingPositions: firstN(missing),
    unexpectedPositions: firstN(unexpected),
    fileProblems: firstN(fileProblems)
  }
  return report
}

/** What `checkExactlyOnce` gives for a complete, exactly-once archive of `expected` records (for toMatchObject). */
export const exactlyOnce = (expected: number) => ({
  expected,
  archived: expected,
  distinctPositions: expected,
  distinctReportIds: expected,
  duplicatePositions: [],
  duplicateReportIds: [],
  missingPositions: [],
  unexpectedPositions: [],
  fileProblems: []
})

// ------------------------------------------------------------------------------------ S3 latency

export interface Relay {
  readonly url: string
  /** Change the delay of the chunks to come. */
  readonly setDelay: (ms: number) => void
  /** Response chunks held back by a delay right now (received, due later, not passed on yet): a client waiting on the relay. */
  readonly held: () => number
  readonly close: () => Promise<void>
}

/**
 * A TCP relay to `target` (an http://host:port URL) that delays every response chunk by `delayMs`, as a
 * remote S3 would (tens of ms per request against ~1 ms for the local S3Proxy). A request fully sent is
 * still delivered when the client dies, so a put can land after its sender was killed, as on S3.
 */
export const latencyRelay = (target: URL, delayMs: number): Promise<Relay> =>
  new Promise((resolve) => {
    const sockets = new Set<net.Socket>()
    let delay = delayMs
    let held = 0
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname)
      sockets.add(client)
      sockets.add(upstream)
      client.on("data", (b: Buffer) => upstream.write(b))
      // The client went away: let the server finish what it was sent, then drop the connection.
      client.on("close", () => {
        sockets.delete(client)
        upstream.end()
      })
      // Chunks leave in order, each `delay` after it came (or with the one ahead of it, when the delay shrinks).
      const queue: Array<{ readonly at: number; readonly send: () => void }> = []
      let timer: NodeJS.Timeout | undefined
      const pump = () => {
        timer = undefined
        while (queue.length > 0 && queue[0]!.at <= Date.now()) queue.shift()!.send()
        if (queue.length > 0) timer = setTimeout(pump, queue[0]!.at - Date.now())
      }
      const later = (send: () => void, data = false) => {
        const at = Math.max(Date.now() + delay, queue.at(-1)?.at ?? 0)
        const delayed = data && at > Date.now()
        if (delayed) held += 1
        queue.push({
          at,
          send: () => {
            if (delayed) held -= 1
            send()
          }
        })
        if (timer === undefined) timer = setTimeout(pump, queue[0]!.at - Date.now())
      }
      upstream.on("data", (b: Buffer) =>
        later(() => {
          if (!client.destroyed) client.write(b)
        }, true)
      )
      upstream.on("close", () => {
        sockets.delete(upstream)
        later(() => client.destroy())
      })
      client.on("error", () => client.destroy())
      upstream.on("error", () => upstream.destroy())
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
        setDelay: (ms) => {
          delay = ms
        },
        held: () => held,
        close: () =>
          new Promise<void>((ok) => {
            server.close(() => ok())
            sockets.forEach((s) => s.destroy())
          })
      })
    )
  })
