import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as ConsoleDatabase from "../../src/adapters/ConsoleDatabase.js"
import * as SqlConsoleStore from "../../src/adapters/SqlConsoleStore.js"
import { ConsoleStore } from "../../src/ports/ConsoleStore.js"
import { alertOf, consoleStoreContract } from "./ConsoleStoreContract.js"

const tempDir = Effect.flatMap(FileSystem.FileSystem, (fs) =>
  fs.makeTempDirectoryScoped({ prefix: "peacestate-console-" })
).pipe(Effect.provide(NodeContext.layer))

const storeIn = (dir: string) => SqlConsoleStore.layer.pipe(Layer.provide(ConsoleDatabase.embedded(dir)))

consoleStoreContract("PGlite (embedded)", Layer.unwrapScoped(Effect.map(tempDir, storeIn)))

describe("ConsoleStore on PGlite", () => {
  it.scoped(
    "keeps what it stored across a close and a reopen; a second opener goes through the holder's socket",
    () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const alerts = [alertOf("pw-0001", 1), alertOf("pw-0001", 2)]
        yield* Effect.scoped(Effect.flatMap(ConsoleStore, (s) => s.insert(alerts)).pipe(Effect.provide(storeIn(dir))))
        const [first, second] = yield* Effect.scoped(
          Effect.flatMap(ConsoleStore, (held) =>
            Effect.zip(
              held.page({ limit: 10 }),
              // The holder's socket answers: this one inserts through it rather than opening the files again.
              Effect.scoped(
                Effect.flatMap(ConsoleStore, (other) =>
                  Effect.zipRight(other.insert([alertOf("pw-0001", 3)]), other.stats)
                ).pipe(Effect.provide(storeIn(dir)))
              )
            )
          ).pipe(Effect.provide(storeIn(dir)))
        )
        expect(first.alerts.map((a) => a.alertId)).toStrictEqual([alerts[1]!.alertId, alerts[0]!.alertId])
        expect(second).toStrictEqual({ alerts: 3, open: 3 })
      }),
    120_000
  )
})
