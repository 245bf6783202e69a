/**
 * The officers' console under load: alerts published on the (in-memory) alerts topic at a steady rate while N live
 * pages hold `/api/alerts/stream` open — the console's ingest, store, live hub and HTTP server in this process, the
 * pages in a child process (bench/console-clients.ts) so their parsing does not compete for this event loop. Against
 * the embedded store (PGlite), then, when PEACESTATE_TEST_DATABASE_URL (or DATABASE_URL) is set, PostgreSQL (a fresh
 * database, dropped after), one after the other in one run.
 *
 * Measured: ingest (alerts stored per second, from the store's stats every second), lag (published − stored, every
 * second), alert → SSE event latency (the client's arrival time − the alert's detectedAt, set at publish time; one
 * machine, one clock) over every event of every page, that every page got every alert exactly once, events/s
 * delivered, and this process's RSS every second (first 5 s vs last 5 s of publishing) and CPU.
 *
 *   node --import tsx bench/console.ts [pglite] [postgres] [src]
 *     pglite / postgres: only that store; src: measure src/ through tsx instead of a tsc build of src/ (made in
 *     .bench/console/build, not dist/: esbuild's keepNames makes tsx-loaded closures slower than the build)
 *   env: BENCH_CONSOLE_SECONDS (30), BENCH_CONSOLE_RATE alerts/s (1000), BENCH_CONSOLE_CLIENTS (50),
 *        BENCH_CONSOLE_BATCH_MS between publishes (20), BENCH_CONSOLE_DRONES (500), BENCH_CONSOLE_WARMUP_SECONDS:
 *        the steady-state latency leaves out the alerts published before (5);
 *        BENCH_PROF_DIR=dir: each console process writes a V8 CPU profile there (summarise with bench/profile.ts)
 *
 * Each store runs in a console process of its own (this file with `--one STORE`: memory and JIT state are its own),
 * which writes its figures to .bench/console/STORE.json; this process then prints them side by side.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { ConfigProvider, Context, Effect, Exit, Layer, Logger, LogLevel, Redacted, Scope } from "effect"
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { createInterface } from "node:readline"
import { pathToFileURL } from "node:url"
import type * as ConsoleDatabaseModule from "../src/adapters/ConsoleDatabase.js"
import type * as InMemoryLogModule from "../src/adapters/InMemoryLog.js"
import type * as SqlConsoleStoreModule from "../src/adapters/SqlConsoleStore.js"
import type * as ConsoleModule from "../src/console/Console.js"
import type * as PasswordsModule from "../src/console/Passwords.js"
import type * as NamesModule from "../src/config/Names.js"
import type * as CodecModule from "../src/domain/Codec.js"
import type { Alert } from "../src/domain/Alert.js"
import type * as ConsoleStoreModule from "../src/ports/ConsoleStore.js"
import type * as MessageLogModule from "../src/ports/MessageLog.js"

const argv = process.argv.slice(2)
const useSrc = argv.includes("src")
const one = argv.includes("--one")
const stores = argv.filter((a): a is Store => a === "pglite" || a === "postgres")
const seconds = Number(process.env.BENCH_CONSOLE_SECONDS ?? 30)
const rate = Number(process.env.BENCH_CONSOLE_RATE ?? 1000)
const clientCount = Number(process.env.BENCH_CONSOLE_CLIENTS ?? 50)
const batchMs = Number(process.env.BENCH_CONSOLE_BATCH_MS ?? 20)
const drones = Number(process.env.BENCH_CONSOLE_DRONES ?? 500)
const warmupSeconds = Number(process.env.BENCH_CONSOLE_WARMUP_SECONDS ?? 5)
const databaseUrl = process.env.PEACESTATE_TEST_DATABASE_URL ?? process.env.DATABASE_URL
const work = resolve(".bench", "console")

// Our code: a tsc build of src/ of its own (dist/ may be in use by others), or src/ through tsx.
const build = join(work, "build")
function buildOurCode() {
  const t = performance.now()
  const tsc = spawnSync(
    process.execPath,
    [
      "node_modules/typescript/bin/tsc",
      ...["-p", "tsconfig.build.json", "--outDir", build, "--declaration", "false", "--sourceMap", "false"],
      ...["--incremental", "--tsBuildInfoFile", join(build, ".tsbuildinfo")]
    ],
    { encoding: "utf8" }
  )
  if (tsc.status !== 0 && !existsSync(join(build, "src", "console", "Console.js")))
    throw new Error(`tsc failed and emitted nothing: ${tsc.stdout}${tsc.stderr}`)
  if (tsc.status !== 0) console.log(`(tsc reported errors; measuring what it emitted: ${tsc.stdout.split("\n")[0]})`)
  console.log(`(built src/ into ${build} in ${((performance.now() - t) / 1000).toFixed(1)} s)`)
}
type Store = "pglite" | "postgres"
interface Percentiles {
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}
interface Sample {
  readonly t: number
  readonly published: number
  readonly stored: number
  readonly rss: number
  readonly heap: number
  readonly heapTotal: number
  /** Buffers outside the JS heap (socket writes, the driver's, PGlite's memory is in RSS only). */
  readonly external: number
}
interface ClientResult {
  readonly received: number
  readonly exactlyOnce: number
  readonly missing: number
  readonly duplicated: number
  readonly unexpected: number
  readonly resets: number
  readonly ended: ReadonlyArray<string>
  readonly firstAt: number
  readonly lastAt: number
  readonly latencyMs: Percentiles
  readonly steadyLatencyMs: Percentiles
  readonly cpuMs: number
  readonly wallMs: number
  readonly maxRssMb: number
}
interface Outcome {
  readonly store: Store
  readonly published: number
  readonly publishMs: number
  readonly samples: ReadonlyArray<Sample>
  readonly catchUpMs: number
  readonly deliverMs: number
  readonly clients: ClientResult
  readonly cpuMs: number
  readonly loopDelay: { readonly p99: number; readonly max: number }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US")
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)}`
const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
/** Per-second ingest rates and lags over the publishing window. */
const during = (o: Outcome) => {
  const t0 = o.samples[0]!.t
  const inWindow = o.samples.filter((s) => s.t - t0 <= o.publishMs + 500)
  const rates = inWindow.slice(1).map((s, i) => ((s.stored - inWindow[i]!.stored) * 1000) / (s.t - inWindow[i]!.t))
  const first = inWindow.filter((s) => s.t - t0 >= 1000 && s.t - t0 <= 5500)
  const last = inWindow.filter((s) => s.t - t0 >= o.publishMs - 5000)
  return { inWindow, rates, first, last }
}
const rows: ReadonlyArray<readonly [string, (o: Outcome) => string]> = [
  ["published", (o) => `${fmt(o.published)} in ${(o.publishMs / 1000).toFixed(1)} s`],
  [
    "ingest, stored/s: mean (min 1-s)",
    (o) => {
      const d = during(o)
      return `${fmt((d.inWindow.at(-1)!.stored * 1000) / (d.inWindow.at(-1)!.t - o.samples[0]!.t))} (${fmt(Math.min(...d.rates))})`
    }
  ],
  [
    "lag published − stored: max / final",
    (o) => {
      const d = during(o)
      return `${fmt(Math.max(...d.inWindow.map((s) => s.published - s.stored)))} / ${fmt(d.inWindow.at(-1)!.published - d.inWindow.at(-1)!.stored)}`
    }
  ],
  ["all stored, after the last publish", (o) => `${o.catchUpMs} ms`],
  [
    "alert → SSE event p50 / p99 / max",
    (o) => `${o.clients.latencyMs.p50} / ${o.clients.latencyMs.p99} / ${o.clients.latencyMs.max} ms`
  ],
  [
    `  after ${warmupSeconds} s of warm-up`,
    (o) => `${o.clients.steadyLatencyMs.p50} / ${o.clients.steadyLatencyMs.p99} / ${o.clients.steadyLatencyMs.max} ms`
  ],
  ["events: got / expected", (o) => `${fmt(o.clients.received)} / ${fmt(o.published * clientCount)}`],
  [
    "exactly once (clients)",
    (o) =>
      `${o.clients.exactlyOnce}/${clientCount}` +
      (o.clients.missing + o.clients.duplicated + o.clients.unexpected + o.clients.resets > 0
        ? ` (missing ${fmt(o.clients.missing)}, twice ${fmt(o.clients.duplicated)}, other ${o.clients.unexpected}, resets ${o.clients.resets})`
        : "")
  ],
  ["events/s delivered", (o) => fmt((o.clients.received * 1000) / Math.max(1, o.clients.lastAt - o.clients.firstAt))],
  [
    "RSS MB: s 1–5 → last 5 s (max)",
    (o) => {
      const d = during(o)
      return `${mb(mean(d.first.map((s) => s.rss)))} → ${mb(mean(d.last.map((s) => s.rss)))} (${mb(Math.max(...o.samples.map((s) => s.rss)))})`
    }
  ],
  [
    "heap MB: s 1–5 → last 5 s",
    (o) => {
      const d = during(o)
      return `${mb(mean(d.first.map((s) => s.heap)))} → ${mb(mean(d.last.map((s) => s.heap)))}`
    }
  ],
  [
    "console process CPU (of one core)",
    (o) => `${((100 * o.cpuMs) / (o.samples.at(-1)!.t - o.samples[0]!.t)).toFixed(0)} %`
  ],
  ["clients process CPU (of one core)", (o) => `${((100 * o.clients.cpuMs) / o.clients.wallMs).toFixed(0)} %`],
  ["event-loop delay p99 / max", (o) => `${o.loopDelay.p99.toFixed(0)} / ${o.loopDelay.max.toFixed(0)} ms`]
]
const printTable = (outcomes: ReadonlyArray<Outcome>) => {
  const label = (s: string) => (s === "pglite" ? "PGlite (embedded)" : "PostgreSQL")
  console.log(`\n${"".padEnd(38)}${outcomes.map((o) => label(o.store).padEnd(30)).join("")}`)
  rows.forEach(([name, f]) => console.log(`${name.padEnd(38)}${outcomes.map((o) => f(o).padEnd(30)).join("")}`))
  outcomes.forEach((o) => {
    const d = during(o)
    const every = (xs: ReadonlyArray<Sample>, f: (s: Sample) => string) =>
      xs.filter((_, i) => i % 5 === 0 || i === xs.length - 1).map(f)
    console.log(
      `\n${label(o.store)}, every 5 s: lag ${every(d.inWindow, (s) => fmt(s.published - s.stored)).join(" ")}; RSS MB ${every(d.inWindow, (s) => mb(s.rss)).join(" ")}; heap used/total MB ${every(d.inWindow, (s) => `${mb(s.heap)}/${mb(s.heapTotal)}`).join(" ")}; external MB ${every(d.inWindow, (s) => mb(s.external)).join(" ")}`
    )
    if (o.clients.ended.length > 0) console.log(`  streams ended early: ${o.clients.ended.join("; ")}`)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// This process: build, then one console process per store, one after the other; their figures side by side.

if (!one) {
  const cpu = cpus()
  console.log(
    `console benchmark: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}), node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`
  )
  console.log(
    `${rate.toLocaleString("en-US")} alerts/s for ${seconds} s (a publish every ${batchMs} ms, ${drones} drones), ${clientCount} SSE clients in a child process; our code: ${useSrc ? "src/ through tsx" : "a tsc build of src/"}`
  )
  const wanted: ReadonlyArray<Store> = stores.length > 0 ? stores : ["pglite", "postgres"]
  const chosen = wanted.filter((s) => s === "pglite" || databaseUrl !== undefined)
  if (wanted.includes("postgres") && databaseUrl === undefined)
    console.log("(no PEACESTATE_TEST_DATABASE_URL or DATABASE_URL: PostgreSQL skipped)")
  if (!useSrc) buildOurCode()
  const profiling = (store: Store) =>
    process.env.BENCH_PROF_DIR !== undefined
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF_DIR}`, `--cpu-prof-name=console-${store}.cpuprofile`]
      : []
  const outcomes = chosen.map((store) => {
    console.log(`\n${store}: ${seconds} s, load ${loadavg()[0]!.toFixed(2)} …`)
    rmSync(join(work, `${store}.json`), { force: true })
    const r = spawnSync(
      process.execPath,
      [...profiling(store), "--import", "tsx", "bench/console.ts", "--one", store, ...(useSrc ? ["src"] : [])],
      { stdio: "inherit" }
    )
    if (r.status !== 0 || !existsSync(join(work, `${store}.json`)))
      throw new Error(`the ${store} run failed (exit ${r.status})`)
    return JSON.parse(readFileSync(join(work, `${store}.json`), "utf8")) as Outcome
  })
  printTable(outcomes)
  console.log(
    `\n(figures of each run: ${outcomes.map((o) => join(".bench", "console", `${o.store}.json`)).join(", ")})`
  )
  process.exit(0)
}

