// The archiver's pure bookkeeping: however a partition's records arrive (valid or not, across hours, in
// batches of any size), the files it closes and keeps open hold every new valid report once, in offset order,
// each in one hour folder and never more than the limit.
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Option } from "effect"
import fc from "fast-check"
import { reportAt } from "../../src/domain/Generator.js"
import { hourFolderOf } from "../../src/format/Layout.js"
import { append, type Decoded, fresh, type OpenFile } from "../../src/archiver/PartitionFiles.js"
import type { LogRecord } from "../../src/ports/MessageLog.js"

const settings = { seed: 3, drones: 7, startMs: Date.parse("2026-11-02T22:50:00Z"), alertRatio: 0.1 }

// Records of partition 0: each either a valid report (its minute index drawn, so hours change) or a bad one.
const recordsArb = fc.array(fc.option(fc.integer({ min: 0, max: 7 * 60 * 3 }), { nil: undefined }), { maxLength: 300 })

const decodedOf = (entries: ReadonlyArray<number | undefined>): ReadonlyArray<Decoded> =>
  entries.map((minute, offset) => {
    const record: LogRecord = {
      topic: "t",
      partition: 0,
      offset,
      key: Option.none(),
      value: new Uint8Array(),
      headers: {},
      timestamp: 0
    }
    return {
      record,
      report:
        minute === undefined ? Option.none() : Option.some({ report: reportAt(settings, minute), partition: 0, offset })
    }
  })

describe("PartitionFiles.append", () => {
  it("keeps every new valid report once, in order, one hour folder and at most maxRecords per file", () =>
    fc.assert(
      fc.property(
        recordsArb,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -1, max: 60 }),
        (entries, max, batch, storedThrough) => {
          const decoded = decodedOf(entries)
          const batches = Array.from({ length: Math.ceil(decoded.length / batch) }, (_, i) =>
            decoded.slice(i * batch, (i + 1) * batch)
          )
          const { state, done } = batches.reduce<{ state: typeof fresh; done: ReadonlyArray<OpenFile> }>(
            (acc, b) => {
              const next = append(max)(acc.state, b)
              return { state: next.state, done: [...acc.done, ...next.done] }
            },
            { state: { ...fresh, storedThrough }, done: [] }
          )
          const files = [...done, ...Option.toArray(state.open)]
          const kept = files.flatMap((f) => Chunk.toReadonlyArray(f.reports))
          const expected = decoded.flatMap((d) => (d.record.offset > storedThrough ? Option.toArray(d.report) : []))
          expect(kept.map((r) => r.offset)).toStrictEqual(expected.map((r) => r.offset))
          files.forEach((f) => {
            const reports = Chunk.toReadonlyArray(f.reports)
            expect(reports.length).toBeGreaterThan(0)
            expect(reports.length).toBeLessThanOrEqual(max)
            expect(new Set(reports.map((r) => hourFolderOf(r.report.timestamp)))).toStrictEqual(new Set([f.folder]))
            expect([f.first, f.last]).toStrictEqual([reports[0]!.offset, reports.at(-1)!.offset])
          })
          // Only the last file may be open, and only when not full.
          Option.map(state.open, (f) => expect(Chunk.size(f.reports)).toBeLessThan(max))
        }
      )
    ))
})
