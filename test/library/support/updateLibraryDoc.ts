// Rewrite the examples of docs/LIBRARY.md from docs/examples/: each file's code and what it prints now.
//   node --import tsx test/library/support/updateLibraryDoc.ts
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { docExamples, libraryDoc, readDoc, renderExample, rewriteExamples, runExample } from "./LibraryDoc.js"
import { repoRoot } from "./Probe.js"

const doc = readDoc()
const paths = docExamples(doc).map((e) => e.path)
const outputs = new Map(
  await Promise.all(
    paths.map(async (path) => {
      const result = await runExample(path)
      if (result.code !== 0) throw new Error(`${path} failed (exit ${result.code}):\n${result.stderr}`)
      return [path, result.stdout] as const
    })
  )
)
writeFileSync(
  libraryDoc,
  rewriteExamples(doc, (path) =>
    renderExample({ path, code: readFileSync(join(repoRoot, path), "utf8"), output: outputs.get(path) ?? "" })
  )
)
console.log(`updated ${paths.length} examples in docs/LIBRARY.md`)
