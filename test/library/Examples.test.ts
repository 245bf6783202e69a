// docs/LIBRARY.md shows every example of docs/examples/ with its code and output exactly, and each runs
// (from the TypeScript sources, through the package's exports) and prints what the page says.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { docExamples, exampleFiles, readDoc, runExample } from "./support/LibraryDoc.js"
import { repoRoot } from "./support/Probe.js"

const shown = docExamples(readDoc())
const fix = "(node --import tsx test/library/support/updateLibraryDoc.ts rewrites them)"

describe("docs/LIBRARY.md examples", () => {
  it("shows every file of docs/examples/ once", () => {
    expect(shown.map((e) => e.path).sort()).toEqual(exampleFiles())
    expect(exampleFiles().length).toBeGreaterThanOrEqual(6)
  })

  it("imports the package by name, as a user would", () => {
    exampleFiles().forEach((path) => {
      const code = readFileSync(join(repoRoot, path), "utf8")
      expect(code, path).toMatch(/from "peacestate\/[a-z]+"/)
      expect(code, path).not.toMatch(/from "\.\.?\//)
    })
  })

  it.concurrent.each(shown.map((e) => [e.path, e] as const))(
    "%s: the page shows its code and what it prints",
    async (path, e) => {
      expect(e.code, `the code shown for ${path} ${fix}`).toBe(readFileSync(join(repoRoot, path), "utf8"))
      const result = await runExample(path)
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout, `the output shown for ${path} ${fix}`).toBe(e.output)
    }
  )
})
