// What the globalSetup (test/support/globalSetup.ts) provides to the tests: the real Kafka and S3.
import { inject } from "vitest"
import { InfraEnvKeys } from "./InfraKeys.js"

export interface InfraInfo {
  readonly available: boolean
  /** Why the services are (not) available, for skip messages and logs. */
  readonly reason: string
  /** The InfraEnvKeys that are set (KAFKA_BROKERS, S3_*, AWS_*, PEACESTATE_TEST_KAFKA_*). */
  readonly env: Readonly<Record<string, string>>
}

declare module "vitest" {
  export interface ProvidedContext {
    infra: InfraInfo
  }
}

const EnvKeys: ReadonlyArray<string> = InfraEnvKeys

/** The provided infra, or (when run without the globalSetup) whatever the environment says. */
export const infra = (): InfraInfo => {
  const provided = inject("infra") as InfraInfo | undefined
  if (provided !== undefined) return provided
  const env = process.env
  return env.KAFKA_BROKERS && env.S3_ENDPOINT && env.PEACESTATE_SKIP_INFRA !== "1"
    ? {
        available: true,
        reason: "services from the environment",
        env: Object.fromEntries(
          Object.entries(env).filter((e): e is [string, string] => EnvKeys.includes(e[0]) && e[1] !== undefined)
        )
      }
    : {
        available: false,
        reason: "no infra: run with the vitest globalSetup or set KAFKA_BROKERS and S3_ENDPOINT",
        env: {}
      }
}

export const infraAvailable = (): boolean => infra().available

/** Why Kafka/S3 tests skip, or undefined when they run. */
export const skipReason = (): string | undefined => (infraAvailable() ? undefined : infra().reason)

export const kafkaBrokers = (): ReadonlyArray<string> =>
  (infra().env.KAFKA_BROKERS ?? "127.0.0.1:9092")
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b.length > 0)

export interface S3Env {
  readonly endpoint: string
  readonly bucket: string
  readonly region: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

export const s3Env = (): S3Env => {
  const env = infra().env
  return {
    endpoint: env.S3_ENDPOINT ?? "http://127.0.0.1:9000",
    bucket: env.S3_BUCKET ?? "peacestate",
    region: env.S3_REGION ?? "us-east-1",
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? ""
  }
}

/** The services' environment, to pass to a child process (e.g. a CLI run). */
export const infraEnv = (): Readonly<Record<string, string>> => infra().env

/** The broker's secured listeners (infra.sh: SASL on one port, SASL over TLS with its test CA on another). */
export interface SecureKafka {
  readonly saslBrokers: string
  readonly sslBrokers: string
  readonly caFile: string
  readonly username: string
  readonly password: string
}

/** The secured listeners, or why their tests skip (services from an environment that does not name them). */
export const secureKafka = (): SecureKafka | string => {
  const env = infra().env
  const [saslBrokers, sslBrokers, caFile, username, password] = [
    env.PEACESTATE_TEST_KAFKA_SASL_BROKERS,
    env.PEACESTATE_TEST_KAFKA_SSL_BROKERS,
    env.PEACESTATE_TEST_KAFKA_SSL_CA,
    env.PEACESTATE_TEST_KAFKA_USER,
    env.PEACESTATE_TEST_KAFKA_PASSWORD
  ]
  return (
    skipReason() ??
    (saslBrokers && sslBrokers && caFile && username && password
      ? { saslBrokers, sslBrokers, caFile, username, password }
      : "no secured Kafka listeners (PEACESTATE_TEST_KAFKA_* unset; infra.sh up provides them)")
  )
}
