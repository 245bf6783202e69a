import { S3Client } from "@aws-sdk/client-s3"
import { Config, Effect, Option, Redacted } from "effect"

/**
 * The SDK client from config, destroyed with its scope: `S3_REGION` (default us-east-1), `S3_ENDPOINT` (an
 * S3-compatible server, path-style), static credentials when configured (kept redacted: never in a log or an error),
 * otherwise the SDK's standard chain (instance profile, web identity, SSO, ~/.aws, ...).
 */
export const client = Effect.gen(function* () {
  const region = yield* Config.string("S3_REGION").pipe(Config.withDefault("us-east-1"))
  const endpoint = (yield* Config.option(Config.string("S3_ENDPOINT"))).pipe(Option.filter((e) => e.trim() !== ""))
  const staticCredentials = yield* Config.option(
    Config.all({
      accessKeyId: Config.redacted("AWS_ACCESS_KEY_ID"),
      secretAccessKey: Config.redacted("AWS_SECRET_ACCESS_KEY"),
      sessionToken: Config.option(Config.redacted("AWS_SESSION_TOKEN"))
    })
  )
  return yield* Effect.acquireRelease(
    Effect.sync(
      () =>
        new S3Client({
          region,
          // Our Schedule does the retrying, with logging and a bound we choose.
          maxAttempts: 1,
          requestHandler: { connectionTimeout: 5_000, socketTimeout: 60_000 },
          ...Option.match(staticCredentials, {
            onNone: () => ({}),
            onSome: (c) => ({
              credentials: {
                accessKeyId: Redacted.value(c.accessKeyId),
                secretAccessKey: Redacted.value(c.secretAccessKey),
                ...Option.match(c.sessionToken, {
                  onNone: () => ({}),
                  onSome: (t) => ({ sessionToken: Redacted.value(t) })
                })
              }
            })
          }),
          ...Option.match(endpoint, {
            onNone: () => ({}),
            onSome: (url) => ({ endpoint: url, forcePathStyle: true })
          })
        })
    ),
    (c) => Effect.sync(() => c.destroy())
  )
})
