// A relay in front of S3 that delays its responses, as a remote S3 would.
import * as net from "node:net"

export interface Relay {
  readonly url: string
  /** Change the delay of the chunks to come. */
  readonly setDelay: (ms: number) => void
  /** Response chunks held back by a delay right now (received, due later, not passed on yet): a client waiting on the relay. */
  readonly held: () => number
  readonly close: () => Promise<void>
}

/**
 * A TCP relay to `target` (an http://host:port URL) that delays every response chunk by `delayMs`, as a
 * remote S3 would (tens of ms per request against ~1 ms for the local S3Proxy). A request fully sent is
 * still delivered when the client dies, so a put can land after its sender was killed, as on S3.
 */
export const latencyRelay = (target: URL, delayMs: number): Promise<Relay> =>
  new Promise((resolve) => {
    const sockets = new Set<net.Socket>()
    let delay = delayMs
    let held = 0
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname)
      sockets.add(client)
      sockets.add(upstream)
      client.on("data", (b: Buffer) => upstream.write(b))
      // The client went away: let the server finish what it was sent, then drop the connection.
      client.on("close", () => {
        sockets.delete(client)
        upstream.end()
      })
      // Chunks leave in order, each `delay` after it came (or with the one ahead of it, when the delay shrinks).
      const queue: Array<{ readonly at: number; readonly send: () => void }> = []
      let timer: NodeJS.Timeout | undefined
      const pump = () => {
        timer = undefined
        while (queue.length > 0 && queue[0]!.at <= Date.now()) queue.shift()!.send()
        if (queue.length > 0) timer = setTimeout(pump, queue[0]!.at - Date.now())
      }
      const later = (send: () => void, data = false) => {
        const at = Math.max(Date.now() + delay, queue.at(-1)?.at ?? 0)
        const delayed = data && at > Date.now()
        if (delayed) held += 1
        queue.push({
          at,
          send: () => {
            if (delayed) held -= 1
            send()
          }
        })
        if (timer === undefined) timer = setTimeout(pump, queue[0]!.at - Date.now())
      }
      upstream.on("data", (b: Buffer) =>
        later(() => {
          if (!client.destroyed) client.write(b)
        }, true)
      )
      upstream.on("close", () => {
        sockets.delete(upstream)
        later(() => client.destroy())
      })
      client.on("error", () => client.destroy())
      upstream.on("error", () => upstream.destroy())
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
        setDelay: (ms) => {
          delay = ms
        },
        held: () => held,
        close: () =>
          new Promise<void>((ok) => {
            server.close(() => ok())
            sockets.forEach((s) => s.destroy())
          })
      })
    )
  })
