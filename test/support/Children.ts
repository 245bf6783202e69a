// The CLI components as long-running child processes: spawn, capture, signal, await the exit with a timeout.
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import "./ServicesEnv.js"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
const entry = fileURLToPath(new URL("./cli.ts", import.meta.url))

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
export const startCli = (
  name: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {}
): Proc => {
  const startedAt = Date.now()
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
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
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(`${name}: no ${pattern} on stderr within ${timeoutMs} ms; stderr tail:\n${tail(stderr())}`)
              )
            ),
          timeoutMs
        )
        waiters.add(check)
        void exit.then(() => {
          if (!waiters.has(check)) return
          check()
          if (waiters.has(check))
            finish(() =>
              reject(new Error(`${name} exited before ${pattern} appeared on stderr; stderr tail:\n${tail(stderr())}`))
            )
        })
        check()
      }),
    exitWithin: (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined
      return Promise.race([
        exit,
        new Promise<Exit>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${name} did not exit within ${timeoutMs} ms; stderr tail:\n${tail(stderr())}`)),
            timeoutMs
          )
        })
      ]).finally(() => clearTimeout(timer))
    }
  }
  live.add(proc)
  void exit.then(() => live.delete(proc))
  return proc
}

export const tail = (text: string, lines = 40) => text.split("\n").slice(-lines).join("\n")

/** Run `peacestate <args>` to its end; fails (with the stderr tail) when it does not exit 0 within `timeoutMs`. */
export const runToEnd = async (
  name: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 120_000
) => {
  const proc = startCli(name, args, env)
  const exit = await proc.exitWithin(timeoutMs).catch((e: unknown) => {
    proc.signal("SIGKILL")
    throw e
  })
  if (exit.code !== 0)
    throw new Error(`${name} exited with ${exit.code ?? exit.signal}; stderr tail:\n${tail(proc.stderr())}`)
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
  if (exit.code !== 0)
    throw new Error(`${proc.name} exited with ${exit.code ?? exit.signal}; stderr tail:\n${tail(proc.stderr())}`)
  return exit
}
