/** 4. The archiver to S3 (the CLI `archive` command as child processes), one vs two instances. */
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3"
import { spawn, spawnSync } from "node:child_process"
import { alternate, fmt, median, sleep } from "./common.js"
import { committedTotal, out, P, rate, run, s3 as s3Target, secs, useSrc } from "./setup.js"

const deletePrefix = async (client: S3Client, bucket: string, prefix: string) => {
  let token: string | undefined
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })
    )
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }))
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }))
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined
  } while (token !== undefined)
}
export const archive = async (sharedTopic: string) => {
  const s3 = s3Target
  if (s3 === undefined) {
    out(`\n4. archiver to S3: skipped (no S3_ENDPOINT; eval "$(bash infra/infra.sh env)")`)
  } else {
    const n = P.throughputReports
    // the built CLI, as deployed (test/support/cli.ts runs the same command from the sources through tsx)
    const archiveCli = useSrc ? ["--import", "tsx", "test/support/cli.ts"] : ["bin/peacestate.js"]
    const startup = (() => {
      const t = performance.now()
      spawnSync(process.execPath, [...archiveCli, "archive", "--help"], { stdio: "ignore" })
      return performance.now() - t
    })()
    const prefixes: Array<string> = []
    const archive = async (instances: number, tag: string) => {
      const group = `${run}.${tag}.archiver`
      const prefix = `${run}-${tag}`
      prefixes.push(prefix)
      const t0 = performance.now()
      const children = Array.from({ length: instances }, () =>
        spawn(
          process.execPath,
          [...archiveCli, "archive", "--idle-exit", "3s", "--target", `s3://${s3.bucket}/${prefix}`],
          {
            env: { ...process.env, REPORTS_TOPIC: sharedTopic, ARCHIVER_GROUP: group, LOG_LEVEL: "info" },
            stdio: ["ignore", "ignore", "pipe"]
          }
        )
      )
      const logs = children.map((c) => {
        const buf = { text: "" }
        c.stderr.on("data", (d: Buffer) => {
          buf.text += d.toString()
        })
        return buf
      })
      const exits = children.map((c) => new Promise<number | null>((resolve) => c.on("exit", resolve)))
      // committed offsets over time: the archiver commits each file once it is stored
      let doneAt = 0
      let firstAt = 0
      let first = 0
      let at80 = 0
      let c80 = 0
      const until = Date.now() + 180_000
      while (doneAt === 0 && Date.now() < until) {
        const c = await committedTotal(sharedTopic, group).catch(() => 0)
        const now = performance.now()
        if (c > 0 && firstAt === 0) [firstAt, first] = [now, c]
        if (c >= 0.8 * n && at80 === 0) [at80, c80] = [now, c]
        if (c >= n) doneAt = now
        else await sleep(50)
      }
      const codes = await Promise.all(exits)
      const archivedEach = logs.map((l) => Number(/(\d+) archived in/.exec(l.text)?.[1] ?? 0))
      const archived = archivedEach.reduce((x, y) => x + y, 0)
      const files = logs.reduce((x, l) => x + Number(/archived in (\d+) files/.exec(l.text)?.[1] ?? 0), 0)
      if (doneAt === 0 || archived !== n || codes.some((c) => c !== 0)) {
        throw new Error(
          `archive ×${instances}: exits ${codes.join(",")}, ${archived} archived of ${n}\n${logs.map((l) => l.text.slice(-1500)).join("\n")}`
        )
      }
      // steady rate: between the first commit and 80 % committed (leaves out start-up and the idle flush of the last, partial files)
      const steady = at80 > firstAt ? ((c80 - first) / (at80 - firstAt)) * 1000 : NaN
      return { ms: doneAt - t0, files, steady, archivedEach, firstCommitMs: firstAt - t0 }
    }
    type Run = Awaited<ReturnType<typeof archive>>
    const one: Array<Run> = []
    const two: Array<Run> = []
    const show = (x: Run) =>
      `${secs(x.ms)} (${rate(n, x.ms)}; steady ${fmt(x.steady)}/s; first commit after ${secs(x.firstCommitMs)}; ${x.files} files; archived ${x.archivedEach.map(fmt).join(" + ")})`
    out(
      `\n4. archiver to S3 (S3Proxy), ${fmt(n)} reports on ${P.partitions} partitions, \`node ${archiveCli.join(" ")} archive --idle-exit 3s --target s3://${s3.bucket}/<unique>\` child processes, timed from spawn until the group's committed offsets reach the end (the archiver commits after each file is stored); ${P.archiveRounds} interleaved rounds (median):`
    )
    for (let r = 0; r < P.archiveRounds; r++) {
      const a = async () => {
        one.push(await archive(1, `arc${r}x1`))
      }
      const b = async () => {
        two.push(await archive(2, `arc${r}x2`))
      }
      await alternate(r, a, b)
      out(`  round ${r + 1}: one instance ${show(one[r]!)}`)
      out(`           two instances ${show(two[r]!)}`)
    }
    const m1 = median(one.map((x) => x.ms))
    const m2 = median(two.map((x) => x.ms))
    const s1 = median(one.map((x) => x.steady))
    const s2 = median(two.map((x) => x.steady))
    out(`   one instance   ${rate(n, m1).padStart(10)} all archived (${secs(m1)}),  steady ${fmt(s1)}/s`)
    out(
      `   two instances  ${rate(n, m2).padStart(10)} all archived (${secs(m2)}),  steady ${fmt(s2)}/s  → ${(m1 / m2).toFixed(2)}× one instance end to end, ${(s2 / s1).toFixed(2)}× steady`
    )
    out(
      `   (end to end includes process start-up — \`archive --help\` alone takes ${secs(startup)} — and the last, partial file of each partition, written on the idle flush / --idle-exit;`
    )
    out(
      `    steady = committed-offset rate between the first commit and 80 % committed. Verified: every run archived all ${fmt(n)} reports exactly once, per the archivers' summaries.)`
    )
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: process.env.S3_REGION ?? "us-east-1",
      forcePathStyle: true
    })
    for (const p of prefixes)
      await deletePrefix(client, s3.bucket, `${p}/`).catch((e: unknown) =>
        out(`   (could not delete s3://${s3.bucket}/${p}: ${String(e)})`)
      )
    client.destroy()
  }
}
