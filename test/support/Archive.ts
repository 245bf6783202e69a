import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { Effect } from "effect"
import type { ArchivedReport } from "../../src/format/ArchivedReport.js"
import { decodeReports } from "../../src/format/DecodeReports.js"

/** Every Parquet file under a folder, as keys relative to it. */
export const parquetFiles = (root: string): ReadonlyArray<string> => {
  const walk = (dir: string): ReadonlyArray<string> =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : name.endsWith(".parquet") ? [relative(root, path)] : []
    })
  return walk(root).slice().sort()
}

/** Every archived report of a local archive, with the key of the file holding it. */
export const readArchive = (root: string): ReadonlyArray<ArchivedReport & { readonly key: string }> =>
  parquetFiles(root).flatMap((key) =>
    Effect.runSync(decodeReports(readFileSync(join(root, key)))).map((r) => ({ ...r, key }))
  )
