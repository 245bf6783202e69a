import { Option } from "effect"

/** The Range header for [start, end); an empty or inverted range still asks for one byte, so a missing key fails. */
export const rangeHeader = (start: number, end?: number): string =>
  start < 0 ? `bytes=${start}` : end === undefined ? `bytes=${start}-` : `bytes=${start}-${Math.max(start, end - 1)}`

const contentRange = /^bytes (\d+)-\d+\/(\d+|\*)$/

/**
 * The asked-for [start, end) of a ranged GET's body. The body holds bytes [offset, offset + body.length) of an object
 * of `size` bytes, as its Content-Range says; a server that ignores Range sends the whole object (no Content-Range).
 */
export const clip = (
  body: Uint8Array,
  range: Option.Option<string>,
  start: number,
  end: number | undefined
): Uint8Array => {
  const [offset, size] = Option.match(
    Option.flatMap(range, (r) => Option.fromNullable(contentRange.exec(r))),
    {
      onNone: () => [0, body.length] as const,
      onSome: (m) => [Number(m[1]), m[2] === "*" ? Number(m[1]) + body.length : Number(m[2])] as const
    }
  )
  const from = start < 0 ? Math.max(0, size + start) : Math.min(start, size)
  const to = Math.max(from, Math.min(end ?? size, size))
  return body.slice(Math.max(0, from - offset), Math.max(0, to - offset))
}
