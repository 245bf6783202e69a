// The producer's split into sends under the broker's size limit, against the plain greedy loop it replaced.
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { chunksOf } from "../../src/adapters/kafka/Chunks.js"
import type { OutgoingRecord } from "../../src/ports/MessageLog.js"

const MaxSendBytes = 900_000
const sizeOf = (r: OutgoingRecord) =>
  64 +
  r.key.length * 3 +
  (typeof r.value === "string" ? Buffer.byteLength(r.value) : r.value.byteLength) +
  (r.headers === undefined ? 0 : Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length * 3, 0))

/** Greedy: a record opens a new send when it would take the current one past the limit. */
const plain = (records: ReadonlyArray<OutgoingRecord>): Array<Array<string>> => {
  const chunks: Array<Array<string>> = []
  let size = MaxSendBytes
  for (const r of records) {
    const s = sizeOf(r)
    if (size + s > MaxSendBytes) {
      chunks.push([r.key])
      size = s
    } else {
      chunks[chunks.length - 1]!.push(r.key)
      size += s
    }
  }
  return chunks
}

const record: fc.Arbitrary<OutgoingRecord> = fc.record(
  {
    key: fc.string({ maxLength: 8 }),
    value: fc.oneof(
      fc.nat(400_000).map((n) => "v".repeat(n)),
      fc.nat(1_000_000).map((n) => new Uint8Array(n))
    ),
    headers: fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })), { nil: undefined })
  },
  { requiredKeys: ["key", "value"] }
)

describe("KafkaLog chunksOf", () => {
  it("splits like the greedy loop: same records, same order, same boundaries", () =>
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), (records) => {
        expect(chunksOf(records, (r) => r).map((c) => c.map((m) => m.key))).toEqual(plain(records))
      }),
      { numRuns: 200 }
    ))

  it("a million small records make a few hundred sends", () => {
    const records = Array.from({ length: 1_000_000 }, (_, i) => ({ key: `k${i % 500}`, value: "x".repeat(200) }))
    const chunks = chunksOf(records, (r) => r)
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(records.length)
    expect(chunks.length).toBe(plain(records).length)
  })
})
