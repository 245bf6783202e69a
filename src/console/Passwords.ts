import { Data, Effect, Option, Redacted } from "effect"
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto"

// Passwords as salted slow hashes (scrypt, N=2^15, r=8, p=1: ≈ 50–100 ms and 32 MiB per check here), in one
// self-describing text: `scrypt$N$r$p$salt$hash` (base64url). Session tokens and CSRF tokens are random.

export class PasswordError extends Data.TaggedError("PasswordError")<{ readonly cause: unknown }> {
  override get message(): string {
    return `password hashing failed: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

const Cost = { N: 32768, r: 8, p: 1 } as const
const KeyLength = 32
const MaxMemory = 128 * 1024 * 1024

const derive = (password: Redacted.Redacted<string>, salt: Buffer, N: number, r: number, p: number) =>
  Effect.async<Buffer, PasswordError>((resume) =>
    scrypt(Redacted.value(password), salt, KeyLength, { N, r, p, maxmem: MaxMemory }, (error, key) =>
      resume(error ? Effect.fail(new PasswordError({ cause: error })) : Effect.succeed(key))
    )
  )

/** A new salted hash of `password`. */
export const hash = (password: Redacted.Redacted<string>): Effect.Effect<string, PasswordError> =>
  Effect.suspend(() => {
    const salt = randomBytes(16)
    return Effect.map(
      derive(password, salt, Cost.N, Cost.r, Cost.p),
      (key) => `scrypt$${Cost.N}$${Cost.r}$${Cost.p}$${salt.toString("base64url")}$${key.toString("base64url")}`
    )
  })

const parse = (stored: string) => {
  const parts = stored.split("$")
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  return parts.length === 6 &&
    parts[0] === "scrypt" &&
    [N, r, p].every((n) => Number.isInteger(n) && n > 0 && n <= 1 << 20)
    ? Option.some({
        N,
        r,
        p,
        salt: Buffer.from(parts[4] ?? "", "base64url"),
        key: Buffer.from(parts[5] ?? "", "base64url")
      })
    : Option.none()
}

/** A hash of a password nobody has: checked against when the account does not exist, so both take as long. */
export const Decoy = `scrypt$${Cost.N}$${Cost.r}$${Cost.p}$${Buffer.alloc(16).toString("base64url")}$${Buffer.alloc(KeyLength).toString("base64url")}`

/** Whether `password` matches `stored` (compared in constant time); false for a hash this code cannot read. */
export const verify = (password: Redacted.Redacted<string>, stored: string): Effect.Effect<boolean, PasswordError> =>
  Option.match(parse(stored), {
    onNone: () => Effect.succeed(false),
    onSome: (h) =>
      Effect.map(
        derive(password, h.salt, h.N, h.r, h.p),
        (key) => key.length === h.key.length && timingSafeEqual(key, h.key)
      )
  })

/** A random token (256 bits, base64url) for a session cookie or a CSRF token. */
export const token = (): string => randomBytes(32).toString("base64url")

/** What the store keeps of a session token: its SHA-256, so a copy of the database signs nobody in. */
export const tokenHash = (t: string): string => createHash("sha256").update(t).digest("base64url")

/** Constant-time equality of two short texts (CSRF tokens). */
export const sameText = (a: string, b: string): boolean => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)]
  return x.length === y.length && timingSafeEqual(x, y)
}
