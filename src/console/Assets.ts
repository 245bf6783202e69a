import { Config, type ConfigError, Data, Effect, Option } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

// The page's script and style, as `npm run build` bundles them into dist/web (scripts/bundle.mjs), read once
// at start-up. Found next to the bundled CLI (dist/bundle → dist/web), from the sources (src/console →
// dist/web), or in CONSOLE_ASSETS_DIR.

export interface Assets {
  readonly appJs: Uint8Array
  readonly appCss: Uint8Array
  readonly appJsMap: Uint8Array
}

export class AssetsMissing extends Data.TaggedError("AssetsMissing")<{ readonly looked: ReadonlyArray<string> }> {
  override get message(): string {
    return `the console's page is not built (looked in ${this.looked.join(", ")}): run \`npm run build\``
  }
}

const candidates = [new URL("../web/", import.meta.url), new URL("../../dist/web/", import.meta.url)].map((u) =>
  fileURLToPath(u)
)

export const AssetsDirConfig = Config.option(Config.string("CONSOLE_ASSETS_DIR"))

export const load: Effect.Effect<Assets, AssetsMissing | ConfigError.ConfigError> = Effect.gen(function* () {
  const configured = yield* AssetsDirConfig
  const looked = Option.match(configured, { onNone: () => candidates, onSome: (d) => [d] })
  const dir = Option.fromNullable(looked.find((d) => existsSync(join(d, "app.js")) && existsSync(join(d, "app.css"))))
  if (Option.isNone(dir)) return yield* Effect.fail(new AssetsMissing({ looked }))
  const read = (name: string) =>
    existsSync(join(dir.value, name)) ? new Uint8Array(readFileSync(join(dir.value, name))) : new Uint8Array()
  return { appJs: read("app.js"), appCss: read("app.css"), appJsMap: read("app.js.map") }
})
