// The CLI on the broker's secured listeners, through each client (KAFKA_CLIENT): each SASL mechanism with the right credentials, TLS with the test CA,
// and with wrong credentials a clear error and exit 1 (no retry loop, no secret in the output).
import { beforeAll, describe, expect, it } from "vitest"
import { KafkaClients } from "../../src/adapters/KafkaLog.js"
import { secureKafka } from "../support/Infra.js"
import { deleteTopics, readTopic } from "../support/Kafka.js"
import { uniqueNames } from "../support/Names.js"
import { runCli } from "../support/RunCli.js"

const secure = secureKafka()
const skip = typeof secure === "string" ? secure : undefined
const s = typeof secure === "string" ? undefined : secure

const simulate = ["simulate", "--to", "kafka", "--count", "30", "--seed", "3", "--drones", "3"]

const sasl = (mechanism: string, password: string, brokers: string): Record<string, string> => ({
  KAFKA_CLIENT: client.current,
  KAFKA_BROKERS: brokers,
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: s?.username ?? "",
  KAFKA_SASL_PASSWORD: password
})

// The client of the describe block being collected and run (the blocks run one after another).
const client = { current: "" }

describe.skipIf(skip !== undefined).each(KafkaClients)(
  `Kafka TLS and SASL (%s)${skip ? ` (skipped: ${skip})` : ""}`,
  (name) => {
    beforeAll(() => {
      client.current = name
    })
    it.each(["plain", "scram-sha-256", "scram-sha-512"])(
      "SASL %s with the right credentials: simulate --to kafka publishes every report",
      async (mechanism) => {
        const names = uniqueNames(`sasl-${mechanism}`, 2)
        const run = await runCli(simulate, { ...names, ...sasl(mechanism, s?.password ?? "", s?.saslBrokers ?? "") })
        expect(run.stderr).not.toContain(s?.password)
        expect(run.code, run.stderr).toBe(0)
        expect((await readTopic(names.REPORTS_TOPIC)).length).toBe(30)
        await deleteTopics(names)
      },
      120_000
    )

    it("SASL over TLS, verified against KAFKA_SSL_CA: the alerter reads what was published", async () => {
      const names = uniqueNames("sasl-ssl", 2)
      const env = {
        ...names,
        ...sasl("scram-sha-512", s?.password ?? "", s?.sslBrokers ?? ""),
        KAFKA_SSL: "true",
        KAFKA_SSL_CA: s?.caFile ?? ""
      }
      expect((await runCli(simulate, env)).code).toBe(0)
      const alert = await runCli(["alert", "--idle-exit", "3s"], env)
      expect(alert.code, alert.stderr).toBe(0)
      expect((await readTopic(names.REPORTS_TOPIC)).length).toBe(30)
      expect(alert.stderr).not.toContain(s?.password)
      await deleteTopics(names)
    }, 120_000)

    it.each([
      ["simulate", simulate],
      ["alert", ["alert", "--idle-exit", "3s"]]
    ])(
      "%s with a wrong password: one clear error, exit 1, the password in no output",
      async (_, args) => {
        const wrong = "wrong-password-0451"
        const started = Date.now()
        const run = await runCli(args, {
          ...uniqueNames("sasl-wrong", 2),
          ...sasl("scram-sha-256", wrong, s?.saslBrokers ?? "")
        })
        expect(run.code).toBe(1)
        expect(run.stderr).toMatch(/authentication failed|invalid username or password/i)
        expect(`${run.stdout}${run.stderr}`).not.toContain(wrong)
        expect(Date.now() - started).toBeLessThan(60_000)
      },
      120_000
    )

    it("TLS without the CA that signed the broker: a certificate error, exit 1", async () => {
      const run = await runCli(simulate, {
        ...uniqueNames("ssl-no-ca", 2),
        ...sasl("scram-sha-512", s?.password ?? "", s?.sslBrokers ?? ""),
        KAFKA_SSL: "true"
      })
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(/certificate/i)
    }, 240_000)
  }
)