const load = async <M>(path: string): Promise<M> =>
  (await import(useSrc ? `../src/${path}` : pathToFileURL(join(build, "src", path)).href)) as M
const ConsoleDatabase = await load<typeof ConsoleDatabaseModule>("adapters/ConsoleDatabase.js")
const InMemoryLog = await load<typeof InMemoryLogModule>("adapters/InMemoryLog.js")
const SqlConsoleStore = await load<typeof SqlConsoleStoreModule>("adapters/SqlConsoleStore.js")
const { ConsoleLive, ConsoleServer } = await load<typeof ConsoleModule>("console/Console.js")
const Passwords = await load<typeof PasswordsModule>("console/Passwords.js")
const { DefaultNames } = await load<typeof NamesModule>("config/Names.js")
const { encodeAlert } = await load<typeof CodecModule>("domain/Codec.js")
const { ConsoleStore } = await load<typeof ConsoleStoreModule>("ports/ConsoleStore.js")
const { MessageLog } = await load<typeof MessageLogModule>("ports/MessageLog.js")

// The page's assets are read at start-up but never asked for here: placeholders, so no build of the page is needed.
const assets = join(work, "web")
mkdirSync(assets, { recursive: true })
writeFileSync(join(assets, "app.js"), "// bench\n")
writeFileSync(join(assets, "app.css"), "/* bench */\n")

