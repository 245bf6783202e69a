// The package's entry points (package.json "exports"): what each exports, what importing it loads (the
// light ones: `effect` and nothing heavy), and that the exports map points at the entry modules under src/
// and at where the build puts them in dist/. Runs the TypeScript sources (no build needed).
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  directDependencies,
  packageJson,
  probeImport,
  repoRoot,
  SourceCondition,
  specifierOf
} from "./support/Probe.js"
import { isHeavy, Surface } from "./support/Surface.js"

const pkg = packageJson()
const subpaths = Object.keys(pkg.exports).filter((s) => s !== "./package.json")
const conditionsOf = (subpath: string): Readonly<Record<string, string>> => {
  const target = pkg.exports[subpath]
  if (target === undefined || typeof target === "string")
    throw new Error(`exports["${subpath}"] is not a conditions object`)
  return target
}

describe("package.json exports", () => {
  it("has exactly the subpaths of the public surface, and ./package.json", () => {
    expect(subpaths).toEqual(Object.keys(Surface))
    expect(pkg.exports["./package.json"]).toBe("./package.json")
  })

  it.each(subpaths)(
    "%s: types, then the source condition, then default; dist mirrors the src entry module",
    (subpath) => {
      const c = conditionsOf(subpath)
      // "types" first (TypeScript reads the first match); the source condition before "default" (Node takes the first match).
      expect(Object.keys(c)).toEqual(["types", SourceCondition, "default"])
      const source = c[SourceCondition] ?? ""
      expect(source).toMatch(/^\.\/src\/.+\.ts$/)
      expect(existsSync(join(repoRoot, source))).toBe(true)
      const built = `./dist/${source.slice("./".length, -".ts".length)}`
      expect(c.types).toBe(`${built}.d.ts`)
      expect(c.default).toBe(`${built}.js`)
    }
  )

  it("main and types are the root entry's", () => {
    const root = conditionsOf(".")
    expect(pkg.main).toBe(root.default)
    expect(pkg.types).toBe(root.types)
    expect(root[SourceCondition]).toBe("./src/index.ts")
  })

  it("every module under src/exports/ is a subpath of its own name", () => {
    const entries = readdirSync(join(repoRoot, "src/exports"))
      .filter((f) => f.endsWith(".ts"))
      .sort()
    expect(entries.length).toBeGreaterThan(0)
    entries.forEach((file) =>
      expect(conditionsOf(`./${file.slice(0, -".ts".length)}`)[SourceCondition]).toBe(`./src/exports/${file}`)
    )
  })

  it("the build compiles every entry module and emits src/X.ts as dist/src/X.js (outDir dist, rootDir the package root)", () => {
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc")
    const shown = JSON.parse(
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--showConfig"], {
        cwd: repoRoot,
        encoding: "utf8"
      })
    ) as {
      readonly compilerOptions: {
        readonly outDir: string
        readonly rootDir: string
        readonly noEmit?: boolean
        readonly declaration?: boolean
      }
      readonly files: ReadonlyArray<string>
    }
    expect(shown.compilerOptions.outDir.replace(/\/$/, "")).toBe("./dist")
    expect(shown.compilerOptions.rootDir.replace(/\/$/, "")).toBe(".")
    expect(shown.compilerOptions.noEmit ?? false).toBe(false)
    expect(shown.compilerOptions.declaration).toBe(true)
    subpaths.forEach((subpath) => expect(shown.files).toContain(conditionsOf(subpath)[SourceCondition]))
  })

  it("effect is a peer dependency, with the range the package is developed against", () => {
    expect(Object.keys(pkg.peerDependencies ?? {})).toEqual(["effect"])
    const range = pkg.peerDependencies?.effect ?? ""
    expect(range).toBe(pkg.dependencies.effect ?? pkg.devDependencies.effect)
    // ~x.y.z: the installed effect is x.y.w with w >= z.
    const [, major, minor, patch] = /^~(\d+)\.(\d+)\.(\d+)$/.exec(range) ?? []
    const installed = (
      JSON.parse(readFileSync(join(repoRoot, "node_modules/effect/package.json"), "utf8")) as { version: string }
    ).version
      .split(".")
      .map(Number)
    expect(installed.slice(0, 2)).toEqual([Number(major), Number(minor)])
    expect(installed[2]).toBeGreaterThanOrEqual(Number(patch))
  })
})

describe.concurrent.each(subpaths)("import %s", (subpath) => {
  const specifier = specifierOf(subpath)
  const expected = Surface[subpath]
  if (expected === undefined) throw new Error(`no expected surface for ${subpath}`)

  it(`exports the documented names and loads only ${expected.dependencies.join(", ")} of the dependencies`, async () => {
    const trace = await probeImport(specifier)
    expect(trace.exports).toEqual([...expected.exports].sort())
    expect(directDependencies(trace, pkg)).toEqual(expected.dependencies)
    // Resolved through the exports map to the entry module (self-reference), not through a relative path.
    expect(trace.ownFiles).toContain(conditionsOf(subpath)[SourceCondition]?.slice(2))
    // Nothing of the CLI, whatever the entry.
    expect(trace.ownFiles.filter((f) => f.startsWith("src/cli/") || f.startsWith("src/pipeline/"))).toEqual([])
    if (expected.light) expect(trace.packages.filter(isHeavy)).toEqual([])
  })
})

describe("the light entry", () => {
  it("peacestate loads only the domain and the ports of the project's own modules", async () => {
    const trace = await probeImport("peacestate")
    expect(
      trace.ownFiles.filter(
        (f) => !/^src\/(domain|ports)\/|^src\/exports\/(domain|ports)\.ts$|^src\/index\.ts$/.test(f)
      )
    ).toEqual([])
  })

  it("the heavy dependencies are each behind their own subpath", () => {
    const loading = (dep: string) => subpaths.filter((s) => Surface[s]?.dependencies.includes(dep))
    expect(loading("@aws-sdk/client-s3")).toEqual(["./s3"])
    expect(loading("kafkajs")).toEqual(["./kafka"])
    expect(loading("@effect/cli")).toEqual([])
    expect(loading("@effect/platform-node")).toEqual(["./analyzer"])
  })
})
