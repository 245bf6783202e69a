// Fault: poison input on the real Kafka. 10,000 messages mixing valid reports with every class of bad
// input, produced raw. One alerter and one archiver process each read them all and exit 0: every valid
// report alerted and archived once, every bad one on the dead-letter topic with its original bytes and
// an `error` header naming the field.
import { expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import type { Message } from "kafkajs"
import { alertsOf } from "../../src/domain/AlertRule.js"
import { encodeReport } from "../../src/domain/Codec.js"
import type { Report } from "../../src/domain/Report.js"
import { reports } from "../../src/simulator/Simulator.js"
import { describeFault, withFaultRun } from "../support/FaultRun.js"
import { alertIdsOn, readRawTopic } from "../support/Faults.js"
import { endOffsets, kafka, withAdmin } from "../support/Kafka.js"
import { checkExactlyOnce, readS3Archive } from "../support/S3Archive.js"

const Total = 10_000
const Valid = 8_500
const Oversized = 5
// Above the broker default of 1 MiB and our decoder's limit; the test topics accept up to 3 MiB.
const OversizedBytes = 2 * 1024 * 1024 + 1234
const TopicMaxBytes = String(3 * 1024 * 1024)

const valid: ReadonlyArray<Report> = Chunk.toReadonlyArray(
  Effect.runSync(
    Stream.runCollect(
      reports({ seed: 11, count: Valid, drones: 40, startMs: Date.parse("2026-11-02T06:00:00Z"), alertRatio: 0.05 })
    )
  )
)

type Json = Record<string, unknown>
const base = (): Json => JSON.parse(encodeReport(valid[0]!)) as Json
const edit = (f: (r: Json) => void) => () => {
  const r = base()
  f(r)
  return JSON.stringify(r)
}
const at = (r: Json, path: ReadonlyArray<string | number>): Json =>
  path.reduce<Json>((o, k) => o[k as string] as Json, r)

/** A class of bad input: its name, the field the dead-letter reason must name, and the bytes. */
interface BadCase {
  readonly name: string
  readonly field: string
  readonly bytes: () => string | Buffer
}

const garbage = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i === 0 ? 0xff : (seed * 31 + i * 7919) % 256)))

