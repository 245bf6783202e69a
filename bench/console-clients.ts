/**
 * The live pages of bench/console.ts, in a process of their own so that their parsing does not share the console's
 * event loop: N Server-Sent-Event streams of `/api/alerts/stream` (plain node:http, one socket each), every event
 * timed on arrival against the alert's `detectedAt` (set by the publisher at publish time; one machine, one clock).
 *
 *   node --import tsx bench/console-clients.ts '{"url":"http://127.0.0.1:PORT","cookie":"…","clients":50,"capacity":N}'
 *
 * stdout, one JSON object a line: `ready` once every stream has its first bytes; `progress` every second (events so
 * far); after the line `stop <published> <steadyFrom>` on stdin, `result` (exactly-once counts per client, latency
 * percentiles over all events and over the alerts of sequence ≥ steadyFrom, this process's CPU), then it exits. Alert ids end in `-<publish sequence>/0`: a client counts each sequence it gets.
 */
import { request } from "node:http"
import { createInterface } from "node:readline"

interface Args {
  readonly url: string
  readonly cookie: string
  readonly clients: number
  /** More than the publisher will send: the size of each client's receipt counters. */
  readonly capacity: number
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`)

interface Client {
  readonly seen: Uint8Array
  buffer: string
  opened: boolean
  events: number
  unexpected: number
  resets: number
  ended: string | undefined
}

const clients: Array<Client> = Array.from({ length: args.clients }, () => ({
  seen: new Uint8Array(args.capacity),
  buffer: "",
  opened: false,
  events: 0,
  unexpected: 0,
  resets: 0,
  ended: undefined
}))
// Latency (ms) and sequence of every event every client got, in arrival order.
const latencies = new Int32Array(args.clients * args.capacity)
const sequences = new Int32Array(args.clients * args.capacity)
const fill = { n: 0, received: 0, first: 0, last: 0 }
const cpu0 = process.cpuUsage()
const t0 = Date.now()

const field = (block: string, name: string): string | undefined => {
  const at = block.indexOf(`"${name}":"`)
  if (at < 0) return undefined
  const from = at + name.length + 4
  return block.slice(from, block.indexOf('"', from))
}

const onBlock = (c: Client, block: string, now: number) => {
  if (block.startsWith(":") || block.startsWith("retry:")) return
  if (block.includes("event: reset")) {
    c.resets++
    return
  }
  if (block.includes("event: acknowledged")) return
  const alertId = field(block, "alertId")
  const detectedAt = field(block, "detectedAt")
  if (alertId === undefined || detectedAt === undefined) {
    c.unexpected++
    return
  }
  const seq = Number(alertId.slice(alertId.lastIndexOf("-") + 1, alertId.lastIndexOf("/")))
  if (!Number.isInteger(seq) || seq < 0 || seq >= args.capacity) {
    c.unexpected++
    return
  }
  c.seen[seq] = Math.min(255, c.seen[seq]! + 1)
  c.events++
  fill.received++
  if (fill.first === 0) fill.first = now
  fill.last = now
  sequences[fill.n] = seq
  latencies[fill.n++] = now - Date.parse(detectedAt)
}

const ready = { said: false }
const checkReady = () => {
  if (!ready.said && clients.every((c) => c.opened)) {
    ready.said = true
    say({ type: "ready", ms: Date.now() - t0 })
  }
}

const requests = clients.map((c) => {
  const req = request(`${args.url}/api/alerts/stream`, {
    headers: { cookie: args.cookie, accept: "text/event-stream" }
  })
  req.on("response", (res) => {
    if (res.statusCode !== 200) {
      c.ended = `status ${res.statusCode}`
      console.error(`console-clients: stream answered ${res.statusCode}`)
      process.exit(1)
    }
    res.setEncoding("utf8")
    res.on("data", (chunk: string) => {
      const now = Date.now()
      c.opened = true
      c.buffer += chunk
      const blocks = c.buffer.split("\n\n")
      c.buffer = blocks.pop() ?? ""
      blocks.forEach((b) => onBlock(c, b, now))
      checkReady()
    })
    res.on("end", () => {
      c.ended ??= "ended by the server"
    })
  })
  req.on("error", (e) => {
    c.ended = e.message
  })
  req.end()
  return req
})

const progress = setInterval(
  () =>
    say({
      type: "progress",
      t: Date.now(),
      received: fill.received,
      resets: clients.reduce((n, c) => n + c.resets, 0)
    }),
  1000
)

const quantile = (sorted: Int32Array, q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const percentiles = (xs: Int32Array) => {
  const sorted = xs.sort()
  return {
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]!,
    min: sorted.length === 0 ? NaN : sorted[0]!
  }
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const m = /^stop (\d+) (\d+)$/.exec(line.trim())
  if (m === null) return
  clearInterval(progress)
  const published = Number(m[1])
  const steadyFrom = Number(m[2])
  const perClient = clients.map((c) => {
    const counts = { once: 0, missing: 0, duplicated: 0 }
    for (let i = 0; i < published; i++) {
      const n = c.seen[i]!
      if (n === 0) counts.missing++
      else if (n === 1) counts.once++
      else counts.duplicated++
    }
    const beyond = c.seen.subarray(published).reduce((n, x) => n + (x > 0 ? 1 : 0), 0)
    return { ...counts, beyond, unexpected: c.unexpected, resets: c.resets, ended: c.ended }
  })
  const all = latencies.subarray(0, fill.n)
  const steady = all.filter((_, i) => sequences[i]! >= steadyFrom)
  const cpu = process.cpuUsage(cpu0)
  say({
    type: "result",
    clients: clients.length,
    received: fill.received,
    exactlyOnce: perClient.filter((c) => c.once === published && c.duplicated === 0 && c.beyond === 0).length,
    missing: perClient.reduce((n, c) => n + c.missing, 0),
    duplicated: perClient.reduce((n, c) => n + c.duplicated, 0),
    unexpected: perClient.reduce((n, c) => n + c.unexpected + c.beyond, 0),
    resets: perClient.reduce((n, c) => n + c.resets, 0),
    ended: perClient.filter((c) => c.ended !== undefined).map((c) => c.ended),
    firstAt: fill.first,
    lastAt: fill.last,
    latencyMs: percentiles(all.slice()),
    // Only the alerts published from `steadyFrom` on (after the warm-up).
    steadyLatencyMs: percentiles(steady),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: Date.now() - t0,
    maxRssMb: process.resourceUsage().maxRSS / 1024
  })
  requests.forEach((r) => r.destroy())
  process.exit(0)
})
