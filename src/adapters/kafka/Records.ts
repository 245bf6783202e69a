import { Array as Arr, Option } from "effect"
import type { IHeaders, KafkaMessage } from "kafkajs"
import type { LogRecord } from "../../ports/MessageLog.js"

const emptyBytes = new Uint8Array(0)
const noHeaders: Readonly<Record<string, string>> = Object.freeze({})

const headerText = (v: Buffer | string): string => (typeof v === "string" ? v : v.toString("utf8"))

/** A header given several times keeps its last value. */
const headersOf = (headers: IHeaders | undefined): Readonly<Record<string, string>> => {
  const entries = headers === undefined ? [] : Object.entries(headers)
  return entries.length === 0
    ? noHeaders
    : Object.fromEntries(
        Arr.flatMap(entries, ([k, v]) =>
          v === undefined
            ? []
            : Array.isArray(v)
              ? Option.match(Arr.last(v), { onNone: () => [], onSome: (last) => [[k, headerText(last)] as const] })
              : [[k, headerText(v)] as const]
        )
      )
}

export const toRecord =
  (topic: string, partition: number) =>
  (m: KafkaMessage): LogRecord => ({
    topic,
    partition,
    offset: Number(m.offset),
    key: Option.map(Option.fromNullable(m.key), (k) => k.toString("utf8")),
    value: m.value ?? emptyBytes,
    headers: headersOf(m.headers),
    timestamp: Number(m.timestamp)
  })
