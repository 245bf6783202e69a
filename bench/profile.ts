/**
 * Where a process's CPU time went, from V8 CPU profiles (`node --cpu-prof`, or `BENCH_PROF_DIR=dir` for the latency
 * benchmark's children): self time per function and per package/folder, the idle and GC shares, top N.
 *
 *   node bench/profile.ts FILE.cpuprofile [N]
 */
import { readFileSync } from "node:fs"

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: Array<number>
}
interface Profile {
  nodes: Array<Node>
  samples: Array<number>
  timeDeltas: Array<number>
}

const file = process.argv[2]
if (file === undefined) {
  console.error("usage: node bench/profile.ts FILE.cpuprofile [N]")
  process.exit(2)
}
const top = Number(process.argv[3] ?? 25)
const p = JSON.parse(readFileSync(file, "utf8")) as Profile
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)

const where = (url: string) => {
  if (url === "") return "(native/V8)"
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m !== null) return m[1]!
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0]
  const s = /\/(src|dist\/src|bench)\/(.*)\//.exec(url)
  return s !== null ? `${s[1]}/${s[2]}` : url.split("/").slice(-2).join("/")
}
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v)
const fns = new Map<string, number>()
const places = new Map<string, number>()
self.forEach((us, id) => {
  const n = byId.get(id)!
  const f = n.callFrame
  const name = f.functionName || "(anonymous)"
  const file = f.url.split("/").slice(-1)[0] ?? ""
  add(fns, `${name} ${file}:${f.lineNumber + 1}`.trim(), us)
  add(places, ["(idle)", "(program)", "(garbage collector)"].includes(name) ? name : where(f.url), us)
})
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`
const busy = total - (places.get("(idle)") ?? 0)
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${pct(busy)})`)
console.log(`\nself time by package / folder (share of busy time):`)
;[...places.entries()]
  .filter(([k]) => k !== "(idle)")
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
  .forEach(([k, us]) => console.log(`${ms(us)} ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`))
console.log(`\nself time by function:`)
;[...fns.entries()]
  .filter(([k]) => !k.startsWith("(idle)"))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)
  .forEach(([k, us]) => console.log(`${ms(us)} ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`))
