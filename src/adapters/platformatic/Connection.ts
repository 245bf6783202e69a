import { Effect, Option, Redacted } from "effect"
import { type SASLOptions, SASLMechanisms } from "@platformatic/kafka"
import type { ConnectionOptions as TlsOptions } from "node:tls"
import type { LogError } from "../../ports/MessageLog.js"
import { type KafkaSecurity, type SaslMechanism, tlsOptions } from "../kafka/Security.js"
import type { KafkaTuning } from "../kafka/Tuning.js"

const mechanisms: Readonly<Record<SaslMechanism, SASLOptions["mechanism"]>> = {
  plain: SASLMechanisms.PLAIN,
  "scram-sha-256": SASLMechanisms.SCRAM_SHA_256,
  "scram-sha-512": SASLMechanisms.SCRAM_SHA_512
}

/** What every client of the layer is built with: brokers, id, retries, TLS and SASL. */
export interface ClientBase {
  readonly clientId: string
  readonly bootstrapBrokers: Array<string>
  readonly retries: number
  readonly retryDelay: number
  readonly tls?: TlsOptions
  readonly sasl?: SASLOptions
}

/** The clients' common options; the CA file is read here, its failure a LogError naming it. */
export const clientBase = (
  brokers: ReadonlyArray<string>,
  tuning: KafkaTuning,
  security: KafkaSecurity
): Effect.Effect<ClientBase, LogError> =>
  Effect.gen(function* () {
    const tls = Option.match(yield* tlsOptions(security), { onNone: () => ({}), onSome: (t) => ({ tls: t }) })
    const sasl = Option.match(security.sasl, {
      onNone: () => ({}),
      onSome: ({ mechanism, password, username }) => ({
        sasl: { mechanism: mechanisms[mechanism], username, password: Redacted.value(password) }
      })
    })
    return {
      clientId: tuning.clientId,
      bootstrapBrokers: [...brokers],
      retries: tuning.retries,
      retryDelay: 300,
      ...tls,
      ...sasl
    }
  })
