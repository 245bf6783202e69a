// The package as published: build it (tsc -p tsconfig.build.json) into a scratch package root next to a
// copy of package.json, then import every entry point by name from there with plain Node — no tsx, no
// source condition — and run the examples against it. Proves the exports map matches what the build
// emits, and that the built light entries load no heavy dependency either.
import { execFile } from "node:child_process"
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { docExamples, exampleFiles, examplesDir, readDoc, runExample } from "./support/LibraryDoc.js"
import { directDependencies, packageJson, probeImport, repoRoot, specifierOf } from "./support/Probe.js"
import { isHeavy, Surface } from "./support/Surface.js"

const pkg = packageJson()
const subpaths = Object.keys(pkg.exports).filter((s) => s !== "./package.json")
const root = mkdtempSync(join(tmpdir(), "peacestate-package-"))

beforeAll(async () => {
  const tsc = join(repoRoot, "node_modules/typescript/bin/tsc")
  await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(root, "dist")], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024
  }).catch((e: { stdout?: string }) => {
    throw new Error(`the build failed:\n${e.stdout ?? String(e)}`)
  })
  cpSync(join(repoRoot, "package.json"), join(root, "package.json"))
  cpSync(join(repoRoot, examplesDir), join(root, examplesDir), { recursive: true })
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir")
}, 300_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

const targets = (subpath: string): ReadonlyArray<string> => {
  const t = pkg.exports[subpath]
  return typeof t === "object" ? [t.types ?? "", t.default ?? ""] : []
}

describe("the built package", () => {
  it("has every file package.json points at (exports' types and default, main, types)", () => {
    const files = [...subpaths.flatMap(targets), pkg.main, pkg.types]
    expect(files.filter((f) => !f.startsWith("./dist/"))).toEqual([])
    expect(files.filter((f) => !existsSync(join(root, f)))).toEqual([])
  })

  it.concurrent.each(subpaths)(
    "import %s from dist/: the same exports, loads the same dependencies",
    async (subpath) => {
      const expected = Surface[subpath]
      const trace = await probeImport(specifierOf(subpath), { cwd: root, source: false })
      expect(trace.exports).toEqual([...(expected?.exports ?? [])].sort())
      expect(directDependencies(trace, pkg)).toEqual(expected?.dependencies)
      expect(trace.ownFiles.every((f) => f.startsWith("dist/src/"))).toBe(true)
      expect(trace.ownFiles.filter((f) => f.startsWith("dist/src/cli/"))).toEqual([])
      if (expected?.light === true) expect(trace.packages.filter(isHeavy)).toEqual([])
    },
    120_000
  )

  const shown = new Map(docExamples(readDoc()).map((e) => [e.path, e.output]))
  it.concurrent.each(exampleFiles())(
    "%s runs against dist/ and prints what docs/LIBRARY.md shows",
    async (path) => {
      const result = await runExample(path, { cwd: root, source: false })
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toBe(shown.get(path))
    },
    120_000
  )
})
