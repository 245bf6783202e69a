// Waiting on observed state: a pause, a poll until something holds, a seeded PRNG for repeatable moments.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Poll `f` until it returns something other than undefined; fail after `timeoutMs` naming `what`. */
export const eventually = async <A>(
  what: string,
  f: () => Promise<A | undefined> | A | undefined,
  timeoutMs = 30_000,
  everyMs = 200
): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await Promise.resolve()
      .then(f)
      .catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

/** A small seeded PRNG (mulberry32): the same seed gives the same kill moments on every run. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
