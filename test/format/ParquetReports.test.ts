import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api"
import { Effect, Either, Option } from "effect"
import fc from "fast-check"
import { parquetReadObjects } from "hyparquet"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { readReportColumns, readReportColumnsEither, type ReportColumns } from "../../src/analyzer/Columns.js"
import type { ArchivedReport } from "../../src/format/ArchivedReport.js"
import { decodeReports, decodeReportsEither, readSourcePositions } from "../../src/format/DecodeReports.js"
import { decompressors } from "../../src/format/Decompressors.js"
import { encodeReports } from "../../src/format/EncodeReports.js"
import { readFileMeta, readFileMetaRanged } from "../../src/format/FileMeta.js"
import { MetaKeys } from "../../src/format/FormatKeys.js"
import { ParquetDecodeError } from "../../src/format/ParquetDecodeError.js"
import type { Report } from "../../src/domain/Report.js"
import { makeGenerator } from "../../src/domain/Generator.js"

// --- fixtures --------------------------------------------------------------------------------------

const generated = (n: number, partition = 3, firstOffset = 3_000_000_000): ReadonlyArray<ArchivedReport> => {
  const generate = makeGenerator({ seed: 11, drones: 50, startMs: Date.UTC(2026, 10, 2, 9, 0, 0), alertRatio: 0.05 })
  return Array.from({ length: n }, (_, i) => ({ report: generate(i), partition, offset: firstOffset + i }))
}

const report = (over: Partial<Report> = {}): Report => ({
  schemaVersion: 1,
  reportId: "pw-0042-000000017",
  droneId: "pw-0042",
  timestamp: "2026-11-02T09:17:00.000Z",
  location: { latitude: 48.80123, longitude: 2.35456 },
  citizens: [{ name: "Ada Morel", peacescore: 87 }],
  words: ["harmony", "queue"],
  telemetry: { batteryPct: 87.5, altitudeM: 120.3, speedMps: 12.45, temperatureC: -3.5 },
  ...over
})

const edgeCases: ReadonlyArray<ArchivedReport> = [
  { report: report(), partition: 0, offset: 0 },
  { report: report({ citizens: [], words: [] }), partition: 0, offset: 1 },
  { report: report({ citizens: [], words: ["only-words"] }), partition: 0, offset: 2 },
  { report: report({ citizens: [{ name: "Zoë Ångström", peacescore: 0 }], words: [] }), partition: 0, offset: 3 },
  {
    report: report({
      reportId: "pw-0001-000000001",
      citizens: [
        { name: "李小龍", peacescore: 100 },
        { name: "Ωmega 🐢 e\u0301", peacescore: 19 },
        { name: "Ada Morel", peacescore: 20 }
      ],
      words: ["", "🙂", "protest", "protest"]
    }),
    partition: 7,
    offset: 2 ** 31 + 5
  },
  { report: report({ timestamp: "2026-11-02T09:17:00Z" }), partition: 7, offset: 2 ** 40 },
  { report: report({ timestamp: "2026-11-02T09:17:00.123456789Z" }), partition: 7, offset: Number.MAX_SAFE_INTEGER },
  {
    report: report({ timestamp: "1999-12-31T23:59:59.9Z", location: { latitude: -90, longitude: 180 } }),
    partition: 2_147_483_647,
    offset: 9
  }
]

/** The columns readReportColumns must produce, computed from the input. */
const expectedColumns = (records: ReadonlyArray<ArchivedReport>) => {
  const reports = records.map((r) => r.report)
  const offsets = (sizes: ReadonlyArray<number>) => [
    0,
    ...sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0))
  ]
  return {
    rows: reports.length,
    timestampMs: reports.map((r) => Date.parse(r.timestamp)),
    latitude: reports.map((r) => r.location.latitude),
    longitude: reports.map((r) => r.location.longitude),
    citizenOffsets: offsets(reports.map((r) => r.citizens.length)),
    citizenNames: reports.flatMap((r) => r.citizens.map((c) => c.name)),
    citizenScores: reports.flatMap((r) => r.citizens.map((c) => c.peacescore)),
    wordOffsets: offsets(reports.map((r) => r.words.length)),
    words: reports.flatMap((r) => r.words)
  }
}

