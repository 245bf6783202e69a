// vitest globalSetup: real Kafka + S3 for the tests (CONTRACT §7).
//
// - KAFKA_BROKERS and S3_ENDPOINT both set: use those services as they are.
// - PEACESTATE_SKIP_INFRA=1: no services; the Kafka/S3 tests skip and say why (never set this in CI).
// - otherwise: `bash infra/infra.sh up` (idempotent), and on teardown stop only the services this
//   setup started (a service that was already running is left alone).
import { spawnSync } from "node:child_process"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"
import type { InfraInfo } from "./Infra.js"
import { InfraEnvKeys } from "./InfraKeys.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const script = "infra/infra.sh"

const EnvKeys: ReadonlyArray<string> = InfraEnvKeys

const infraSh = (...args: ReadonlyArray<string>) => {
  const result = spawnSync("bash", [script, ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"]
  })
  return { code: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "", error: result.error }
}

/** `export A=1 B=2 ...` (the last such line of `infra.sh up`) → { A: "1", B: "2" }. */
export const parseExportLine = (stdout: string): Record<string, string> => {
  const line = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("export "))
    .at(-1)
  if (line === undefined) return {}
  return Object.fromEntries(
    line
      .slice("export ".length)
      .split(/\s+/)
      .filter((kv) => kv.includes("="))
      .map((kv) => {
        const i = kv.indexOf("=")
        return [kv.slice(0, i), kv.slice(i + 1).replace(/^(['"])(.*)\1$/, "$2")]
      })
  )
}

const Separator = "----- infra up -----"

/** `infra.sh status` then `infra.sh up`, holding a lock (flock, where available) across both. */
const statusThenUp = () => {
  const steps = `bash ${script} status; echo "${Separator}"; bash ${script} up`
  const hasFlock = spawnSync("flock", ["--version"], { stdio: "ignore" }).status === 0
  const lock = join(tmpdir(), "peacestate-infra-up.lock")
  const result = hasFlock
    ? spawnSync("flock", ["-w", "600", lock, "bash", "-c", steps], {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"]
      })
    : spawnSync("bash", ["-c", steps], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  const [status = "", upOut = ""] = (result.stdout ?? "").split(Separator)
  return { code: result.status ?? -1, status, stdout: upOut, stderr: result.stderr ?? "", error: result.error }
}

const running = (statusOut: string, service: "kafka" | "s3proxy" | "postgresql") =>
  statusOut.split("\n").some((l) => l.startsWith(`${service}:`) && l.includes("running"))

const fromEnv = (env: Record<string, string | undefined>): InfraInfo["env"] =>
  Object.fromEntries(EnvKeys.flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]])))

// The console's page, bundled from its sources (fast): the console tests serve what the sources say now.
const buildPage = () => {
  const result = spawnSync(process.execPath, ["scripts/bundle.mjs", "--web-only"], { cwd: root, encoding: "utf8" })
  if (result.status !== 0) console.error(`[globalSetup] bundling the console page failed:\n${result.stderr}`)
}

export default function setup(project: TestProject) {
  buildPage()
  if (process.env.PEACESTATE_SKIP_INFRA === "1") {
    project.provide("infra", {
      available: false,
      reason: "PEACESTATE_SKIP_INFRA=1: Kafka/S3 tests are skipped",
      env: {}
    })
    return
  }
  if (process.env.KAFKA_BROKERS && process.env.S3_ENDPOINT) {
    project.provide("infra", { available: true, reason: "services from the environment", env: fromEnv(process.env) })
    return
  }

  // status + up under one lock: two test runs starting at once must not both launch a broker.
  const started = Date.now()
  const up = statusThenUp()
  const wasRunning = {
    kafka: running(up.status, "kafka"),
    s3proxy: running(up.status, "s3proxy"),
    postgresql: running(up.status, "postgresql")
  }
  if (up.code !== 0) {
    throw new Error(
      `bash ${script} up failed (exit ${up.code}${up.error ? `, ${up.error.message}` : ""}); ` +
        `set PEACESTATE_SKIP_INFRA=1 to skip the Kafka/S3 tests.\n${up.stderr.split("\n").slice(-30).join("\n")}`
    )
  }
  const env = fromEnv(parseExportLine(up.stdout))
  if (env.KAFKA_BROKERS === undefined || env.S3_ENDPOINT === undefined) {
    throw new Error(`bash ${script} up printed no export line with KAFKA_BROKERS and S3_ENDPOINT:\n${up.stdout}`)
  }
  // Child processes (CLI tests) inherit these; tests read them through inject("infra").
  Object.assign(process.env, env)
  const reason =
    wasRunning.kafka && wasRunning.s3proxy && wasRunning.postgresql
      ? "already running"
      : `started by the test run in ${Math.round((Date.now() - started) / 1000)} s`
  project.provide("infra", { available: true, reason, env })

  return () => {
    // Stop only what this run started, one service at a time.
    if (!wasRunning.kafka) infraSh("kafka-stop")
    if (!wasRunning.s3proxy) infraSh("s3-stop")
    if (!wasRunning.postgresql) infraSh("pg-stop")
  }
}
