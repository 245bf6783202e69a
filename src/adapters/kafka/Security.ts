import { Config, ConfigError, Effect, Either, Option, Redacted } from "effect"
import { readFile } from "node:fs/promises"
import type { KafkaConfig, SASLOptions } from "kafkajs"
import { LogError } from "../../ports/MessageLog.js"

export const SaslMechanisms = ["plain", "scram-sha-256", "scram-sha-512"] as const
export type SaslMechanism = (typeof SaslMechanisms)[number]

/** How the client reaches the brokers: TLS (with an optional CA file) and SASL, both off by default. */
export interface KafkaSecurity {
  /** TLS, verifying the brokers' certificates against the system CAs or, when given, this PEM file's. */
  readonly tls: Option.Option<{ readonly caFile: Option.Option<string> }>
  readonly sasl: Option.Option<{
    readonly mechanism: SaslMechanism
    readonly username: string
    readonly password: Redacted.Redacted
  }>
}

export const noSecurity: KafkaSecurity = { tls: Option.none(), sasl: Option.none() }

const invalid = (key: string, message: string) => ConfigError.InvalidData([key], message)

/**
 * `KAFKA_SSL` (true|false, default false), `KAFKA_SSL_CA` (a PEM file; needs KAFKA_SSL=true),
 * `KAFKA_SASL_MECHANISM` (plain|scram-sha-256|scram-sha-512) with `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`
 * (redacted, never defaulted). A username or password without a mechanism is an error, not ignored.
 */
export const SecurityConfig: Config.Config<KafkaSecurity> = Config.all({
  ssl: Config.withDefault(Config.boolean("KAFKA_SSL"), false),
  caFile: Config.option(Config.string("KAFKA_SSL_CA")),
  mechanism: Config.option(Config.literal(...SaslMechanisms)("KAFKA_SASL_MECHANISM")),
  username: Config.option(Config.string("KAFKA_SASL_USERNAME")),
  password: Config.option(Config.redacted("KAFKA_SASL_PASSWORD"))
}).pipe(
  Config.mapOrFail(({ caFile, mechanism, password, ssl, username }) =>
    !ssl && Option.isSome(caFile)
      ? Either.left(invalid("KAFKA_SSL_CA", "is set but KAFKA_SSL is not true (set KAFKA_SSL=true to use TLS)"))
      : Option.match(mechanism, {
          onNone: () =>
            Option.isSome(username) || Option.isSome(password)
              ? Either.left(
                  invalid(
                    "KAFKA_SASL_MECHANISM",
                    "is missing: KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set (plain, scram-sha-256 or scram-sha-512)"
                  )
                )
              : Either.right<KafkaSecurity>({
                  tls: ssl ? Option.some({ caFile }) : Option.none(),
                  sasl: Option.none()
                }),
          onSome: (m) =>
            Option.isNone(username)
              ? Either.left(ConfigError.MissingData(["KAFKA_SASL_USERNAME"], `needed by KAFKA_SASL_MECHANISM=${m}`))
              : Option.isNone(password)
                ? Either.left(ConfigError.MissingData(["KAFKA_SASL_PASSWORD"], `needed by KAFKA_SASL_MECHANISM=${m}`))
                : Either.right<KafkaSecurity>({
                    tls: ssl ? Option.some({ caFile }) : Option.none(),
                    sasl: Option.some({ mechanism: m, username: username.value, password: password.value })
                  })
        })
  )
)

/** The TLS options of either client, when TLS is on: certificates verified, against the CA file's when given (read here). */
export const tlsOptions = (
  security: KafkaSecurity
): Effect.Effect<Option.Option<{ readonly ca?: Array<string>; readonly rejectUnauthorized: true }>, LogError> =>
  Option.match(security.tls, {
    onNone: () => Effect.succeedNone,
    onSome: ({ caFile }) =>
      Option.match(caFile, {
        onNone: () => Effect.succeedSome({ rejectUnauthorized: true as const }),
        onSome: (file) =>
          Effect.tryPromise({
            try: () => readFile(file, "utf8"),
            catch: (cause) => new LogError({ operation: `read KAFKA_SSL_CA ${file}`, cause })
          }).pipe(Effect.map((ca) => Option.some({ ca: [ca], rejectUnauthorized: true as const })))
      })
  })

/** kafkajs' `ssl` and `sasl` settings; the CA file is read here, its failure a LogError naming it. */
export const clientSecurity = (security: KafkaSecurity): Effect.Effect<Pick<KafkaConfig, "ssl" | "sasl">, LogError> =>
  Effect.gen(function* () {
    const ssl = Option.match(yield* tlsOptions(security), { onNone: () => ({}), onSome: (tls) => ({ ssl: tls }) })
    const sasl = Option.match(security.sasl, {
      onNone: () => ({}),
      onSome: ({ mechanism, password, username }): { sasl: SASLOptions } => ({
        sasl: { mechanism, username, password: Redacted.value(password) } as SASLOptions
      })
    })
    return { ...ssl, ...sasl }
  })