const badCases: ReadonlyArray<BadCase> = [
  { name: "non-JSON text", field: "(root)", bytes: () => '{"schemaVersion": 1, "reportId": "x", broken' },
  { name: "plain text", field: "(root)", bytes: () => "hello drone" },
  { name: "empty payload", field: "(root)", bytes: () => Buffer.alloc(0) },
  { name: "JSON null", field: "(root)", bytes: () => "null" },
  { name: "JSON array", field: "(root)", bytes: () => "[1,2,3]" },
  { name: "JSON number", field: "(root)", bytes: () => "42" },
  { name: "binary garbage", field: "(root)", bytes: () => garbage(300, 3) },
  { name: "wrong type droneId", field: "droneId", bytes: edit((r) => void (r.droneId = 42)) },
  { name: "wrong type citizens", field: "citizens", bytes: edit((r) => void (r.citizens = "nobody")) },
  { name: "wrong type words item", field: "words[1]", bytes: edit((r) => void (r.words = ["ok", 7])) },
  { name: "wrong type location", field: "location", bytes: edit((r) => void (r.location = "here")) },
  {
    name: "wrong type speed",
    field: "telemetry.speedMps",
    bytes: edit((r) => void (at(r, ["telemetry"]).speedMps = "fast"))
  },
  {
    name: "wrong type peacescore",
    field: "citizens[0].peacescore",
    bytes: edit((r) => void (r.citizens = [{ name: "Ada", peacescore: "7" }]))
  },
  {
    name: "latitude out of range",
    field: "location.latitude",
    bytes: edit((r) => void (at(r, ["location"]).latitude = 91))
  },
  {
    name: "longitude out of range",
    field: "location.longitude",
    bytes: edit((r) => void (at(r, ["location"]).longitude = -180.5))
  },
  {
    name: "peacescore above 100",
    field: "citizens[1].peacescore",
    bytes: edit(
      (r) =>
        void (r.citizens = [
          { name: "Ada", peacescore: 5 },
          { name: "Bob", peacescore: 101 }
        ])
    )
  },
  {
    name: "peacescore not an integer",
    field: "citizens[0].peacescore",
    bytes: edit((r) => void (r.citizens = [{ name: "Ada", peacescore: 7.5 }]))
  },
  {
    name: "battery above 100",
    field: "telemetry.batteryPct",
    bytes: edit((r) => void (at(r, ["telemetry"]).batteryPct = 150))
  },
  {
    name: "negative altitude",
    field: "telemetry.altitudeM",
    bytes: edit((r) => void (at(r, ["telemetry"]).altitudeM = -1))
  },
  { name: "missing reportId", field: "reportId", bytes: edit((r) => void delete r.reportId) },
  { name: "missing telemetry", field: "telemetry", bytes: edit((r) => void delete r.telemetry) },
  {
    name: "missing citizen name",
    field: "citizens[0].name",
    bytes: edit((r) => void (r.citizens = [{ peacescore: 3 }]))
  },
  {
    name: "missing temperature",
    field: "telemetry.temperatureC",
    bytes: edit((r) => void delete at(r, ["telemetry"]).temperatureC)
  },
  { name: "empty reportId", field: "reportId", bytes: edit((r) => void (r.reportId = "")) },
  { name: "schemaVersion 2", field: "schemaVersion", bytes: edit((r) => void (r.schemaVersion = 2)) },
  { name: "schemaVersion as text", field: "schemaVersion", bytes: edit((r) => void (r.schemaVersion = "1")) },
  {
    name: "timestamp not UTC",
    field: "timestamp",
    bytes: edit((r) => void (r.timestamp = "2026-11-02T09:17:00+02:00"))
  },
  { name: "timestamp not a date", field: "timestamp", bytes: edit((r) => void (r.timestamp = "yesterday")) }
]

const oversized: BadCase = {
  name: "oversized payload",
  field: "(root)",
  bytes: edit((r) => void (r.words = Array.from({ length: Math.ceil(OversizedBytes / 10) }, () => "harmonies")))
}

interface Outgoing {
  readonly message: Message
  readonly bad: boolean
}

// Deterministic interleaving: bad messages spread through the valid ones, the oversized ones among them.
const messages = (): ReadonlyArray<Outgoing> => {
  const badCount = Total - Valid
  const bad = Array.from({ length: badCount }, (_, i): Outgoing => {
    const c = i < Oversized ? oversized : badCases[i % badCases.length]!
    return {
      bad: true,
      message: {
        key: `bad-${i % 13}`,
        value: c.bytes(),
        headers: { "case-id": String(i), "case-name": c.name, "expect-field": c.field }
      }
    }
  })
  const good = valid.map((r): Outgoing => ({ bad: false, message: { key: r.droneId, value: encodeReport(r) } }))
  const step = Total / badCount
  return Array.from({ length: Total }, (_, i) => i).reduce<{ out: Array<Outgoing>; b: number; g: number }>(
    (acc, i) => {
      const takeBad = acc.b < bad.length && Math.floor((acc.b + 0.5) * step) <= i
      acc.out.push(takeBad ? bad[acc.b]! : good[acc.g]!)
      return takeBad ? { ...acc, b: acc.b + 1 } : { ...acc, g: acc.g + 1 }
    },
    { out: [], b: 0, g: 0 }
  ).out
}

const sizeOf = (m: Message) => (m.value === null || m.value === undefined ? 0 : Buffer.byteLength(m.value))

