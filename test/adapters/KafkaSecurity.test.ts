import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Option, Redacted } from "effect"
import { SecurityConfig } from "../../src/adapters/kafka/Security.js"

const read = (entries: ReadonlyArray<readonly [string, string]>) =>
  Effect.runSync(Effect.either(Effect.withConfigProvider(SecurityConfig, ConfigProvider.fromMap(new Map(entries)))))

const errorOf = (entries: ReadonlyArray<readonly [string, string]>): string =>
  Either.match(read(entries), { onLeft: (e) => String(e), onRight: () => "no error" })

describe("Kafka security settings", () => {
  it("are off by default", () => {
    expect(read([])).toEqual(Either.right({ tls: Option.none(), sasl: Option.none() }))
  })

  it("TLS with or without a CA file; SASL with a mechanism, a user and a redacted password", () => {
    const settings = Either.getOrThrow(
      read([
        ["KAFKA_SSL", "true"],
        ["KAFKA_SSL_CA", "/etc/ca.pem"],
        ["KAFKA_SASL_MECHANISM", "scram-sha-256"],
        ["KAFKA_SASL_USERNAME", "officer"],
        ["KAFKA_SASL_PASSWORD", "hunter2-secret"]
      ])
    )
    expect(settings.tls).toEqual(Option.some({ caFile: Option.some("/etc/ca.pem") }))
    const sasl = Option.getOrThrow(settings.sasl)
    expect([sasl.mechanism, sasl.username, Redacted.value(sasl.password)]).toEqual([
      "scram-sha-256",
      "officer",
      "hunter2-secret"
    ])
    expect(`${String(sasl.password)} ${JSON.stringify(settings)}`).not.toContain("hunter2")
    expect(Either.getOrThrow(read([["KAFKA_SSL", "true"]])).tls).toEqual(Option.some({ caFile: Option.none() }))
  })

  it("a mistake names the setting and the problem, never the password", () => {
    expect(errorOf([["KAFKA_SSL_CA", "/etc/ca.pem"]])).toMatch(/KAFKA_SSL_CA.*KAFKA_SSL is not true/)
    expect(errorOf([["KAFKA_SASL_MECHANISM", "kerberos"]])).toMatch(/KAFKA_SASL_MECHANISM/)
    expect(errorOf([["KAFKA_SASL_MECHANISM", "plain"]])).toMatch(/KAFKA_SASL_USERNAME/)
    expect(
      errorOf([
        ["KAFKA_SASL_MECHANISM", "plain"],
        ["KAFKA_SASL_USERNAME", "officer"]
      ])
    ).toMatch(/KAFKA_SASL_PASSWORD/)
    const noMechanism = errorOf([
      ["KAFKA_SASL_USERNAME", "officer"],
      ["KAFKA_SASL_PASSWORD", "hunter2-secret"]
    ])
    expect(noMechanism).toMatch(/KAFKA_SASL_MECHANISM/)
    expect(noMechanism).not.toContain("hunter2")
    expect(errorOf([["KAFKA_SSL", "maybe"]])).toMatch(/KAFKA_SSL/)
  })
})