// ---------------------------------------------------------------------------------------------------------------
// A console in this process (as test/support/Console.ts starts one): the in-memory alerts topic, which forgets what
// the console's group committed (as the demo's log does: its memory is not the console's), the store, HTTP on a free port.

const admin = <A, E>(url: string, f: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>) =>
  Effect.scoped(
    Effect.flatMap(SqlClient.SqlClient, f).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 }))
    )
  )

/** A new, empty database on the server at `base` for the scope (dropped after), as a URL. */
const freshDatabase = (base: string) =>
  Effect.gen(function* () {
    const name = `bench_console_${Date.now().toString(36)}`
    yield* Effect.acquireRelease(
      admin(base, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)),
      () => admin(base, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).pipe(Effect.ignoreLogged)
    ).pipe(Effect.orDie)
    const url = new URL(base)
    url.pathname = `/${name}`
    return url.toString()
  })

const startConsole = (store: Store) =>
  Effect.gen(function* () {
    const database =
      store === "pglite"
        ? ConsoleDatabase.embedded(
            yield* Effect.acquireRelease(
              Effect.sync(() => mkdtempSync(join(tmpdir(), "peacestate-bench-console-"))),
              (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
            )
          )
        : ConsoleDatabase.postgres(Redacted.make(yield* freshDatabase(databaseUrl ?? "")))
    const services = Layer.provideMerge(
      ConsoleLive,
      Layer.merge(
        SqlConsoleStore.layer.pipe(Layer.provide(database)),
        InMemoryLog.layerWith({ forgetConsumedBy: [DefaultNames.consoleGroup] })
      )
    )
    const config = ConfigProvider.fromMap(
      new Map([
        ["CONSOLE_PORT", "0"],
        ["CONSOLE_ASSETS_DIR", assets]
      ])
    )
    const context = yield* Layer.build(services).pipe(Effect.withConfigProvider(config))
    const s = Context.get(context, ConsoleStore)
    const l = Context.get(context, MessageLog)
    const password = "bench-password"
    yield* s.putUser({
      username: "bench",
      role: "viewer",
      passwordHash: yield* Passwords.hash(Redacted.make(password))
    })
    return {
      url: Context.get(context, ConsoleServer).url,
      store: s,
      publish: (alerts: ReadonlyArray<Alert>) =>
        l.publish(
          DefaultNames.alertsTopic,
          alerts.map((a) => ({ key: a.droneId, value: encodeAlert(a) }))
        ),
      password
    }
  })

const signIn = async (url: string, username: string, password: string) => {
  const res = await fetch(`${url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password })
  })
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`)
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
}

// ---------------------------------------------------------------------------------------------------------------
// Alerts as the alerter makes them: one citizen of one report of one drone (key: the drone id), detectedAt = now.

const names = ["Ada Morel", "Jonas Brandt", "Mira Okafor", "Luis Ortega", "Hana Sato", "Iris Novak", "Tomás Ruiz"]
const alertAt = (seq: number, now: Date): Alert => {
  const drone = `drone-${String((seq * 7919) % drones).padStart(4, "0")}`
  const reportId = `${drone}-${String(seq).padStart(9, "0")}`
  return {
    alertId: `${reportId}/0`,
    reportId,
    droneId: drone,
    timestamp: new Date(now.getTime() - 40).toISOString(),
    location: { latitude: 48.8 + ((seq * 37) % 1000) / 10_000, longitude: 2.3 + ((seq * 53) % 1000) / 10_000 },
    citizen: `${names[seq % names.length]!} ${seq % 97}`,
    peacescore: seq % 20,
    detectedAt: now.toISOString()
  }
}

// ---------------------------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))
const quiet = Logger.withMinimumLogLevel(LogLevel.Warning)
const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(quiet(e))

const runOne = async (store: Store): Promise<Outcome> => {
  const scope = Effect.runSync(Scope.make())
  try {
    const c = await run(Scope.extend(startConsole(store), scope))
    const cookie = await signIn(c.url, "bench", c.password)
    const total = Math.round(rate * seconds)

    // The pages, in their own process.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "bench/console-clients.ts",
        JSON.stringify({ url: c.url, cookie, clients: clientCount, capacity: total + 1000 })
      ],
      { stdio: ["pipe", "pipe", "inherit"] }
    )
    const exited = new Promise<number | null>((r) => child.on("exit", r))
    const state = { ready: false, received: 0, result: undefined as ClientResult | undefined }
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = JSON.parse(line) as { type: string; received?: number } & ClientResult
      if (m.type === "ready") state.ready = true
      else if (m.type === "progress") state.received = m.received ?? 0
      else if (m.type === "result") state.result = m
    })
    const until = async (ok: () => boolean, ms: number) => {
      const end = Date.now() + ms
      while (!ok() && Date.now() < end) await sleep(20)
      return ok()
    }
    if (!(await until(() => state.ready, 60_000))) throw new Error(`the ${clientCount} streams did not open in 60 s`)

    // Sampling every second: published, stored (the store's stats), this process's memory.
    const samples: Array<Sample> = []
    const pub = { n: 0 }
    const sample = async () => {
      const stats = await run(c.store.stats)
      const m = process.memoryUsage()
      samples.push({
        t: Date.now(),
        published: pub.n,
        stored: stats.alerts,
        rss: m.rss,
        heap: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external
      })
    }
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const cpu0 = process.cpuUsage()
    await sample()
    const sampler = setInterval(() => void sample(), 1000)

    // The publisher: every batchMs, what is due at `rate` since the start (a late tick publishes more, not less).
    const t0 = Date.now()
    while (pub.n < total) {
      const due = Math.min(total, Math.floor(((Date.now() - t0) * rate) / 1000))
      if (due > pub.n) {
        const now = new Date()
        const batch = Array.from({ length: due - pub.n }, (_, i) => alertAt(pub.n + i, now))
        await run(c.publish(batch))
        pub.n = due
      }
      await sleep(batchMs - ((Date.now() - t0) % batchMs))
    }
    const publishMs = Date.now() - t0

    // Then: the store catches up, the pages get the rest.
    const storedNow = async () => (await run(c.store.stats)).alerts
    const caughtUp = { stored: 0 }
    const endStore = Date.now() + 120_000
    while (caughtUp.stored < total && Date.now() < endStore) {
      caughtUp.stored = await storedNow()
      if (caughtUp.stored < total) await sleep(50)
    }
    const catchUpMs = Date.now() - t0 - publishMs
    await until(() => state.received >= total * clientCount, 120_000)
    clearInterval(sampler)
    await sample()
    const cpu = process.cpuUsage(cpu0)
    loop.disable()
    child.stdin.write(`stop ${total} ${Math.round(rate * warmupSeconds)}\n`)
    await until(() => state.result !== undefined, 60_000)
    await exited
    if (state.result === undefined) throw new Error("the clients gave no result")
    return {
      store,
      published: total,
      publishMs,
      samples,
      catchUpMs,
      deliverMs: state.result.lastAt - t0,
      clients: state.result,
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 }
    }
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A console process (`--one STORE`): run, write the figures.

const store = stores[0] ?? "pglite"
if (store === "postgres" && databaseUrl === undefined) throw new Error("postgres: no PEACESTATE_TEST_DATABASE_URL")
if (!useSrc && !existsSync(join(build, "src", "console", "Console.js"))) buildOurCode()
const outcome = await runOne(store)
rmSync(assets, { recursive: true, force: true })
writeFileSync(join(work, `${store}.json`), JSON.stringify(outcome, undefined, 1))
process.exit(0)