const produceRaw = async (topic: string, all: ReadonlyArray<Outgoing>) => {
  const producer = kafka().producer({ allowAutoTopicCreation: false })
  await producer.connect()
  // Batches of at most ~512 KiB (an oversized message alone), sent in order.
  const batches = all.reduce<Array<{ size: number; messages: Array<Message> }>>((acc, o) => {
    const size = sizeOf(o.message)
    const last = acc.at(-1)
    if (last === undefined || last.size + size > 512 * 1024) acc.push({ size, messages: [o.message] })
    else {
      last.messages.push(o.message)
      last.size += size
    }
    return acc
  }, [])
  await batches.reduce(
    (p, b) => p.then(() => producer.send({ topic, messages: b.messages, acks: -1 }).then(() => undefined)),
    Promise.resolve()
  )
  await producer.disconnect()
}

describeFault("fault: poison input", () => {
  it(
    "valid reports are alerted and archived once, every bad one is dead-lettered with the field named; no consumer restarts",
    () =>
      withFaultRun("poison", { partitions: 3 }, async ({ names, alerter: alert, archiver: archive }) => {
        // The broker protects itself from 2 MB messages (1 MiB by default): these topics accept them, so they
        // reach the consumers and meet our own size check; the dead-letter topic must take them back as they are.
        const configEntries = [{ name: "max.message.bytes", value: TopicMaxBytes }]
        await withAdmin((admin) =>
          admin.createTopics({
            waitForLeaders: true,
            topics: [
              { topic: names.REPORTS_TOPIC, numPartitions: 3, configEntries },
              { topic: names.DLQ_TOPIC, numPartitions: 3, configEntries }
            ]
          })
        )
        const all = messages()
        expect(all.length).toBe(Total)
        await produceRaw(names.REPORTS_TOPIC, all)

        const alerter = alert("alert", ["--idle-exit", "5s"])
        const archiver = archive("archive", ["--idle-exit", "5s"])
        const [alerterExit, archiverExit] = await Promise.all([
          alerter.exitWithin(120_000),
          archiver.exitWithin(120_000)
        ])
        expect(alerterExit.code, alerter.stderr().slice(-4000)).toBe(0)
        expect(archiverExit.code, archiver.stderr().slice(-4000)).toBe(0)
        const badCount = Total - Valid
        // One run each, from the first record to the last: one summary line, no restart.
        expect(alerter.stderr().match(/alerter: stopped after/g)).toHaveLength(1)
        expect(alerter.stderr()).toContain(`stopped after ${Total} reports`)
        expect(alerter.stderr()).toContain(`${badCount} dead-lettered`)
        expect(archiver.stderr()).toContain(`stopped after ${Total} reports: ${Valid} archived`)
        expect(archiver.stderr()).toContain(`${badCount} bad`)

        // The archive: every valid report once; the bad ones' offsets are the only gaps.
        const files = await readS3Archive(names.S3_PREFIX)
        const check = checkExactlyOnce(names.REPORTS_TOPIC, files, await endOffsets(names.REPORTS_TOPIC), {
          contiguous: false
        })
        expect(check).toMatchObject({
          archived: Valid,
          distinctPositions: Valid,
          distinctReportIds: Valid,
          duplicatePositions: [],
          duplicateReportIds: [],
          unexpectedPositions: [],
          fileProblems: []
        })
        expect(files.flatMap((f) => f.reports.map((r) => r.report.reportId)).sort()).toStrictEqual(
          valid.map((r) => r.reportId).sort()
        )

        const expectedAlerts = valid
          .flatMap((r) => alertsOf(r, { detectedAt: new Date(0) }).map((a) => a.alertId))
          .sort()
        expect(expectedAlerts.length).toBeGreaterThan(100)
        expect(alertIdsOn(await readRawTopic(names.ALERTS_TOPIC))).toStrictEqual(expectedAlerts)

        const dlq = await readRawTopic(names.DLQ_TOPIC)
        expect(dlq.length).toBe(badCount)
        const byCase = new Map(
          all.filter((o) => o.bad).map((o) => [o.message.headers?.["case-id"] as string, o.message])
        )
        expect(new Set(dlq.map((d) => d.headers["case-id"])).size).toBe(badCount)
        expect(new Set(dlq.map((d) => `${d.headers["source.partition"]}/${d.headers["source.offset"]}`)).size).toBe(
          badCount
        )
        const wrong = dlq.flatMap((d) => {
          const original = byCase.get(d.headers["case-id"] ?? "")
          const error = d.headers["error"] ?? ""
          const problems = [
            original === undefined ? "unknown case" : "",
            error.startsWith(`${d.headers["expect-field"]}:`) ? "" : `error does not name ${d.headers["expect-field"]}`,
            original !== undefined && Buffer.compare(d.value, Buffer.from(original.value ?? Buffer.alloc(0))) !== 0
              ? "value differs from the original bytes"
              : "",
            original !== undefined && d.key !== original.key ? "key differs" : ""
          ].filter((p) => p !== "")
          return problems.length === 0
            ? []
            : [`${d.headers["case-name"]}: ${problems.join(", ")} (error: ${error.slice(0, 200)})`]
        })
        expect(wrong).toStrictEqual([])
        const oversizedErrors = dlq
          .filter((d) => d.headers["case-name"] === oversized.name)
          .map((d) => d.headers["error"])
        expect(oversizedErrors).toHaveLength(Oversized)
        oversizedErrors.forEach((e) => expect(e).toMatch(/exceeds the limit/))
        const garbageErrors = dlq
          .filter((d) => d.headers["case-name"] === "binary garbage")
          .map((d) => d.headers["error"])
        garbageErrors.forEach((e) => expect(e).toMatch(/not valid UTF-8|not valid JSON/))
      }),
    180_000
  )

  it(
    "a dead-letter topic with the broker's default size limit gets an oversized bad record truncated, and the alerter carries on",
    () =>
      withFaultRun("poison-dlq-limit", { partitions: 3 }, async ({ names, alerter: alert }) => {
        // Only the reports topic takes 3 MiB; the alerter creates the dead-letter topic with the broker's defaults.
        await withAdmin((admin) =>
          admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic: names.REPORTS_TOPIC,
                numPartitions: 3,
                configEntries: [{ name: "max.message.bytes", value: TopicMaxBytes }]
              }
            ]
          })
        )
        const big = oversized.bytes() as string
        const sent: ReadonlyArray<Outgoing> = [
          ...valid
            .slice(0, 50)
            .map((r): Outgoing => ({ bad: false, message: { key: r.droneId, value: encodeReport(r) } })),
          ...[oversized, badCases[0]!, oversized, badCases[7]!].map((c, i): Outgoing => ({
            bad: true,
            message: {
              key: "bad",
              value: c === oversized ? big : c.bytes(),
              headers: { "case-id": String(i), "case-name": c.name, "expect-field": c.field }
            }
          }))
        ]
        await produceRaw(names.REPORTS_TOPIC, sent)
        const alerter = alert("alert", ["--idle-exit", "3s"])
        expect((await alerter.exitWithin(90_000)).code, alerter.stderr().slice(-4000)).toBe(0)
        expect(alerter.stderr()).toContain("stopped after 54 reports")

        const dlq = await readRawTopic(names.DLQ_TOPIC)
        expect([...new Set(dlq.map((d) => d.headers["case-id"]))].sort()).toStrictEqual(["0", "1", "2", "3"])
        dlq.forEach((d) =>
          expect(d.headers["error"]?.startsWith(`${d.headers["expect-field"]}:`), d.headers["error"]).toBe(true)
        )
        const truncated = dlq.filter((d) => d.headers["case-name"] === oversized.name)
        expect(truncated.length).toBeGreaterThanOrEqual(2)
        truncated.forEach((d) => {
          expect(d.headers["value.truncated"]).toBe("true")
          expect(d.headers["value.bytes"]).toBe(String(Buffer.byteLength(big)))
          expect(d.value.length).toBe(900_000)
          expect(Buffer.compare(d.value, Buffer.from(big).subarray(0, 900_000))).toBe(0)
        })
      }),
    120_000
  )
})