const plainColumns = (c: ReportColumns) => ({
  rows: c.rows,
  timestampMs: Array.from(c.timestampMs),
  latitude: Array.from(c.latitude),
  longitude: Array.from(c.longitude),
  citizenOffsets: Array.from(c.citizenOffsets),
  citizenNames: [...c.citizenNames],
  citizenScores: Array.from(c.citizenScores),
  wordOffsets: Array.from(c.wordOffsets),
  words: [...c.words]
})

const decode = (bytes: Uint8Array) => Effect.runPromise(decodeReports(bytes))

let dir = ""
let duck: DuckDBInstance
let con: DuckDBConnection

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "peacestate-parquet-"))
  duck = await DuckDBInstance.create(":memory:", { threads: "1" })
  con = await duck.connect()
})

afterAll(() => {
  con.closeSync()
  duck.closeSync()
  rmSync(dir, { recursive: true, force: true })
})

const writeTemp = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

const rows = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson()

// --- round trip ----------------------------------------------------------------------------------

describe("encodeReports / decodeReports", () => {
  it("round-trips edge cases: empty lists, unicode, offsets beyond 2^31, non-canonical timestamps", async () => {
    const bytes = encodeReports(edgeCases)
    expect(await decode(bytes)).toEqual(edgeCases)
  })

  it("round-trips realistic reports over several row groups and pages", async () => {
    const records = generated(5_000)
    const bytes = encodeReports(records, { rowGroupRows: 1_500, pageSize: 4_096 })
    expect(await decode(bytes)).toEqual(records)
    expect(readFileMeta(bytes).pipe(Either.map((m) => m.rows))).toEqual(Either.right(5_000))
  })

  it("round-trips an empty batch", async () => {
    const bytes = encodeReports([])
    expect(await decode(bytes)).toEqual([])
    expect(plainColumns(await readReportColumns(bytes))).toEqual(expectedColumns([]))
  })

  it("round-trips arbitrary reports (property)", () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)) // -0 may come back as 0
    const instant = fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) })
    const timestamp = fc.tuple(instant, fc.constantFrom("canonical", "seconds", "micros")).map(([ms, form]) => {
      const iso = new Date(ms).toISOString()
      return form === "canonical" ? iso : form === "seconds" ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 23)}456Z`
    })
    const text = fc.string({ unit: "grapheme", maxLength: 12 })
    const archived = fc.record({
      report: fc.record({
        schemaVersion: fc.constant(1 as const),
        reportId: text.filter((s) => s.length > 0),
        droneId: text.filter((s) => s.length > 0),
        timestamp,
        location: fc.record({
          latitude: fc.double({ min: -90, max: 90, noNaN: true }).map((x) => x + 0),
          longitude: fc.double({ min: -180, max: 180, noNaN: true }).map((x) => x + 0)
        }),
        citizens: fc.array(
          fc.record({ name: text.filter((s) => s.length > 0), peacescore: fc.integer({ min: 0, max: 100 }) }),
          { maxLength: 5 }
        ),
        words: fc.array(text, { maxLength: 7 }),
        telemetry: fc.record({ batteryPct: finite, altitudeM: finite, speedMps: finite, temperatureC: finite })
      }),
      partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      offset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
    })
    fc.assert(
      fc.property(fc.array(archived, { maxLength: 40 }), fc.integer({ min: 1, max: 16 }), (records, rowGroupRows) => {
        const bytes = encodeReports(records, { rowGroupRows })
        expect(Either.getOrThrow(decodeReportsEither(bytes))).toEqual(records)
        expect(plainColumns(Either.getOrThrow(readReportColumnsEither(bytes)))).toEqual(expectedColumns(records))
      }),
      { numRuns: 60 }
    )
  })

  it("is much smaller than JSON", () => {
    const records = generated(20_000)
    const json = records.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.report)), 0)
    expect(encodeReports(records).length / json).toBeLessThan(0.25)
  })
})

// --- the analyzer's reader -------------------------------------------------------------------------

describe("readReportColumns", () => {
  it("agrees with decodeReports and with the input", async () => {
    const records = [...generated(3_000), ...edgeCases]
    const bytes = encodeReports(records, { rowGroupRows: 1_000, pageSize: 8_192 })
    const columns = plainColumns(await readReportColumns(bytes))
    expect(columns).toEqual(expectedColumns(await decode(bytes)))
    expect(columns).toEqual(expectedColumns(records))
  })

  it("agrees with hyparquet's reference reader", async () => {
    const records = generated(2_000)
    const bytes = encodeReports(records)
    const objects = await parquetReadObjects({
      file: bytes.slice().buffer,
      columns: ["timestamp", "latitude", "longitude", "citizens", "words"],
      compressors: decompressors
    })
    const c = await readReportColumns(bytes)
    expect(Array.from(c.timestampMs)).toEqual(objects.map((o) => (o["timestamp"] as Date).getTime()))
    expect(Array.from(c.latitude)).toEqual(objects.map((o) => o["latitude"]))
    expect([...c.citizenNames]).toEqual(
      objects.flatMap((o) => (o["citizens"] as Array<{ name: string }>).map((x) => x.name))
    )
    expect([...c.words]).toEqual(objects.flatMap((o) => o["words"] as Array<string>))
  })

  it("accepts an ArrayBuffer as well as a Uint8Array", async () => {
    const bytes = encodeReports(edgeCases)
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    expect(plainColumns(await readReportColumns(buffer))).toEqual(expectedColumns(edgeCases))
  })

  it("rejects garbage with a ParquetDecodeError (no throw)", async () => {
    const garbage = new TextEncoder().encode("this is not a parquet file at all, PAR1")
    expect(Either.isLeft(readReportColumnsEither(garbage))).toBe(true)
    await expect(readReportColumns(garbage)).rejects.toBeInstanceOf(ParquetDecodeError)
    const truncated = encodeReports(generated(100)).slice(0, 500)
    expect(Either.isLeft(readReportColumnsEither(truncated))).toBe(true)
    expect(Either.isLeft(decodeReportsEither(truncated))).toBe(true)
    const result = await Effect.runPromise(Effect.either(decodeReports(garbage)))
    expect(Either.isLeft(result) && result.left._tag === "ParquetDecodeError").toBe(true)
  })
})

// --- interoperability ------------------------------------------------------------------------------

describe("DuckDB", () => {
  const expectedTypes = {
    report_id: "VARCHAR",
    drone_id: "VARCHAR",
    timestamp: "TIMESTAMP WITH TIME ZONE",
    latitude: "DOUBLE",
    longitude: "DOUBLE",
    citizens: 'STRUCT("name" VARCHAR, peacescore INTEGER)[]',
    words: "VARCHAR[]",
    battery_pct: "DOUBLE",
    altitude_m: "DOUBLE",
    speed_mps: "DOUBLE",
    temperature_c: "DOUBLE",
    source_partition: "INTEGER",
    source_offset: "BIGINT"
  }

  it("reads our file with the contract column names, types and values", async () => {
    const records = [...edgeCases, ...generated(2_000, 5, 10_000_000_000)]
    const file = writeTemp("ours.parquet", encodeReports(records, { rowGroupRows: 700 }))
    const described = await rows(`DESCRIBE SELECT * FROM read_parquet('${file}')`)
    const types = Object.fromEntries(described.map((r) => [r["column_name"], r["column_type"]]))
    expect(types).toMatchObject(expectedTypes)

    const read = await rows(
      `SELECT report_id, drone_id, epoch_ms(timestamp) AS ms, latitude, longitude, citizens, words,
              battery_pct, altitude_m, speed_mps, temperature_c, source_partition, source_offset
       FROM read_parquet('${file}')`
    )
    expect(read).toEqual(
      records.map(({ report: r, partition, offset }) => ({
        report_id: r.reportId,
        drone_id: r.droneId,
        ms: String(Date.parse(r.timestamp)),
        latitude: r.location.latitude,
        longitude: r.location.longitude,
        citizens: r.citizens.map((c) => ({ name: c.name, peacescore: c.peacescore })),
        words: [...r.words],
        battery_pct: r.telemetry.batteryPct,
        altitude_m: r.telemetry.altitudeM,
        speed_mps: r.telemetry.speedMps,
        temperature_c: r.telemetry.temperatureC,
        source_partition: partition,
        source_offset: String(offset)
      }))
    )
    // Row-group pruning on (truncated) string statistics must not lose rows.
    const ids = records.map((r) => r.report.reportId).sort()
    for (const id of [ids[0]!, ids[ids.length - 1]!, ids[1_000]!]) {
      const n = records.filter((r) => r.report.reportId === id).length
      expect(
        await rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file}') WHERE report_id = '${id}'`)
      ).toEqual([{ n }])
    }
    const schema = await rows(
      `SELECT name, type, converted_type, logical_type, repetition_type FROM parquet_schema('${file}') WHERE name IN ('timestamp', 'list', 'citizens', 'words')`
    )
    expect(schema.find((r) => r["name"] === "timestamp")?.["logical_type"]).toMatch(/isAdjustedToUTC=1.*MILLIS/)
    expect(schema.filter((r) => r["name"] === "list").map((r) => r["repetition_type"])).toEqual([
      "REPEATED",
      "REPEATED"
    ])
  })

  it("reads a hive-partitioned archive with a glob", async () => {
    const root = join(dir, "archive")
    const files = [
      ["dt=2026-11-02/p=3", generated(300, 3, 0)],
      ["dt=2026-11-03/p=4", generated(200, 4, 0)]
    ] as const
    files.forEach(([sub, records], i) => {
      mkdirSync(join(root, "reports", sub), { recursive: true })
      writeFileSync(join(root, "reports", sub, `part-${i}.parquet`), encodeReports(records))
    })
    const result = await rows(
      `SELECT p, count(*)::INTEGER AS n, sum(len(citizens))::INTEGER AS citizens
       FROM read_parquet('${root}/reports/**/*.parquet', hive_partitioning = true) GROUP BY p ORDER BY p`
    )
    expect(result).toEqual(
      files.map(([, records], i) => ({
        p: String(3 + i),
        n: records.length,
        citizens: records.reduce((s, r) => s + r.report.citizens.length, 0)
      }))
    )
  })

  it("files written by someone else with only the contract columns are readable (general path)", async () => {
    const records = [...generated(1_500), ...edgeCases.filter((r) => r.report.timestamp.length === 24)]
    const ours = writeTemp("source.parquet", encodeReports(records))
    const contract = Object.keys(expectedTypes).join(", ")
    const expected = expectedColumns(records)
    // DuckDB writes optional fields, page v1, TIMESTAMP in microseconds, its own dictionaries.
    await Promise.all(
      ["snappy", "gzip", "uncompressed"].map(async (codec) => {
        const theirs = join(dir, `foreign-${codec}.parquet`)
        await con.run(
          `COPY (SELECT ${contract} FROM read_parquet('${ours}')) TO '${theirs}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1000)`
        )
        const bytes = readFileSync(theirs)
        expect(plainColumns(await readReportColumns(bytes))).toEqual(expected)
        expect(await decode(bytes)).toEqual(records)
        const meta = Either.getOrThrow(readFileMeta(bytes))
        expect(Option.getOrNull(meta.minOffset)).toBe(Math.min(...records.map((r) => r.offset)))
        expect(Option.getOrNull(meta.maxOffset)).toBe(Math.max(...records.map((r) => r.offset)))
      })
    )
  })

  it("nullable lists and fields written by someone else read as empty / defaults", async () => {
    const theirs = join(dir, "nulls.parquet")
    await con.run(`COPY (
      SELECT * FROM (VALUES
        (TIMESTAMPTZ '2026-11-02 09:17:00.123+00', 48.8::DOUBLE, 2.3::DOUBLE, NULL::STRUCT(name VARCHAR, peacescore INTEGER)[], ['a', NULL, 'b']),
        (TIMESTAMPTZ '2026-11-02 09:18:00+00', NULL, 2.4::DOUBLE, [{'name': 'x', 'peacescore': 5}, NULL, {'name': NULL, 'peacescore': 7}], NULL),
        (NULL, 48.9::DOUBLE, 2.5::DOUBLE, [], [])
      ) AS t(timestamp, latitude, longitude, citizens, words)
    ) TO '${theirs}' (FORMAT parquet)`)
    const c = plainColumns(await readReportColumns(readFileSync(theirs)))
    expect(c).toEqual({
      rows: 3,
      timestampMs: [Date.parse("2026-11-02T09:17:00.123Z"), Date.parse("2026-11-02T09:18:00Z"), Number.NaN],
      latitude: [48.8, Number.NaN, 48.9],
      longitude: [2.3, 2.4, 2.5],
      citizenOffsets: [0, 0, 3, 3],
      citizenNames: ["x", "", ""],
      citizenScores: [5, 0, 7],
      wordOffsets: [0, 3, 3, 3],
      words: ["a", "", "b"]
    })
  })

  it("integer DECIMAL coordinates are scaled", async () => {
    const theirs = join(dir, "decimal.parquet")
    await con.run(`COPY (SELECT TIMESTAMPTZ '2026-11-02 09:17:00+00' AS timestamp, 48.81234::DECIMAL(7,5) AS latitude, 2.3::DECIMAL(3,1) AS longitude,
      [{'name': 'x', 'peacescore': 5}] AS citizens, ['w'] AS words) TO '${theirs}' (FORMAT parquet)`)
    const c = await readReportColumns(readFileSync(theirs))
    expect([c.latitude[0], c.longitude[0]]).toEqual([48.81234, 2.3])
  })

  it("a file without a contract column is a MissingColumn error", async () => {
    const theirs = join(dir, "partial.parquet")
    await con.run(`COPY (SELECT 1::BIGINT AS source_offset, 2.0 AS latitude) TO '${theirs}' (FORMAT parquet)`)
    const result = readReportColumnsEither(readFileSync(theirs))
    expect(Either.isLeft(result) && result.left.reason).toBe("MissingColumn")
  })
})

