// Outages of the services: S3 behind a relay that can go down and come back, the broker or the S3 server
// itself stopped and started (infra.sh).
import { spawn } from "node:child_process"
import * as net from "node:net"
import { fileURLToPath } from "node:url"
import { kafkaBrokers, s3Env } from "./Infra.js"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))

export interface OutageRelay {
  readonly url: string
  /** Refuse new connections and cut the open ones, as a server that goes away. */
  readonly down: () => Promise<void>
  /** Listen again on the same port. */
  readonly up: () => Promise<void>
  readonly close: () => Promise<void>
}

/** A TCP relay to `target` (an http://host:port URL) that can go down and come back on the same port. */
export const outageRelay = (target: URL): Promise<OutageRelay> =>
  new Promise((resolve) => {
    const sockets = new Set<net.Socket>()
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname)
      const drop = () => {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      sockets.add(client)
      sockets.add(upstream)
      client.on("error", drop).on("close", drop)
      upstream.on("error", drop).on("close", drop)
      client.pipe(upstream).pipe(client)
    })
    const listen = (port: number) =>
      new Promise<number>((ok) =>
        server.listen(port, "127.0.0.1", () => ok((server.address() as net.AddressInfo).port))
      )
    const down = () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        sockets.forEach((s) => s.destroy())
      })
    void listen(0).then((port) =>
      resolve({
        url: `http://127.0.0.1:${port}`,
        down,
        up: () => listen(port).then(() => undefined),
        close: () => (server.listening ? down() : Promise.resolve())
      })
    )
  })

const portOf = (hostPort: string) => Number(hostPort.split(":").at(-1))

export const kafkaPort = () => portOf(kafkaBrokers()[0] ?? "127.0.0.1:9092")

export const s3Port = () => Number(new URL(s3Env().endpoint).port)

const infraSh = (command: string): Promise<{ readonly code: number | null; readonly text: string }> =>
  new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      KAFKA_PORT: String(kafkaPort()),
      KAFKA_CONTROLLER_PORT: process.env.KAFKA_CONTROLLER_PORT ?? String(kafkaPort() + 1),
      S3_PORT: String(s3Port())
    }
    const child = spawn("bash", [process.env.PEACESTATE_INFRA_SH ?? "infra/infra.sh", command], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"]
    })
    const out: Array<Buffer> = []
    child.stdout.on("data", (b: Buffer) => out.push(b))
    child.stderr.on("data", (b: Buffer) => out.push(b))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, text: Buffer.concat(out).toString("utf8") }))
  })

/**
 * `bash infra/infra.sh <command>` on the services the tests use: the ports come from KAFKA_BROKERS and
 * S3_ENDPOINT (KAFKA_CONTROLLER_PORT: the Kafka port + 1 unless set); PEACESTATE_INFRA_SH names another copy
 * of the script (a second instance, with its own work folder, on other ports).
 *
 * A start that reports "exited during startup" is run once more: on a busy machine infra.sh can look at the
 * new process between its fork and its exec, before the command line carries the marker it checks, and take
 * a starting server for a dead one. The second run finds the server running and waits for it to be ready
 * (or starts it, and fails again if it really cannot start).
 */
export const infraCtl = async (command: "kafka-stop" | "kafka-start" | "s3-stop" | "s3-start"): Promise<string> => {
  const first = await infraSh(command)
  if (first.code === 0) return first.text
  if (command.endsWith("-start") && first.text.includes("exited during startup")) {
    const again = await infraSh(command)
    if (again.code === 0) return `${first.text}${again.text}`
    throw new Error(`infra.sh ${command} failed twice (exit ${again.code}):\n${first.text}\n${again.text}`)
  }
  throw new Error(`infra.sh ${command} failed (exit ${first.code}):\n${first.text}`)
}

export const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.on("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.on("error", () => resolve(false))
  })
