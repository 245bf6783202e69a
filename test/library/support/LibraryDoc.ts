// docs/LIBRARY.md and its examples: each `<!-- example: docs/examples/x.ts -->` marker is followed by the
// file's code and what it prints, which Examples.test.ts checks and updateLibraryDoc.ts rewrites.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot, runNode, type RunResult, sourceFlags } from "./Probe.js"

export const libraryDoc = join(repoRoot, "docs/LIBRARY.md")
export const examplesDir = "docs/examples"

export const exampleFiles = (): ReadonlyArray<string> =>
  readdirSync(join(repoRoot, examplesDir))
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => `${examplesDir}/${f}`)

export interface DocExample {
  readonly path: string
  readonly code: string
  readonly output: string
}

const marker = /<!-- example: (\S+) -->\n/g
const section = /^\n```ts\n([\s\S]*?)```\n\nPrints:\n\n```text\n([\s\S]*?)```\n/

/** The examples shown in the doc, in order; `code`/`output` are empty where the marker is not followed by both blocks. */
export const docExamples = (markdown: string): ReadonlyArray<DocExample> =>
  [...markdown.matchAll(marker)].map((m) => {
    const after = markdown.slice((m.index ?? 0) + m[0].length)
    const blocks = section.exec(after)
    return { path: m[1] ?? "", code: blocks?.[1] ?? "", output: blocks?.[2] ?? "" }
  })

export const renderExample = (e: DocExample): string =>
  `<!-- example: ${e.path} -->\n\n\`\`\`ts\n${e.code}\`\`\`\n\nPrints:\n\n\`\`\`text\n${e.output}\`\`\`\n`

/** The doc with each marker's section (up to the next heading or marker) replaced by `render(path)`. */
export const rewriteExamples = (markdown: string, render: (path: string) => string): string =>
  markdown.replace(/<!-- example: (\S+) -->\n[\s\S]*?(?=\n#{1,3} |\n<!-- example: |$)/g, (_, path: string) =>
    render(path)
  )

export const readDoc = (): string => readFileSync(libraryDoc, "utf8")

/** Run an example: from the sources (the `peacestate-source` condition) or, with `source: false`, through the package's dist/. */
export const runExample = (
  path: string,
  options: { readonly cwd?: string; readonly source?: boolean } = {}
): Promise<RunResult> =>
  runNode([...((options.source ?? true) ? sourceFlags : ["--import", "tsx"]), path], { cwd: options.cwd ?? repoRoot })