// --- footer metadata -------------------------------------------------------------------------------

describe("footer metadata", () => {
  const records = generated(1_000, 9, 2 ** 33)
  const bytes = encodeReports(records, { rowGroupRows: 300 })

  it("carries the partition, first/last and min/max offsets and the count", () => {
    const meta = Either.getOrThrow(readFileMeta(bytes))
    expect(meta.rows).toBe(1_000)
    expect(meta.partition).toEqual(Option.some(9))
    expect(meta.firstOffset).toEqual(Option.some(2 ** 33))
    expect(meta.lastOffset).toEqual(Option.some(2 ** 33 + 999))
    expect(meta.minOffset).toEqual(Option.some(2 ** 33))
    expect(meta.maxOffset).toEqual(Option.some(2 ** 33 + 999))
    expect(meta.keyValue.get(MetaKeys.count)).toBe("1000")
  })

  it("omits the partition when rows come from several", () => {
    const mixed = encodeReports([...generated(10, 1), ...generated(10, 2, 0)])
    const meta = Either.getOrThrow(readFileMeta(mixed))
    expect(meta.partition).toEqual(Option.none())
    expect(meta.minOffset).toEqual(Option.some(0))
    expect(meta.maxOffset).toEqual(Option.some(3_000_000_009))
  })

  it("reads the footer with a single suffix-range fetch", async () => {
    const requested: Array<number> = []
    const fetchTail = async (n: number) => {
      requested.push(n)
      return bytes.slice(Math.max(0, bytes.length - n))
    }
    const meta = await Effect.runPromise(readFileMetaRanged(fetchTail))
    expect(meta.lastOffset).toEqual(Option.some(2 ** 33 + 999))
    expect(requested).toHaveLength(1)
  })

  it("fetches again when the footer is larger than the first guess", async () => {
    const big = encodeReports(generated(20_000), { rowGroupRows: 50 }) // 400 row groups: a footer > 64 KiB
    const requested: Array<number> = []
    const fetchTail = async (n: number) => {
      requested.push(n)
      return big.slice(Math.max(0, big.length - n))
    }
    const meta = await Effect.runPromise(readFileMetaRanged(fetchTail))
    expect(meta.rows).toBe(20_000)
    expect(requested).toHaveLength(2)
  })

  it("a failing fetch is a FooterFetchError", async () => {
    const result = await Effect.runPromise(Effect.either(readFileMetaRanged(() => Promise.reject(new Error("503")))))
    expect(Either.isLeft(result) && result.left._tag).toBe("FooterFetchError")
  })

  it("readSourcePositions returns every (partition, offset)", async () => {
    const positions = await Effect.runPromise(readSourcePositions(bytes))
    expect(Array.from(positions.offsets)).toEqual(records.map((r) => r.offset))
    expect(Array.from(positions.partitions)).toEqual(records.map((r) => r.partition))
  })
})
