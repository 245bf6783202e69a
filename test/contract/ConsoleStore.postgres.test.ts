import { describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as ConsoleDatabase from "../../src/adapters/ConsoleDatabase.js"
import * as SqlConsoleStore from "../../src/adapters/SqlConsoleStore.js"
import { freshDatabase, postgresSkipReason } from "../support/Postgres.js"
import { consoleStoreContract } from "./ConsoleStoreContract.js"

const skip = postgresSkipReason()

if (skip !== undefined) {
  describe.skip(`ConsoleStore contract: PostgreSQL — skipped: ${skip}`, () => {
    it("needs PostgreSQL", () => undefined)
  })
} else {
  const store = Layer.unwrapScoped(
    Effect.map(freshDatabase("console_contract"), (url) =>
      SqlConsoleStore.layer.pipe(Layer.provide(ConsoleDatabase.postgres(Redacted.make(url))))
    )
  )
  consoleStoreContract("PostgreSQL", store)
}
