import { Option } from "effect"
import type { Message } from "@platformatic/kafka"
import type { LogRecord } from "../../ports/MessageLog.js"

const emptyBytes = new Uint8Array(0)
const noHeaders: Readonly<Record<string, string>> = Object.freeze({})

/** A header given several times keeps its last value. */
const headersOf = (headers: Map<Buffer, Buffer>): Readonly<Record<string, string>> =>
  headers.size === 0
    ? noHeaders
    : Object.fromEntries(Array.from(headers, ([k, v]) => [k.toString("utf8"), v.toString("utf8")] as const))

export const toRecord = (m: Message): LogRecord => ({
  topic: m.topic,
  partition: m.partition,
  offset: Number(m.offset),
  key: Option.map(Option.fromNullable(m.key), (k) => k.toString("utf8")),
  value: m.value ?? emptyBytes,
  headers: headersOf(m.headers),
  timestamp: Number(m.timestamp)
})
